"""Every page a person meets, checked by axe-core (WCAG 2 A and AA rules: labels, names,
contrast, landmarks, language, ...) in Chromium as it renders them: the firm's pages on a
desktop with their data and an error shown, the invitation link's page, and the client's
app on a phone. axe-core comes with axe-playwright-python; nothing is fetched."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from inbound.services.addresses import address_for
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.documents.factories import DocumentFactory
from tests.inbound.receiver import running_receiver, send_invoice
from tests.invitations.factories import DeliveryFactory, InvitationFactory
from tests.invitations.links import accept_url

from .browser import log_in, wait_until_enhanced
from .client_app import log_in_to_app, phone_context

AXE = Axe()


def _violations(page) -> list[str]:
    """What axe-core finds on the page as shown: rule, impact and the first element."""
    found = AXE.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in found]


@pytest.fixture
def firm_with_data(db):
    """A firm with clients (one without the right), a client user who sent a document (their
    membership), and a pending invitation whose e-mail failed."""
    firm = FirmFactory(name="Tillgängliga Byrån AB")
    accountant = AccountantFactory(firm_membership__firm=firm, full_name="Tove Tillgänglig")
    open_client = ClientCompanyFactory(firm=firm, name="Öppna Bolaget AB")
    ClientRightFactory(accountant=accountant, client=open_client)
    ClientRightFactory(
        accountant=accountant,
        client=ClientCompanyFactory(firm=firm, name="Stängda Bolaget AB"),
        is_system_admin=False,
    )
    sender = ClientMembershipFactory(
        client=ClientCompanyFactory(firm=firm, name="Skickande Bolaget AB"),
        user__full_name="Sara Sändare",
    )
    ClientRightFactory(accountant=accountant, client=sender.client)
    DocumentFactory(client=sender.client, uploaded_by=sender.user, original_name="kvitto.pdf")
    invited = ClientMembershipFactory(
        client=ClientCompanyFactory(firm=firm, name="Inbjudna Bolaget AB"),
        user__full_name="Ivar Inbjuden",
        user__password=None,
    )
    ClientRightFactory(accountant=accountant, client=invited.client)
    invitation = InvitationFactory(user=invited.user, client=invited.client, invited_by=accountant)
    DeliveryFactory(invitation=invitation, status="failed", attempts=6, last_error="550 refused")
    return accountant, sender, invitation


def _firm_pages(membership, invitation) -> list[str]:
    return [
        "/klienter/",
        f"/klienter/{membership.client.pk}/",
        "/inbjudningar/",
        f"/inbjudningar/{invitation.pk}/",
        "/inkommet-underlag/",
        f"/e-post/klient/{membership.client.pk}/",
        "/inbjudningar/inforande/",
        "/passnycklar/",
        "/inbjudningar/bjud-in/",
    ]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_firms_pages_break_no_accessibility_rule(page, live_server, firm_with_data):
    accountant, membership, invitation = firm_with_data
    address = address_for(client=membership.client)
    with running_receiver() as port:  # a stranger's mail, waiting for approval
        send_invoice(
            port, sender="faktura@leverantoren.example", to=address.email, subject="Faktura 4711"
        )
    log_in(page, live_server, accountant)
    found = {}

    for path in _firm_pages(membership, invitation):
        page.goto(live_server.url + path)
        found[path] = _violations(page)
    page.goto(f"{live_server.url}/underlag/inkommet/")
    expect(page.get_by_test_id("waiting-for-approval")).to_contain_text("Faktura 4711")
    expect(page.get_by_test_id("firm-documents")).to_contain_text("kvitto.pdf")
    found["underlag, a mail waiting"] = _violations(page)

    # The wizard's second step, with a row's error shown next to its field.
    page.goto(f"{live_server.url}/inbjudningar/bjud-in/")
    page.get_by_role("button", name="Nästa").click()
    wait_until_enhanced(page)
    found["step 2"] = _violations(page)
    row = page.get_by_role("row", name=re.compile("Öppna Bolaget AB"))
    row.get_by_label(re.compile("^Namn")).fill("Åsa Öberg")
    row.get_by_label(re.compile("e-post", re.IGNORECASE)).fill("inte-en-adress")
    page.get_by_role("button", name=re.compile("Granska")).click()
    expect(page.locator("p.field-error", has_text="giltig e-postadress")).to_be_visible()
    found["step 2 with an error"] = _violations(page)

    assert found == {name: [] for name in found}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_firms_pages_in_english_break_no_accessibility_rule(page, live_server, firm_with_data):
    """In English, too (an accountant whose language is English), each page saying so."""
    accountant, membership, invitation = firm_with_data
    accountant.language = "en"
    accountant.save(update_fields=["language"])
    log_in(page, live_server, accountant)
    found = {}

    for path in _firm_pages(membership, invitation):
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        found[path] = _violations(page)

    assert found == {name: [] for name in found}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_link_and_the_client_app_break_no_accessibility_rule(
    browser, playwright, live_server, firm_with_data
):
    _accountant, membership, invitation = firm_with_data
    context = phone_context(browser, playwright)
    phone = context.new_page()
    found = {}
    try:
        phone.goto(live_server.url + accept_url(invitation.secret))
        found["the invitation link"] = _violations(phone)
        invitation.expires_at = timezone.now() - timezone.timedelta(days=1)
        invitation.save(update_fields=["expires_at"])
        phone.reload()
        found["a lapsed link"] = _violations(phone)
        phone.goto(f"{live_server.url}/underlag/")
        found["the app's login"] = _violations(phone)
        log_in_to_app(phone, live_server, membership.user)
        found["the app, a document sent"] = _violations(phone)
    finally:
        context.close()

    assert found == {name: [] for name in found}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_login_page_breaks_no_accessibility_rule(page, live_server):
    UserFactory()
    page.goto(f"{live_server.url}/logga-in/")
    assert _violations(page) == []
