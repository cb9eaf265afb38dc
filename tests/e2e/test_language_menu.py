import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD
from tests.bureau.factories import AccountantFactory
from tests.e2e.browser import wait_until_enhanced


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_choosing_english_in_the_header_menu_keeps_the_page_and_the_choice(live_server, page):
    accountant = AccountantFactory()

    page.goto(f"{live_server.url}/logga-in/")
    wait_until_enhanced(page, "form.language")
    page.get_by_label("Språk").select_option("en")

    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill(accountant.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Manage clients").click()
    expect(page.get_by_role("heading", name="Manage clients")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    wait_until_enhanced(page, "form.language")
    page.get_by_label("Language").select_option("sv")
    expect(page.get_by_role("heading", name="Hantera klienter")).to_be_visible()
