"""Bulk entry in Chromium: 50 rows pasted from a spreadsheet become 50 users and 50
invitations, in at most five actions of the person from step 2 to the result page.

With SCREENSHOTS_DIR set, each page is also saved there as a PNG.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from invitations.models import Invitation
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.e2e.browser import log_in, snapshot, wait_until_enhanced
from tests.invitations.wizard import many_clients


class Person:
    """Counts what the person does: each click, paste or key press is one action."""

    def __init__(self, page):
        self.page = page
        self.actions = 0

    def click(self, locator):
        self.actions += 1
        locator.click()

    def paste(self, locator, text: str):
        """Puts ``text`` on the clipboard as a spreadsheet does, then Ctrl+V into the field."""
        self.page.evaluate("text => navigator.clipboard.writeText(text)", text)
        locator.focus()  # the click into the field is part of the paste
        self.actions += 1
        self.page.keyboard.press("Control+V")


@pytest.fixture
def firm_of_sixty(db, settings, tmp_path):
    settings.SMS_OUTBOX_DIR = str(tmp_path)
    firm = FirmFactory(name="Byrå Ekonomi AB")
    accountant = AccountantFactory(firm_membership__firm=firm, full_name="Karin Konsult")
    return accountant, many_clients(accountant, firm, 60, name="Klient {n:02d} AB")


@pytest.fixture
def clipboard(context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_fifty_pasted_rows_become_fifty_invited_users_in_five_actions_or_fewer(
    live_server, page, firm_of_sixty, clipboard
):
    accountant, clients = firm_of_sixty
    rows = [("Organisationsnummer", "Namn", "E-post", "Mobil")] + [
        (client.org_number, f"Person {n:02d} Öberg", f"person{n}@klient.test", "070-123 45 67")
        for n, client in enumerate(clients[:50])
    ]
    sheet = "\n".join("\t".join(cells) for cells in rows)
    log_in(page, live_server, accountant)
    page.get_by_role("link", name="Bjud in klientanvändare").click()
    page.get_by_role("button", name="Nästa").click()
    wait_until_enhanced(page)
    snapshot(page, "bulk-1-fyll-i")

    person = Person(page)  # step 2 from here
    person.paste(page.get_by_label("Klistra in från kalkylblad"), sheet)
    expect(page.get_by_label("Klistra in från kalkylblad")).to_have_value(re.compile("Person 49"))
    person.click(page.get_by_role("button", name="Granska"))
    expect(page.get_by_role("cell", name="person.00.oberg", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/granska/$"))
    expect(page.get_by_text("50 inklistrade rader matchade en klient var.")).to_be_visible()
    wait_until_enhanced(page, "form[data-submit-once]")
    snapshot(page, "bulk-2-granska")
    person.click(page.get_by_role("button", name="Skapa och bjud in användare"))

    expect(page.get_by_role("heading", name="50 användare skapade och inbjudna")).to_be_visible()
    snapshot(page, "bulk-3-klart")
    assert person.actions <= 5, person.actions
    print(f"\nactions from step 2 to the result page: {person.actions}")
    assert User.objects.filter(email__endswith="@klient.test").count() == 50
    assert Invitation.objects.filter(user__email__endswith="@klient.test").count() == 50


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_refused_lines_are_listed_and_more_than_fifty_go_in_rounds(
    live_server, page, firm_of_sixty, clipboard, tmp_path
):
    accountant, clients = firm_of_sixty
    lines = ["Kundnummer;Namn;E-post"] + [
        f"{client.customer_number};Person {n:02d};p{n}@klient.test"
        for n, client in enumerate(clients)
    ]
    lines += [
        "9999;Okänd Kund;okand@klient.test",
        f"{clients[0].customer_number};Dubbel;d@klient.test",
    ]
    upload = tmp_path / "klienter.csv"
    upload.write_bytes("\r\n".join(lines).encode("cp1252"))
    log_in(page, live_server, accountant)
    page.goto(f"{live_server.url}/inbjudningar/bjud-in/")
    page.get_by_role("button", name="Nästa").click()
    wait_until_enhanced(page)
    page.get_by_label("Ladda upp fil").set_input_files(str(upload))
    page.get_by_role("button", name="Läs in").click()

    report = page.locator("#inlasning")
    expect(report).to_contain_text("2 rader kunde inte användas")
    expect(report).to_contain_text("Byrån har ingen klient med kundnummer 9999.")
    expect(report).to_contain_text("Klient 00 AB står redan på rad 2.")
    expect(report).to_contain_text("10 väntar på nästa omgång")
    expect(page.locator("[data-marked-count]")).to_have_text("50")
    snapshot(page, "bulk-4-inlast-fil")

    page.get_by_role("button", name="Granska").click()
    expect(page.get_by_text("Här är de 50 första; 10 rader väntar")).to_be_visible()
    page.get_by_role("button", name="Skapa och bjud in användare").click()
    expect(page.get_by_role("heading", name="50 användare skapade och inbjudna")).to_be_visible()
    snapshot(page, "bulk-5-klart-fortsatt")
    page.get_by_role("link", name="Fortsätt med nästa 10").click()
    snapshot(page, "bulk-6-nasta-omgang")
    page.get_by_role("button", name="Skapa och bjud in användare").click()
    expect(page.get_by_role("heading", name="10 användare skapade och inbjudna")).to_be_visible()
    assert Invitation.objects.count() == 60


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_file_that_is_not_a_sheet_is_named_next_to_the_upload(
    live_server, page, firm_of_sixty, tmp_path
):
    accountant, _clients = firm_of_sixty
    fake = tmp_path / "klienter.xlsx"
    fake.write_bytes(b"%PDF-1.7\n" + b"0" * 2000)
    log_in(page, live_server, accountant)
    page.goto(f"{live_server.url}/inbjudningar/bjud-in/")
    page.get_by_role("button", name="Nästa").click()
    wait_until_enhanced(page)
    page.get_by_label("Ladda upp fil").set_input_files(str(fake))
    page.get_by_role("button", name="Granska").click()
    expect(page.locator("#file-error")).to_have_text(re.compile("Filen är en PDF-fil"))
    expect(page.get_by_label("Ladda upp fil")).to_have_attribute("aria-invalid", "true")
    snapshot(page, "bulk-7-fel-fil")
    assert not Invitation.objects.exists()
