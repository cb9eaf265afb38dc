import factory
from django.utils import timezone

from invitations import secrets
from invitations.models import Delivery, Invitation, InvitationBatch
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import ClientCompanyFactory


class InvitationBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvitationBatch

    firm = factory.SelfAttribute("created_by.firm_membership.firm")
    created_by = factory.SubFactory(AccountantFactory)
    kind = "new_users"
    submission_key = factory.Faker("uuid4")


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation; ``secret`` on the instance is the raw link secret."""

    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, password=None)
    client = factory.SubFactory(ClientCompanyFactory)
    invited_by = factory.SubFactory(
        AccountantFactory, firm_membership__firm=factory.SelfAttribute("...client.firm")
    )
    secret_nonce = factory.LazyFunction(secrets.new_nonce)
    secret_hash = factory.LazyAttribute(
        lambda o: secrets.hash_secret(secrets.secret_for(o.secret_nonce))
    )
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=14))

    @factory.post_generation
    def secret(obj, create, extracted, **kwargs):
        obj.secret = secrets.secret_for(obj.secret_nonce)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    invitation = factory.SubFactory(InvitationFactory)
    channel = "email"
    recipient = factory.SelfAttribute("invitation.user.email")
