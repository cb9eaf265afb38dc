"""403, 404 and 500 in the portal's own look, in Swedish and in English; the favicon."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client, override_settings
from django.urls import path, reverse

from config import urls as portal_urls
from tests.accounts.factories import UserFactory


@login_not_required
def broken(request):
    raise RuntimeError("a bug")


# The portal's own addresses, and one that breaks.
urlpatterns = [path("trasig/", broken), *portal_urls.urlpatterns]


@pytest.fixture
def client_user_client(client, db):
    client.force_login(UserFactory(full_name="Klara Klient"))
    return client


@pytest.mark.parametrize(
    ("language", "heading", "link"),
    [
        ("sv", "Du har inte tillgång till sidan", "Till startsidan"),
        ("en", "You do not have access to this page", "To the start page"),
    ],
)
def test_a_client_user_on_a_firm_page_gets_the_portals_403(
    client_user_client, language, heading, link
):
    client_user_client.post(reverse("set_language"), {"language": language})

    response = client_user_client.get(reverse("clients:list"))

    page = response.content.decode()
    assert response.status_code == 403
    assert heading in page and link in page
    assert f'<html lang="{language}">' in page
    assert "portal.css" in page and "Klara Klient" in page
    assert "403 Forbidden" not in page


@pytest.mark.parametrize(
    ("language", "heading"), [("sv", "Sidan finns inte"), ("en", "Page not found")]
)
def test_an_unknown_address_gets_the_portals_404(accountant_client, language, heading):
    accountant_client.post(reverse("set_language"), {"language": language})

    response = accountant_client.get("/klienter/999999/")

    assert response.status_code == 404
    assert heading in response.content.decode()
    assert "portal.css" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("language", "heading"),
    [("sv", "Något gick fel hos oss"), ("en", "Something went wrong on our side")],
)
def test_a_server_error_gets_the_portals_500_in_the_visitors_language(db, language, heading):
    visitor = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)

    response = visitor.get("/trasig/")

    page = response.content.decode()
    assert response.status_code == 500
    assert heading in page
    assert f'<html lang="{language}">' in page
    # Rendered without the request: no language form that would need a CSRF token.
    assert "set_language" not in page and 'name="language"' not in page


def test_the_favicon_and_the_logo(client, db):
    page = client.get(reverse("login")).content.decode()

    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert "img/logo.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
