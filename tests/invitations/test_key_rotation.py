"""Review finding 9: after a SECRET_KEY rotation (the old key in SECRET_KEY_FALLBACKS) a
reminder, a retry or the sweep's new attempt still carries the link that works."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from invitations import secrets
from invitations.delivery.enqueue import retry_deliveries
from invitations.delivery.messages import invitation_sms
from invitations.delivery.sending import send_deliveries
from invitations.links import LinkKeyMissing, give_new_secret, invitation_link
from invitations.models import Delivery, DeliveryStatus, Invitation
from invitations.services import send_due_reminders
from tests.accounts.factories import UserFactory
from tests.clients.factories import ClientMembershipFactory
from tests.invitations.factories import DeliveryFactory, InvitationFactory

pytestmark = pytest.mark.django_db

OLD = "the-old-key-of-this-installation-" + "o" * 30
NEW = "the-new-key-of-this-installation-" + "n" * 30
LINK = re.compile(r"http://testserver(/inbjudan/[A-Za-z0-9_-]+/)")


def _made_under_the_old_key(**kwargs) -> Invitation:
    with override_settings(SECRET_KEY=OLD, SECRET_KEY_FALLBACKS=[]):
        user = UserFactory(password=None, is_active=False, mobile="+46701234567")
        invitation = InvitationFactory(user=user, **kwargs)
        ClientMembershipFactory(client=invitation.client, user=user)
        old_link = invitation_link(invitation)
    return invitation, old_link


def _links_in_the_outbox() -> list[str]:
    return [path for message in mail.outbox for path in LINK.findall(message.body)]


@override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD])
def test_the_reminder_after_a_rotation_carries_the_link_that_opens(
    client, django_capture_on_commit_callbacks
):
    invitation, old_link = _made_under_the_old_key(expires_at=timezone.now() + timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(now=timezone.now()) == 1

    [path] = _links_in_the_outbox()
    assert "http://testserver" + path == old_link
    assert client.get(path).status_code == 200
    [sms] = Delivery.objects.filter(channel="sms", invitation=invitation)
    assert invitation_sms(sms).body.endswith(old_link)


@override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD])
def test_a_retried_delivery_after_a_rotation_carries_the_link_that_opens(
    client, django_capture_on_commit_callbacks
):
    invitation, old_link = _made_under_the_old_key()
    failed = DeliveryFactory(invitation=invitation, status=DeliveryStatus.FAILED, attempts=6)

    with django_capture_on_commit_callbacks(execute=True):
        assert retry_deliveries(deliveries=Delivery.objects.filter(pk=failed.pk)) == [failed.pk]

    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT
    [path] = _links_in_the_outbox()
    assert "http://testserver" + path == old_link
    assert client.get(path).status_code == 200


@override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD])
def test_the_sweeps_new_attempt_after_a_rotation_carries_the_link_that_opens(client):
    invitation, old_link = _made_under_the_old_key()
    pending = DeliveryFactory(invitation=invitation, status=DeliveryStatus.PENDING)

    send_deliveries(delivery_ids=[pending.pk])

    [path] = _links_in_the_outbox()
    assert "http://testserver" + path == old_link
    assert client.get(path).status_code == 200


@override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD])
def test_new_links_are_made_under_the_current_key():
    invitation, _old_link = _made_under_the_old_key()

    give_new_secret(invitation, now=timezone.now())

    nonce = invitation.secret_nonce
    assert invitation.secret_hash == secrets.hash_secret(secrets.secret_for(nonce, key=NEW))
    assert invitation_link(invitation).endswith(f"/{secrets.secret_for(nonce, key=NEW)}/")


def test_a_link_whose_key_is_gone_is_not_rendered_as_a_dead_link():
    invitation, _old_link = _made_under_the_old_key()

    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[]):
        with pytest.raises(LinkKeyMissing):
            invitation_link(invitation)


def test_a_message_whose_key_is_gone_fails_at_once_with_that_reason():
    invitation, _old_link = _made_under_the_old_key()
    pending = DeliveryFactory(invitation=invitation, status=DeliveryStatus.PENDING)

    with override_settings(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[]):
        send_deliveries(delivery_ids=[pending.pk])

    pending.refresh_from_db()
    assert (pending.status, pending.error_code) == (DeliveryStatus.FAILED, "link_key_gone")
    assert mail.outbox == []
