"""What the browser tests share: logging in, waiting for a page's script, screenshots.

A test never waits for time. It waits for what it needs: the next page's heading after a
click that navigates, and ``data-enhanced`` on a form before typing where the page's own
script reacts to the typing.
"""

import os
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD


def snapshot(page, name: str) -> None:
    """With SCREENSHOTS_DIR set, saves the whole page there as a PNG, for a person to see."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in(page, live_server, user, password: str = PASSWORD) -> None:
    """Logs in on /logga-in/ and returns once the page after the login has arrived."""
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/logga-in/"))


def log_out(page) -> None:
    """Logs out with the header's button and returns once the login page has arrived."""
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/logga-in/"))


def wait_until_enhanced(page, selector: str = "#wizard-form") -> None:
    """Returns once the page's script has taken over the form (it sets data-enhanced)."""
    expect(page.locator(selector)).to_have_attribute("data-enhanced", "true")
