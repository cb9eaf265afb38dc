"""The history of an invitation and the delivery errors speak the reader's language (issue 9).

Events and errors are stored as a kind (or code) plus parameters and put into words when a
page shows them; rows stored as finished sentences before that are shown as written.
"""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from invitations.delivery import record_provider_event
from invitations.delivery import sending as delivery_sending
from invitations.event_text import delivery_error, event_detail
from invitations.models import Delivery, EventKind, InvitationEvent
from invitations.services import request_new_link
from tests.clients.factories import ClientCompanyFactory, ClientRightFactory
from tests.invitations.factories import DeliveryFactory, InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(firm, accountant):
    company = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=company)
    return InvitationFactory(
        client=company, user__email="maja@example.test", user__mobile="+46701112233"
    )


def detail_page(client, invitation, language):
    client.post(reverse("set_language"), {"language": language})
    return client.get(reverse("invitations:detail", args=[invitation.pk])).content.decode()


def test_a_sent_reminder_is_stored_as_parameters_and_read_in_both_languages(
    accountant_client, invitation
):
    delivery = DeliveryFactory(invitation=invitation, purpose="reminder")

    delivery_sending.send_delivery(delivery_id=delivery.pk)

    assert len(mail.outbox) == 1
    event = invitation.events.get(kind=EventKind.SENT)
    assert event.detail == ""
    assert event.params == {
        "channel": "email",
        "recipient": "maja@example.test",
        "purpose": "reminder",
    }
    assert "E-post (påminnelse) till maja@example.test" in detail_page(
        accountant_client, invitation, "sv"
    )
    english = detail_page(accountant_client, invitation, "en")
    assert "E-mail (reminder) to maja@example.test" in english
    assert "till maja" not in english


def test_a_failure_keeps_the_providers_words_and_puts_ours_in_the_readers_language(
    accountant_client, invitation
):
    invitation.status = "revoked"
    invitation.save()
    delivery = DeliveryFactory(invitation=invitation)

    delivery_sending.send_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.error_code, delivery.error_params) == (
        "failed",
        "invitation_closed",
        {"status": "revoked"},
    )
    swedish = detail_page(accountant_client, invitation, "sv")
    english = detail_page(accountant_client, invitation, "en")
    assert "E-post till maja@example.test: Inbjudan är återkallad" in swedish
    assert "E-mail to maja@example.test: The invitation is revoked" in english
    assert "återkallad" not in english.split('data-testid="audit-trail"')[1]


def test_a_providers_report_and_the_gave_up_reason_in_english(accountant_client, invitation):
    sms = DeliveryFactory(
        invitation=invitation, channel="sms", recipient="+46701112233", status="sent"
    )
    record_provider_event(
        channel="sms", delivery_id=sms.pk, event="failed", detail="Twilio undelivered (30003)"
    )
    gave_up = DeliveryFactory(
        invitation=invitation,
        status="failed",
        error_code="gave_up",
        error_params={"attempts": 3, "cause": "no_connection"},
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )

    english = detail_page(accountant_client, invitation, "en")

    assert "SMS to +46701112233: Twilio undelivered (30003)" in english
    assert (
        "No connection: ConnectionRefusedError: [Errno 111] Connection refused "
        "(gave up after 3 attempts)"
    ) in english
    sms.refresh_from_db()
    assert delivery_error(sms) == "Twilio undelivered (30003)"
    assert gave_up.error_code == "gave_up"


def test_a_renewal_by_the_recipient_is_stored_as_a_flag(settings, accountant_client, invitation):
    settings.INVITATION_RENEWAL = "resend"
    invitation.expires_at = timezone.now() - timezone.timedelta(days=1)
    invitation.save()

    request_new_link(secret=invitation.secret, now=timezone.now())

    event = invitation.events.get(kind=EventKind.RESENT)
    assert event.params == {"requested_by_recipient": True}
    assert "Requested by the recipient" in detail_page(accountant_client, invitation, "en")


def test_old_rows_stored_as_sentences_are_still_shown_as_written(accountant_client, invitation):
    InvitationEvent.objects.create(
        invitation=invitation, kind=EventKind.SENT, detail="E-post till maja@example.test"
    )
    old = DeliveryFactory(invitation=invitation, status="failed", last_error="Ersatt av ett nyare")

    english = detail_page(accountant_client, invitation, "en")

    assert "E-post till maja@example.test" in english
    assert "Ersatt av ett nyare" in english
    assert delivery_error(Delivery.objects.get(pk=old.pk)) == "Ersatt av ett nyare"
    assert event_detail(invitation.events.get()) == "E-post till maja@example.test"


def test_the_overview_shows_delivery_errors_in_the_readers_language(accountant_client, invitation):
    DeliveryFactory(invitation=invitation, status="failed", error_code="superseded")

    accountant_client.post(reverse("set_language"), {"language": "en"})
    page = accountant_client.get(reverse("invitations:overview")).content.decode()

    assert "Replaced by a newer message" in page
