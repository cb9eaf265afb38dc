import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD
from tests.bureau.factories import AccountantFactory


@pytest.mark.django_db
def test_accountant_logs_in_and_lands_on_hantera_klienter(client):
    accountant = AccountantFactory()

    page = client.get(reverse("login")).content.decode()
    response = client.post(
        reverse("login"), {"username": accountant.username, "password": PASSWORD}, follow=True
    )

    assert "Användarnamn" in page and "Lösenord" in page
    assert response.redirect_chain[-1][0] == reverse("clients:list")
    assert "Hantera klienter" in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_says_so_in_swedish(client):
    accountant = AccountantFactory()

    response = client.post(reverse("login"), {"username": accountant.username, "password": "x"})

    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_log_out_returns_to_the_login_page(client):
    client.force_login(AccountantFactory())

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert client.get(reverse("clients:list")).status_code == 302


@pytest.mark.django_db
def test_language_can_be_chosen_on_the_login_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})

    assert response["Location"] == reverse("login")
    assert response.cookies["django_language"].value == "en"
