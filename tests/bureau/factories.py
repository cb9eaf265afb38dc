import factory

from bureau.models import Firm, FirmMembership, FirmRole
from bureau.organisation_numbers import luhn_checksum_is_valid
from tests.accounts.factories import UserFactory


def valid_org_number(n: int, prefix: str = "55") -> str:
    """The n-th valid organisation number starting with ``prefix``: NNNNNN-NNNN."""
    body = f"{prefix}{n:07d}"[-9:]
    for check in range(10):
        if luhn_checksum_is_valid(body + str(check)):
            digits = body + str(check)
            return f"{digits[:6]}-{digits[6:]}"
    raise AssertionError("unreachable: one check digit always fits")


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"Redovisningsbyrå {n} AB")
    org_number = factory.Sequence(lambda n: valid_org_number(n, prefix="66"))


class FirmMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FirmMembership

    firm = factory.SubFactory(FirmFactory)
    user = factory.SubFactory(UserFactory)
    role = FirmRole.MEMBER


class AccountantFactory(UserFactory):
    """A user with a firm membership: pass ``firm_membership__firm=...`` to choose the firm."""

    firm_membership = factory.RelatedFactory(FirmMembershipFactory, factory_related_name="user")
