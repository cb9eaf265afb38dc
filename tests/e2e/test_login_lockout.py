"""What a person sees after too many wrong passwords (review finding 2)."""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD
from tests.bureau.factories import AccountantFactory
from tests.e2e.browser import snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_fifth_wrong_password_shows_the_lockout_page_in_the_persons_language(
    page, live_server, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    accountant = AccountantFactory()

    page.goto(f"{live_server.url}/logga-in/")
    for attempt in range(5):
        page.get_by_label("Användarnamn").fill(accountant.username)
        page.get_by_label("Lösenord").fill(f"fel-{attempt}")
        with page.expect_navigation():
            page.get_by_role("button", name="Logga in").click()
        if attempt < 4:
            expect(page.get_by_text("Fel användarnamn eller lösenord.")).to_be_visible()
    expect(page.get_by_role("heading", name="För många inloggningsförsök")).to_be_visible()
    expect(page.get_by_text("Försök igen om 15 minuter.")).to_be_visible()
    snapshot(page, "login-locked-out")

    # Even the right password now gets the same page, until the time has passed.
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(accountant.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.get_by_role("button", name="Logga in").click()
    assert sent.value.status == 429
    expect(page.get_by_role("heading", name="För många inloggningsförsök")).to_be_visible()
