"""The local outbox page of the embedded run: /utveckling/utkorg/ (DEBUG only)."""

import pytest
from django.urls import NoReverseMatch, reverse

from invitations.services import invitation_link
from invitations.tasks import send_delivery
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory
from tests.invitations.factories import DeliveryFactory, InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "invitations.delivery.outbox.OutboxEmailBackend"
    settings.EMAIL_OUTBOX_DIR = str(tmp_path)
    settings.SMS_OUTBOX_DIR = str(tmp_path / "sms")
    settings.TWILIO_ACCOUNT_SID = ""
    return tmp_path


def test_without_debug_there_is_no_outbox_page(client):
    with pytest.raises(NoReverseMatch):
        reverse("development:outbox")
    assert client.get("/utveckling/utkorg/").status_code in (302, 404)


@pytest.mark.urls("tests.invitations.development_urlconf")
def test_lists_email_and_sms_newest_first_with_clickable_links(client, local_outbox):
    invitation = InvitationFactory(user__mobile="+46708887766", client__name="Kaffe & Kaka AB")
    email = DeliveryFactory(invitation=invitation)
    sms = DeliveryFactory(invitation=invitation, channel="sms", recipient="+46708887766")
    send_delivery.delay(email.pk)
    send_delivery.delay(sms.pk)

    client.force_login(UserFactory(is_staff=True))
    response = client.get("/utveckling/utkorg/")

    assert response.status_code == 200
    html = response.content.decode()
    link = invitation_link(invitation)
    assert html.index('data-kind="sms"') < html.index('data-kind="email"')
    assert f'<a href="{link}"' in html
    assert invitation.user.email in html and "+46708887766" in html
    assert "har bjudit in dig till Byråportalen" in html
    assert "<iframe" in html and "srcdoc=" in html
    assert "Kaffe &amp;amp; Kaka AB" in html  # the HTML part, escaped once more for srcdoc


@pytest.mark.urls("tests.invitations.development_urlconf")
def test_an_empty_outbox_says_so(client, local_outbox):
    client.force_login(UserFactory(is_staff=True))
    assert "Utkorgen är tom." in client.get("/utveckling/utkorg/").content.decode()


@pytest.mark.urls("tests.invitations.development_urlconf")
def test_the_outbox_needs_a_logged_in_staff_user(client, local_outbox):
    """Review finding 10: it listed every firm's live links to anyone without login."""
    invitation = InvitationFactory()
    send_delivery.delay(DeliveryFactory(invitation=invitation).pk)
    link = invitation_link(invitation)

    anonymous = client.get("/utveckling/utkorg/")
    client.force_login(AccountantFactory())
    accountant = client.get("/utveckling/utkorg/")

    assert anonymous.status_code == 302 and "/logga-in/" in anonymous["Location"]
    assert accountant.status_code == 403
    assert link not in anonymous.content.decode() + accountant.content.decode()
