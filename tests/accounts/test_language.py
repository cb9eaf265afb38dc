"""The language a signed-in user is spoken to in: their own, unless they chose one in the
header menu on this device; and a choice in the menu is kept as theirs."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.clients.factories import ClientMembershipFactory


def _signed_in(user, **headers) -> Client:
    http = Client(headers=headers)
    http.force_login(user)
    return http


@pytest.mark.django_db
def test_a_client_user_invited_in_english_is_answered_in_english_on_a_new_phone():
    membership = ClientMembershipFactory(user__language="en")

    response = _signed_in(membership.user, accept_language="sv").get(reverse("documents:start"))

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_a_swedish_accountants_english_browser_does_not_turn_the_portal_english(accountant):
    response = _signed_in(accountant, accept_language="en-US,en;q=0.9").get("/klienter/")

    html = response.content.decode()
    assert response["Content-Language"] == "sv"
    assert "Hantera klienter" in html and "Manage clients" not in html


@pytest.mark.django_db
def test_the_menu_wins_on_this_device_and_is_kept_for_the_others(accountant):
    this_device = _signed_in(accountant)

    chosen = this_device.post(reverse("set_language"), {"language": "en", "next": "/klienter/"})

    assert chosen.status_code == 302
    assert "Manage clients" in this_device.get("/klienter/").content.decode()
    accountant.refresh_from_db()
    assert accountant.language == "en"
    other_device = _signed_in(accountant, accept_language="sv")
    assert "Manage clients" in other_device.get("/klienter/").content.decode()


@pytest.mark.django_db
def test_a_language_the_portal_does_not_offer_changes_nothing(accountant):
    http = _signed_in(accountant)

    # Django has a German catalogue of its own and sets the cookie; the portal offers none.
    response = http.post(reverse("set_language"), {"language": "de", "next": "/klienter/"})

    assert response.status_code == 302
    accountant.refresh_from_db()
    assert accountant.language == "sv"
    assert "Hantera klienter" in http.get("/klienter/").content.decode()


@pytest.mark.django_db
def test_before_signing_in_the_browser_decides():
    UserFactory(language="sv")
    visitor = Client(headers={"accept-language": "en"})

    chosen = visitor.post(reverse("set_language"), {"language": "sv", "next": "/logga-in/"})
    page = Client(headers={"accept-language": "en"}).get(reverse("login"))

    assert chosen.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"  # no user: the cookie
    assert page["Content-Language"] == "en"
