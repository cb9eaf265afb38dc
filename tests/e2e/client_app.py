"""What the client app's browser tests share: a phone, a controlled page, test photos."""

import re

from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD

PHONE = "Pixel 7"


def phone_context(browser, playwright, **extra):
    """A browser context that looks like an Android phone in Swedish."""
    return browser.new_context(**playwright.devices[PHONE], locale="sv-SE", **extra)


def log_in_to_app(page, live_server, user, password: str = PASSWORD) -> None:
    """Opens the app's start address, signs in on the app's login page, waits for the page."""
    page.goto(f"{live_server.url}/underlag/")
    expect(page).to_have_url(re.compile(r"/underlag/logga-in/"))
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/underlag/")
    wait_for_app(page)


def wait_for_app(page) -> None:
    expect(page.locator("#send-form")).to_have_attribute("data-enhanced", "true")


def open_controlled(page) -> None:
    """Waits until the service worker is active, then reloads so that it controls the page."""
    expect(page.locator("#send-form")).to_have_attribute("data-worker", "ready")
    page.reload()
    wait_for_app(page)
    assert page.evaluate("navigator.serviceWorker.controller !== null")


def queue_row(page, name: str):
    return page.get_by_test_id("queue").locator("li", has_text=name)
