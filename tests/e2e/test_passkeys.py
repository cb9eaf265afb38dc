"""Passkeys in real Chromium with the DevTools protocol's virtual authenticator (issue 10)."""

import re

import pytest
from playwright.sync_api import expect

from passkeys.models import Passkey
from tests.accounts.factories import PASSWORD, UserFactory
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.clients.factories import ClientCompanyFactory, ClientMembershipFactory
from tests.e2e.browser import log_in, log_out, snapshot
from tests.e2e.client_app import log_in_to_app, phone_context, wait_for_app
from tests.invitations.factories import InvitationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def with_virtual_authenticator(page):
    """A platform authenticator (like the phone's lock) that verifies the user at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, authenticator["authenticatorId"]


def sign_in_with_passkey(page, url):
    page.goto(url)
    button = page.get_by_role("button", name="Logga in med passnyckel")
    expect(page.locator("[data-passkey-login]")).to_have_attribute("data-enhanced", "true")
    button.click()


@pytest.fixture
def client_user(db):
    client_company = ClientCompanyFactory(name="Västkustens Bygg AB")
    user = UserFactory(username="kim.kvitto", full_name="Kim Kvitto")
    ClientMembershipFactory(client=client_company, user=user)
    return user


def test_a_client_user_adds_a_passkey_and_signs_in_and_out_with_it(
    browser, playwright, live_server, client_user
):
    context = phone_context(browser, playwright)
    page = context.new_page()
    cdp, authenticator_id = with_virtual_authenticator(page)
    log_in_to_app(page, live_server, client_user)

    passkeys = page.locator("[data-passkeys]")
    expect(passkeys).to_have_attribute("data-enhanced", "true")
    page.get_by_label("Namn på passnyckeln (valfritt)").fill("Min telefon")
    page.get_by_role("button", name="Lägg till passnyckel").click()
    expect(page.get_by_text("Passnyckeln ”Min telefon” är tillagd.")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_test_id("passkey-list")).to_contain_text("Min telefon")
    snapshot(page, "passkey-added")
    passkey = Passkey.objects.get()
    assert passkey.user == client_user
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1

    for _ in range(2):  # sign out and in again, twice: the counter moves on each time
        log_out(page)
        sign_in_with_passkey(page, f"{live_server.url}/underlag/")
        expect(page).to_have_url(f"{live_server.url}/underlag/")
        expect(page.get_by_role("heading", name="Hej Kim!")).to_be_visible()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # The password still works, and removing the passkey leaves it working.
    page.get_by_role("button", name="Ta bort passnyckeln Min telefon").click()
    expect(page.get_by_text("Passnyckeln är borttagen.")).to_be_visible()
    assert not Passkey.objects.exists()
    log_out(page)
    sign_in_with_passkey(page, f"{live_server.url}/underlag/")
    expect(page.get_by_role("alert")).to_contain_text("inte kopplad till något konto")
    expect(page).to_have_url(re.compile(r"/logga-in/"))
    log_in_to_app(page, live_server, client_user, PASSWORD)
    context.close()


def test_an_accountant_adds_a_passkey_on_passnycklar_and_signs_in_with_it(
    page, live_server, accountant
):
    with_virtual_authenticator(page)
    log_in(page, live_server, accountant)
    page.get_by_role("link", name="Passnycklar").click()
    expect(page.locator("[data-passkeys]")).to_have_attribute("data-enhanced", "true")
    page.get_by_role("button", name="Lägg till passnyckel").click()
    expect(page.get_by_test_id("passkey-list")).to_contain_text("Passnyckel")

    log_out(page)
    sign_in_with_passkey(page, f"{live_server.url}/logga-in/")
    expect(page.get_by_role("heading", name="Hantera klienter")).to_be_visible()
    assert Passkey.objects.get().user == accountant


def test_right_after_accepting_the_invitation_the_page_offers_a_passkey(
    browser, playwright, live_server
):
    firm = FirmFactory()
    accountant = AccountantFactory(firm_membership__firm=firm)
    company = ClientCompanyFactory(firm=firm)
    invited = UserFactory(password=None, is_active=False, full_name="Sara Solros")
    ClientMembershipFactory(client=company, user=invited)
    invitation = InvitationFactory(user=invited, client=company, invited_by=accountant)

    context = phone_context(browser, playwright)
    page = context.new_page()
    with_virtual_authenticator(page)
    page.goto(f"{live_server.url}/inbjudan/{invitation.secret}/")
    expect(page.get_by_text("lägga till en passnyckel")).to_be_visible()
    page.get_by_label("Välj lösenord").fill("Solros-Kvitto-2026")
    page.get_by_label("Upprepa lösenordet").fill("Solros-Kvitto-2026")
    page.get_by_role("button", name="Aktivera kontot och logga in").click()

    expect(page).to_have_url(f"{live_server.url}/underlag/")
    expect(page.locator("[data-passkeys]")).to_have_attribute("data-enhanced", "true")
    page.get_by_role("button", name="Lägg till passnyckel").click()
    expect(page.get_by_test_id("passkey-list")).to_contain_text("Passnyckel")
    assert Passkey.objects.get().user == invited
    context.close()
