import re

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.clients.factories import ClientCompanyFactory, ClientRightFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_accountant_logs_in_and_opens_hantera_klienter(live_server, page):
    firm = FirmFactory()
    accountant = AccountantFactory(firm_membership__firm=firm)
    client = ClientCompanyFactory(firm=firm, name="Solrosens Bageri AB")
    ClientRightFactory(accountant=accountant, client=client, is_system_admin=True)
    ClientCompanyFactory(name="Annan Byrås Klient AB")

    page.goto(f"{live_server.url}/klienter/")
    expect(page).to_have_url(re.compile(r"/logga-in/\?next=/klienter/$"))
    page.get_by_label("Användarnamn").fill(accountant.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in", exact=True).click()

    expect(page.get_by_role("heading", name="Hantera klienter")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Solrosens Bageri AB"))
    expect(row).to_contain_text(client.org_number)
    expect(row).to_contain_text("Ja")
    expect(page.get_by_role("link", name="Bjud in klientanvändare")).to_be_visible()
    expect(page.get_by_text("Annan Byrås Klient AB")).to_have_count(0)
