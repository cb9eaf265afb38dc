"""The "Bjud in klientanvändare" wizard in Chromium, by clicking and typing.

With SCREENSHOTS_DIR set, each step is also saved there as a PNG (1400 px wide), for a
person to look at the pages.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from invitations.models import Delivery, Invitation
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.e2e.browser import log_in, snapshot, wait_until_enhanced


@pytest.fixture
def firm_with_clients(db, settings, tmp_path):
    settings.SMS_OUTBOX_DIR = str(tmp_path)  # the SMS of the in-process sending
    firm = FirmFactory(name="Byrå Ekonomi AB")
    accountant = AccountantFactory(
        firm_membership__firm=firm, full_name="Karin Konsult", username="karin"
    )
    names = [
        "Alfa Bygg AB",
        "Beta Måleri AB",
        "Gamma Frakt AB",
        "Delta Data AB",
        "Epsilon Eventbyrå AB",
        "Zeta Zoo HB",
    ]
    clients = {}
    for name in names:
        clients[name] = ClientCompanyFactory(firm=firm, name=name)
        ClientRightFactory(
            accountant=accountant, client=clients[name], is_system_admin=name != "Delta Data AB"
        )
    return accountant, clients


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_accountant_creates_and_invites_three_users(live_server, page, firm_with_clients):
    accountant, clients = firm_with_clients
    log_in(page, live_server, accountant)

    expect(page.get_by_role("heading", name="Hantera klienter")).to_be_visible()
    page.get_by_role("link", name="Bjud in klientanvändare").click()
    new_users = page.get_by_label("Lägg till nya användare och bjud in dem")
    expect(new_users).to_be_checked()
    snapshot(page, "1-valj")
    page.get_by_role("button", name="Nästa").click()

    expect(page.get_by_text("Du måste vara systemadministratör på klienten")).to_be_visible()
    wait_until_enhanced(page)
    alfa = clients["Alfa Bygg AB"]
    alfa_row = page.locator(f"#r{alfa.pk}")
    page.get_by_label("Namn, Alfa Bygg AB", exact=True).press_sequentially("Åsa Öberg")
    expect(page.get_by_label("Användarnamn, Alfa Bygg AB")).to_have_value("asa.oberg")
    expect(page.get_by_label("Markera Alfa Bygg AB")).not_to_be_checked()
    page.get_by_label("Användarens e-post, Alfa Bygg AB").press_sequentially("asa@alfa.test")
    expect(page.get_by_label("Markera Alfa Bygg AB")).to_be_checked()
    expect(alfa_row).to_have_class(re.compile(r"\bmarked\b"))
    page.get_by_label("Mobilnummer, Alfa Bygg AB").fill("070-123 45 67")

    page.get_by_label("Namn, Beta Måleri AB", exact=True).press_sequentially("Søren Ærø")
    page.get_by_label("Användarens e-post, Beta Måleri AB").press_sequentially("soren@beta.test")
    expect(page.get_by_label("Användarnamn, Beta Måleri AB")).to_have_value("soren.aero")
    expect(page.get_by_label("Språk, Beta Måleri AB")).to_have_value("sv")
    page.get_by_label("Språk, Beta Måleri AB").select_option("en")
    page.get_by_label("Namn, Gamma Frakt AB", exact=True).press_sequentially("Łukasz Nowak")
    page.get_by_label("Användarens e-post, Gamma Frakt AB").press_sequentially("lukasz@gamma.test")
    expect(page.get_by_label("Användarnamn, Gamma Frakt AB")).to_have_value("lukasz.nowak")
    expect(page.locator("[data-marked-count]")).to_have_text("3")
    snapshot(page, "2-fyll-i")

    # A search keeps what was typed: the rows come back with their values.
    page.get_by_label("Sök klient").fill("Zeta")
    page.get_by_label("Sök klient").press("Enter")
    expect(page.get_by_text("Zeta Zoo HB")).to_be_visible()
    expect(page.get_by_text("Alfa Bygg AB")).to_have_count(0)
    expect(page.locator("[data-marked-count]")).to_have_text("3")
    page.get_by_label("Sök klient").fill("")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.get_by_label("Namn, Alfa Bygg AB", exact=True)).to_have_value("Åsa Öberg")
    expect(page.get_by_label("Språk, Beta Måleri AB")).to_have_value("en")

    page.get_by_role("button", name="Granska").click()
    expect(page.get_by_role("cell", name="asa.oberg", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Engelska", exact=True)).to_have_count(1)
    wait_until_enhanced(page, "form[data-submit-once]")
    snapshot(page, "3-granska")
    page.get_by_role("button", name="Skapa och bjud in användare").click()

    expect(page.get_by_role("heading", name="3 användare skapade och inbjudna")).to_be_visible()
    for text in ("Åsa Öberg", "soren.aero", "Gamma Frakt AB"):
        expect(page.get_by_text(text, exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name="Till inbjudningsöversikten")).to_be_visible()
    snapshot(page, "4-klart")
    assert Invitation.objects.count() == 3
    assert Delivery.objects.filter(channel="sms").count() == 1
    assert str(User.objects.get(email="asa@alfa.test").mobile) == "+46701234567"
    assert User.objects.get(email="soren@beta.test").language == "en"

    page.go_back()  # the review page again: it leads to the result, never a second set
    expect(page.get_by_role("heading", name="3 användare skapade och inbjudna")).to_be_visible()
    assert Invitation.objects.count() == 3


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_accountant_errors_are_shown_next_to_the_fields(live_server, page, firm_with_clients):
    accountant, clients = firm_with_clients
    log_in(page, live_server, accountant)
    page.goto(f"{live_server.url}/inbjudningar/bjud-in/")
    page.get_by_role("button", name="Nästa").click()
    wait_until_enhanced(page)
    page.get_by_label("Namn, Alfa Bygg AB", exact=True).fill("Åsa Öberg")
    page.get_by_label("Användarens e-post, Alfa Bygg AB").fill("asa@")
    page.get_by_label("Mobilnummer, Alfa Bygg AB").fill("08-123 456 78")
    page.get_by_role("button", name="Granska").click()

    summary = page.locator("#error-summary")
    wait_until_enhanced(page)
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Ange en giltig e-postadress")
    snapshot(page, "2-fel")
    summary.get_by_role("link", name=re.compile("fast nummer")).click()
    expect(page.get_by_label("Mobilnummer, Alfa Bygg AB")).to_have_attribute("aria-invalid", "true")
    assert not Invitation.objects.exists()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_accountant_invites_existing_users(live_server, page, firm_with_clients):
    accountant, clients = firm_with_clients
    ClientMembershipFactory(
        user__password=None, client=clients["Alfa Bygg AB"], user__full_name="Nils Nilsson"
    )
    ClientMembershipFactory(
        user__password=None, client=clients["Beta Måleri AB"], user__full_name="Olga Olsson"
    )
    ClientMembershipFactory(
        user__password=None, client=clients["Gamma Frakt AB"], user__full_name="Per Persson"
    )
    log_in(page, live_server, accountant)

    page.goto(f"{live_server.url}/inbjudningar/bjud-in/")
    page.get_by_label("Bjud in befintliga användare").check()
    page.get_by_role("button", name="Nästa").click()
    wait_until_enhanced(page)
    page.get_by_label("Markera Nils Nilsson").check()
    page.get_by_label("Markera Olga Olsson").check()
    expect(page.locator("[data-marked-count]")).to_have_text("2")
    snapshot(page, "befintliga-2-valj")
    page.get_by_role("button", name="Granska").click()
    expect(page.get_by_role("cell", name="Olga Olsson")).to_be_visible()
    expect(page.get_by_text("Per Persson")).to_have_count(0)
    wait_until_enhanced(page, "form[data-submit-once]")
    snapshot(page, "befintliga-3-granska")
    page.get_by_role("button", name="Skicka inbjudningar").click()

    expect(page.get_by_role("heading", name="2 användare inbjudna")).to_be_visible()
    expect(page.get_by_text("Nils Nilsson")).to_be_visible()
    expect(page.get_by_text("Per Persson")).to_have_count(0)
    snapshot(page, "befintliga-4-klart")
    assert Invitation.objects.filter(status="pending").count() == 2


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_what_is_typed_before_the_script_arrives_is_marked_when_it_does(
    live_server, page, firm_with_clients
):
    """A slow phone: the person types while the page's script is still on its way."""
    accountant, clients = firm_with_clients
    log_in(page, live_server, accountant)
    page.goto(f"{live_server.url}/inbjudningar/bjud-in/")
    held = []
    page.route(
        "**/js/invite_wizard.js", lambda route: held.append(route)
    )  # the script waits until released
    page.get_by_role("button", name="Nästa").click()

    page.get_by_label("Namn, Alfa Bygg AB", exact=True).fill("Åsa Öberg")
    page.get_by_label("Användarens e-post, Alfa Bygg AB").fill("asa@alfa.test")
    page.get_by_label("Namn, Beta Måleri AB", exact=True).fill("Bo Berg")
    page.get_by_label("Användarnamn, Beta Måleri AB").fill("bo.egen")
    page.get_by_label("Användarens e-post, Beta Måleri AB").fill("bo@beta.test")
    page.get_by_label("Namn, Gamma Frakt AB", exact=True).fill("Cia Ceder")
    assert held, "the page asked for its script"
    expect(page.locator("#wizard-form")).not_to_have_attribute("data-enhanced", "true")
    expect(page.get_by_label("Användarnamn, Alfa Bygg AB")).to_have_value("")
    expect(page.get_by_label("Markera Alfa Bygg AB")).not_to_be_checked()

    held[0].continue_()
    wait_until_enhanced(page)
    expect(page.get_by_label("Användarnamn, Alfa Bygg AB")).to_have_value("asa.oberg")
    expect(page.get_by_label("Markera Alfa Bygg AB")).to_be_checked()
    expect(page.locator(f"#r{clients['Alfa Bygg AB'].pk}")).to_have_class(re.compile(r"\bmarked\b"))
    # A username typed by hand is the person's own; a name without an e-mail marks nothing.
    expect(page.get_by_label("Användarnamn, Beta Måleri AB")).to_have_value("bo.egen")
    expect(page.get_by_label("Markera Beta Måleri AB")).to_be_checked()
    expect(page.get_by_label("Användarnamn, Gamma Frakt AB")).to_have_value("cia.ceder")
    expect(page.get_by_label("Markera Gamma Frakt AB")).not_to_be_checked()
    expect(page.locator("[data-marked-count]")).to_have_text("2")

    page.get_by_role("button", name="Granska").click()
    expect(page.get_by_role("cell", name="bo.egen", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="asa.oberg", exact=True)).to_be_visible()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_second_asa_oberg_on_the_page_is_shown_her_own_username(
    live_server, page, firm_with_clients
):
    accountant, clients = firm_with_clients
    log_in(page, live_server, accountant)
    page.goto(f"{live_server.url}/inbjudningar/bjud-in/")
    page.get_by_role("button", name="Nästa").click()
    wait_until_enhanced(page)
    page.get_by_label("Namn, Alfa Bygg AB", exact=True).press_sequentially("Åsa Öberg")
    page.get_by_label("Namn, Beta Måleri AB", exact=True).press_sequentially("Åsa Öberg")
    expect(page.get_by_label("Användarnamn, Alfa Bygg AB")).to_have_value("asa.oberg")
    expect(page.get_by_label("Användarnamn, Beta Måleri AB")).to_have_value("asa.oberg2")
    page.get_by_label("Användarens e-post, Alfa Bygg AB").fill("asa1@alfa.test")
    page.get_by_label("Användarens e-post, Beta Måleri AB").fill("asa2@beta.test")

    # "Tillbaka" and "Nästa" again: the rows are still there.
    page.get_by_role("button", name="Tillbaka").click()
    expect(page.get_by_label("Lägg till nya användare och bjud in dem")).to_be_checked()
    page.get_by_role("button", name="Nästa").click()
    wait_until_enhanced(page)
    expect(page.get_by_label("Namn, Beta Måleri AB", exact=True)).to_have_value("Åsa Öberg")
    expect(page.locator("[data-marked-count]")).to_have_text("2")

    page.get_by_role("button", name="Granska").click()
    expect(page.get_by_role("cell", name="asa.oberg2", exact=True)).to_be_visible()
    expect(page.locator("#changed-usernames")).to_have_count(0)  # what was shown is kept
    page.reload()  # the review's own address, not a second post of step 2
    expect(page.get_by_role("cell", name="asa.oberg2", exact=True)).to_be_visible()
    wait_until_enhanced(page, "form[data-submit-once]")
    page.get_by_role("button", name="Skapa och bjud in användare").click()
    expect(page.get_by_role("heading", name="2 användare skapade och inbjudna")).to_be_visible()
    assert User.objects.get(email="asa2@beta.test").username == "asa.oberg2"
