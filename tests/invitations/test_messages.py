"""The invitation e-mail and SMS: what they say, and in which language."""

import pytest
from django.utils import timezone

from invitations import secrets
from invitations.delivery.messages import invitation_email, invitation_sms
from invitations.services import invitation_link
from tests.invitations.factories import DeliveryFactory, message_delivery

pytestmark = pytest.mark.django_db


def test_the_email_says_who_for_which_client_the_username_the_app_and_the_link(settings):
    delivery = message_delivery()
    invitation = delivery.invitation

    message = invitation_email(delivery)

    html = message.alternatives[0].content
    assert message.subject == "Räkna Rätt AB har bjudit in dig till Byråportalen"
    assert message.to == [invitation.user.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.reply_to == [invitation.invited_by.email]
    for body in (message.body, html):
        assert "Olle Konsult" in body
        assert "maja.mansson" in body
        assert invitation_link(invitation) in body
        # No app store: the app is the portal, installed from the link on the phone.
        for store in ("App Store", "Google Play", "apps.apple.com", "play.google.com"):
            assert store not in body
        assert "lägga till Byråportalen på hemskärmen" in body
        assert "15 okt 2026" in body
    assert "Fisk & Skaldjur AB" in message.body
    assert "Fisk &amp; Skaldjur AB" in html
    assert '<html lang="sv">' in html


def test_an_english_user_gets_english_dates_and_language_tag():
    message = invitation_email(message_delivery(language="en"))

    html = message.alternatives[0].content
    assert "15 Oct 2026" in message.body
    assert '<html lang="en">' in html


def test_a_reminder_says_it_is_one():
    delivery = message_delivery(purpose="reminder")

    message = invitation_email(delivery)
    sms = invitation_sms(
        DeliveryFactory(
            invitation=delivery.invitation,
            purpose="reminder",
            channel="sms",
            recipient="+46705556677",
        )
    )

    assert message.subject.startswith("Påminnelse: ")
    assert "påminnelse" in message.body
    assert sms.body.startswith("Påminnelse från Räkna Rätt AB")


def test_the_sms_is_short_names_the_firm_and_carries_the_link():
    delivery = message_delivery(channel="sms")

    sms = invitation_sms(delivery)

    assert sms.to == "+46705556677"
    assert "Räkna Rätt AB" in sms.body
    assert sms.body.endswith(invitation_link(delivery.invitation))
    assert "\n" not in sms.body
    assert "senast 15 okt 2026" in sms.body
    assert len(sms.body) <= 306, "at most two SMS segments"
    assert "hemskärmen" in sms.body
    for store in ("App Store", "Google Play", "apps.apple.com", "play.google.com"):
        assert store not in sms.body


def test_the_link_in_the_message_follows_a_resent_secret():
    delivery = message_delivery()
    before = invitation_email(delivery).body
    invitation = delivery.invitation
    invitation.secret_nonce = "0" * 32
    invitation.secret_hash = secrets.hash_secret(secrets.secret_for(invitation.secret_nonce))
    invitation.expires_at = timezone.now()
    invitation.save()

    after = invitation_email(delivery).body

    assert invitation_link(invitation) in after
    assert invitation_link(invitation) not in before


def test_without_any_reply_address_there_is_no_reply_to():
    delivery = message_delivery()
    delivery.invitation.invited_by.email = ""

    assert invitation_email(delivery).reply_to == []


def test_the_firms_reply_address_wins_over_the_accountants():
    delivery = message_delivery()
    delivery.invitation.client.firm.reply_to_email = "kontoret@rakna.test"

    assert invitation_email(delivery).reply_to == ["kontoret@rakna.test"]
