"""The delivery pages in Chromium: the invitations overview and the local outbox.

With SCREENSHOTS_DIR set, each page is also saved there as a PNG, for a person to look at.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bureau.models import FirmRole
from invitations.tasks import send_delivery
from tests.accounts.factories import PASSWORD, UserFactory
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.e2e.browser import log_in, snapshot, wait_until_enhanced
from tests.invitations.factories import DeliveryFactory, InvitationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_overview_shows_each_delivery_and_filters_by_status(page, live_server):
    firm = FirmFactory(name="Byrå Ekonomi AB")
    karin = AccountantFactory(
        firm_membership__firm=firm, firm_membership__role=FirmRole.ADMIN, full_name="Karin Konsult"
    )
    people = [
        ("Anna Ek", "Alfa Bygg AB", "delivered", "sent", ""),
        (
            "Bo Berg",
            "Beta Måleri AB",
            "failed",
            None,
            "SMTP 550 5.1.1 <bo@beta.test>: No such user",
        ),
        ("Cia Cederlund", "Gamma Frakt AB", "pending", "unknown", "Anslutningen bröts"),
        ("Dan Dahl", "Delta Data AB", "sent", None, ""),
    ]
    for name, client, email_status, sms_status, error in people:
        invitation = InvitationFactory(
            user__full_name=name, client__firm=firm, client__name=client, invited_by=karin
        )
        DeliveryFactory(
            invitation=invitation,
            status=email_status,
            last_error=error if email_status == "failed" else "",
            attempts=1,
            next_attempt_at=timezone.now() + timezone.timedelta(minutes=2)
            if email_status == "pending"
            else None,
        )
        if sms_status:
            DeliveryFactory(
                invitation=invitation,
                channel="sms",
                recipient="+46701234567",
                status=sms_status,
                attempts=1,
                last_error=error if sms_status == "unknown" else "",
            )

    log_in(page, live_server, karin)
    page.goto(f"{live_server.url}/inbjudningar/")

    expect(page.get_by_role("heading", name="Inbjudningar", level=1)).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(4)
    expect(page.get_by_text("No such user")).to_be_visible()
    snapshot(page, "delivery-overview")

    wait_until_enhanced(page, "#invitation-filters")
    page.get_by_label("Utskickets status").select_option("failed")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Bo Berg")
    snapshot(page, "delivery-overview-failed")


@pytest.mark.urls("tests.invitations.development_urlconf")
def test_the_local_outbox_lists_messages_and_its_link_opens_the_invitation(
    page, live_server, settings, tmp_path
):
    settings.EMAIL_BACKEND = "invitations.delivery.outbox.OutboxEmailBackend"
    settings.EMAIL_OUTBOX_DIR = str(tmp_path)
    settings.SMS_OUTBOX_DIR = str(tmp_path / "sms")
    settings.TWILIO_ACCOUNT_SID = ""
    settings.SITE_URL = live_server.url
    invitation = InvitationFactory(
        user__full_name="Maja Månsson",
        user__mobile="+46705556677",
        client__name="Fisk & Skaldjur AB",
        client__firm__name="Räkna Rätt AB",
        invited_by__full_name="Olle Konsult",
    )
    for channel, recipient in (("email", invitation.user.email), ("sms", "+46705556677")):
        send_delivery.delay(
            DeliveryFactory(invitation=invitation, channel=channel, recipient=recipient).pk
        )

    log_in(page, live_server, UserFactory(is_staff=True))
    page.goto(f"{live_server.url}/utveckling/utkorg/")

    expect(page.get_by_role("heading", name="Utkorg")).to_be_visible()
    expect(page.locator("article.outbox-entry")).to_have_count(2)
    page.get_by_text("Visa HTML-versionen").click()
    frame = page.frame_locator("iframe")
    expect(frame.get_by_text("Olle Konsult")).to_be_visible()
    snapshot(page, "delivery-outbox")

    page.locator("article[data-kind=email] .outbox-body a[href*='/inbjudan/']").click()
    expect(page).to_have_url(re.compile(r"/inbjudan/[\w-]+/$"))
    expect(page.locator("body")).to_contain_text("Fisk & Skaldjur AB")
    snapshot(page, "delivery-outbox-link-followed")


def test_an_admin_retries_a_failed_delivery(page, live_server):
    from tests.accounts.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    failed = DeliveryFactory(status="failed", attempts=6, last_error="SMTP 451 4.3.0 Try later")
    DeliveryFactory(status="sent", attempts=1)

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(
        page.get_by_role("link", name="Logga ut").or_(page.locator("#logout-form"))
    ).to_be_visible()
    page.goto(f"{live_server.url}/admin/invitations/delivery/?status__exact=failed")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    snapshot(page, "delivery-admin-failed")

    page.locator(f"input[name=_selected_action][value='{failed.pk}']").check()
    page.select_option("select[name=action]", "retry_selected")
    page.click("button[name=index]")

    expect(page.locator(".messagelist")).to_contain_text("1 utskick skickas igen.")
    failed.refresh_from_db()
    assert failed.status == "sent"
