"""In Chromium: the client card and correcting an invitation from it; the firm pages on a
390 px phone; the portal's 403 (issue 9).

With SCREENSHOTS_DIR set, each page is also saved there as a PNG, for a person to look at.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from invitations.models import EventKind
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.documents.factories import DocumentFactory
from tests.e2e.browser import log_in, snapshot
from tests.invitations.factories import DeliveryFactory, InvitationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def demo_firm():
    firm = FirmFactory(name="Byrå Ekonomi AB")
    karin = AccountantFactory(firm_membership__firm=firm, full_name="Karin Konsult")
    fisk = ClientCompanyFactory(firm=firm, name="Fisk & Skaldjur AB", customer_number="K77")
    ClientRightFactory(accountant=karin, client=fisk, is_system_admin=True)
    for n, name in enumerate(["Alfa Bygg AB", "Beta Måleri AB", "Gamma Frakt AB"]):
        other = ClientCompanyFactory(firm=firm, name=name)
        ClientRightFactory(accountant=karin, client=other, is_system_admin=n != 1)
        ClientMembershipFactory.create_batch(n, client=other)
    maja = UserFactory(
        full_name="Maja Mansson", email="maja@fel.example", password=None, is_active=False
    )
    ClientMembershipFactory(client=fisk, user=maja)
    lapsed = InvitationFactory(
        user=maja,
        client=fisk,
        invited_by=karin,
        expires_at=timezone.now() - timezone.timedelta(days=2),
    )
    DeliveryFactory(
        invitation=lapsed,
        status="failed",
        error_code="provider",
        last_error="SMTP 550 No such user",
    )
    anna = UserFactory(full_name="Anna Aktiv", email="anna@fisk.example")
    ClientMembershipFactory(client=fisk, user=anna)
    InvitationFactory(user=anna, client=fisk, invited_by=karin, status="accepted")
    DocumentFactory(client=fisk, uploaded_by=anna, original_name="kvitto-mars.pdf")
    return karin, fisk, lapsed


def test_from_the_client_list_to_the_card_and_a_corrected_invitation(page, live_server):
    karin, fisk, lapsed = demo_firm()
    log_in(page, live_server, karin)

    page.goto(f"{live_server.url}/klienter/")
    page.locator("th a.sort", has_text="Användare").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Användare")
    page.locator("th a.sort", has_text="Användare").click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Användare")
    expect(page.locator("table.clients tbody tr").first).to_contain_text("Fisk & Skaldjur AB")
    snapshot(page, "client-list-by-users")

    page.get_by_role("link", name="Fisk & Skaldjur AB").click()
    expect(page.get_by_role("heading", name="Fisk & Skaldjur AB", level=1)).to_be_visible()
    maja_row = page.locator(f"tr[data-user='{lapsed.user_id}']")
    expect(maja_row).to_contain_text("Utgången")
    expect(page.get_by_test_id("system-administrators")).to_contain_text("Karin Konsult")
    expect(page.get_by_test_id("client-documents")).to_contain_text("kvitto-mars.pdf")
    snapshot(page, "client-card")

    maja_row.get_by_role("link", name="Rätta").click()
    expect(page.get_by_role("heading", name="Rätta uppgifter")).to_be_visible()
    page.get_by_label("Namn").fill("Maja Månsson")
    page.get_by_label("Användarens e-post").fill("maja@ratt.example")
    snapshot(page, "correct-invitation")
    page.get_by_role("button", name="Spara och skicka igen").click()

    expect(page.get_by_text("Uppgifterna är rättade")).to_be_visible()
    trail = page.get_by_test_id("audit-trail")
    expect(trail).to_contain_text("Uppgifter rättade")
    expect(trail).to_contain_text("E-post: maja@fel.example → maja@ratt.example")
    snapshot(page, "corrected-invitation-detail")
    lapsed.refresh_from_db()
    assert lapsed.expires_at > timezone.now()
    assert lapsed.events.filter(kind=EventKind.CORRECTED, actor=karin).exists()

    page.get_by_label("Språk").select_option("en")
    expect(page.get_by_test_id("audit-trail")).to_contain_text(
        "E-mail: maja@fel.example → maja@ratt.example"
    )
    snapshot(page, "corrected-invitation-detail-en")


def test_the_firm_pages_fit_a_390_px_phone(browser, live_server):
    karin, fisk, lapsed = demo_firm()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="sv-SE")
    page = context.new_page()
    log_in(page, live_server, karin)

    pages = {
        "phone-client-list": "/klienter/",
        "phone-client-card": f"/klienter/{fisk.pk}/",
        "phone-invitations": "/inbjudningar/",
        "phone-invitation-detail": f"/inbjudningar/{lapsed.pk}/",
        "phone-documents": "/underlag/inkommet/",
        "phone-adoption": "/inbjudningar/inforande/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        expect(page.locator("main h1").first).to_be_visible()
        # The page itself never scrolls sideways; the header's links all stay on screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        for link in page.locator(".topbar a, .topbar button, .topbar select").all():
            box = link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, name
        snapshot(page, name)

    # Only the data table scrolls, inside its card.
    page.goto(f"{live_server.url}/inbjudningar/")
    scroller = page.locator(".table-scroll").first
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert page.evaluate("window.scrollX") == 0
    context.close()


def test_a_client_user_on_a_firm_page_sees_the_portals_403(browser, live_server):
    karin, fisk, lapsed = demo_firm()
    anna = fisk.memberships.get(user__full_name="Anna Aktiv").user
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="sv-SE")
    page = context.new_page()
    log_in(page, live_server, anna)

    response = page.goto(f"{live_server.url}/klienter/")

    assert response.status == 403
    expect(page.get_by_role("heading", name="Du har inte tillgång till sidan")).to_be_visible()
    expect(page.locator(".brand img")).to_be_visible()
    snapshot(page, "error-403-sv")
    page.get_by_label("Språk").select_option("en")
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    snapshot(page, "error-403-en")
    page.goto(f"{live_server.url}/finns-inte/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    snapshot(page, "error-404-en")
    context.close()
