import factory

from clients.models import ClientCompany, ClientMembership, ClientRight
from tests.accounts.factories import UserFactory
from tests.bureau.factories import FirmFactory, valid_org_number


class ClientCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientCompany

    firm = factory.SubFactory(FirmFactory)
    name = factory.Sequence(lambda n: f"Klientbolaget {n} AB")
    org_number = factory.Sequence(lambda n: valid_org_number(n))
    customer_number = factory.Sequence(lambda n: str(1000 + n))


class ClientRightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientRight

    accountant = factory.SubFactory(UserFactory)
    client = factory.SubFactory(ClientCompanyFactory)
    is_system_admin = True


class ClientMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientMembership

    client = factory.SubFactory(ClientCompanyFactory)
    user = factory.SubFactory(UserFactory)


def administered_client(accountant, firm, **kwargs):
    """A client company of ``firm`` on which ``accountant`` is system administrator."""
    client = ClientCompanyFactory(firm=firm, **kwargs)
    ClientRightFactory(accountant=accountant, client=client, is_system_admin=True)
    return client
