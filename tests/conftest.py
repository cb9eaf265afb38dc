import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from the live-server tests that drive the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SQLITE_TESTS = Path(__file__).parent / "sqlite"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_ignore_collect(collection_path, config):
    """tests/sqlite/ runs on SQLite (config.settings.test_sqlite), everything else on PostgreSQL.

    `make test` runs both: the whole suite, then tests/sqlite/ with the SQLite settings.
    """
    from django.conf import settings

    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    in_sqlite_tests = collection_path == SQLITE_TESTS or SQLITE_TESTS in collection_path.parents
    if on_sqlite:
        leads_there = in_sqlite_tests or SQLITE_TESTS.is_relative_to(collection_path)
        return None if leads_there else True
    return True if in_sqlite_tests else None


@pytest.fixture(autouse=True)
def swedish_by_default():
    """Each test starts in the default language.

    LocaleMiddleware activates a request's language in the thread and leaves it active, so
    without this a test after an English request would see English messages outside one.
    """
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "sv-SE", "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture
def firm(db):
    from tests.bureau.factories import FirmFactory

    return FirmFactory()


@pytest.fixture
def accountant(firm):
    """An accountant (member) of ``firm`` with the password "secret-pass-1"."""
    from tests.bureau.factories import AccountantFactory

    return AccountantFactory(firm_membership__firm=firm)


@pytest.fixture
def accountant_client(client, accountant):
    client.force_login(accountant)
    return client


@pytest.fixture
def superuser_client(client, db):
    """The test client signed in as a superuser (the Django admin's pages)."""
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _reload_webhook_urls():
    import importlib

    from django.urls import clear_url_caches

    import config.urls
    import inbound.webhook_urls
    import invitations.delivery.urls

    importlib.reload(invitations.delivery.urls)
    importlib.reload(inbound.webhook_urls)
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def mounted_provider(settings):
    """``mounted_provider("postmark")`` configures that anymail provider (ANYMAIL_ESP) and
    mounts its webhooks, as a process started with it would; undone after the test."""
    original = settings.ANYMAIL_ESP

    def mount(esp_name: str) -> None:
        settings.ANYMAIL_ESP = esp_name
        _reload_webhook_urls()

    yield mount
    settings.ANYMAIL_ESP = original
    _reload_webhook_urls()
