import datetime

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


class SmsDeliveryFactory(DeliveryFactory):
    """An SMS to the invited user's mobile, +46701234599 unless told otherwise."""

    invitation = factory.SubFactory(InvitationFactory, user__mobile="+46701234599")
    channel = "sms"
    recipient = factory.LazyAttribute(lambda o: o.invitation.user.mobile.as_e164)


MESSAGE_EXPIRY = datetime.datetime(2026, 10, 15, 12, 0, tzinfo=datetime.UTC)


def message_delivery(*, channel="email", language="sv", purpose="invitation") -> Delivery:
    """A delivery whose message names known people, for the tests that read the rendered
    e-mail or SMS: Maja Månsson (maja.mansson, +46705556677) of Fisk & Skaldjur AB, invited
    by Olle Konsult of Räkna Rätt AB, her link valid until ``MESSAGE_EXPIRY``."""
    invitation = InvitationFactory(
        user__full_name="Maja Månsson",
        user__username="maja.mansson",
        user__language=language,
        user__mobile="+46705556677",
        client__name="Fisk & Skaldjur AB",
        client__firm__name="Räkna Rätt AB",
        invited_by__full_name="Olle Konsult",
        expires_at=MESSAGE_EXPIRY,
    )
    recipient = invitation.user.email if channel == "email" else "+46705556677"
    return DeliveryFactory(
        invitation=invitation, channel=channel, purpose=purpose, recipient=recipient
    )
