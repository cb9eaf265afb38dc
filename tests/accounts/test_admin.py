import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory


@pytest.mark.django_db
def test_user_change_list_shows_firms_without_a_query_per_row(superuser_client):
    url = reverse("admin:accounts_user_changelist")
    AccountantFactory.create_batch(2)
    UserFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        assert superuser_client.get(url).status_code == 200
    AccountantFactory.create_batch(15)
    UserFactory.create_batch(15)
    with CaptureQueriesContext(connection) as many:
        response = superuser_client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few)
    accountant = AccountantFactory(full_name="Greta Konsult")
    page = superuser_client.get(url, {"q": "Greta"}).content.decode()
    assert accountant.firm_membership.firm.name in page


@pytest.mark.django_db
def test_user_change_and_add_pages_load(superuser_client):
    user = UserFactory()

    assert (
        superuser_client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code
        == 200
    )
    assert superuser_client.get(reverse("admin:accounts_user_add")).status_code == 200


@pytest.mark.django_db
def test_admin_creates_a_user_with_full_name(superuser_client):
    response = superuser_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "nyanvandare",
            "full_name": "Ny Användare",
            "email": "ny@example.test",
            "usable_password": "true",
            "password1": "ett-langt-losenord-42",
            "password2": "ett-langt-losenord-42",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="nyanvandare")
    assert user.full_name == "Ny Användare"
    assert user.check_password("ett-langt-losenord-42")


@pytest.mark.django_db
def test_accountants_are_not_let_into_the_admin(client):
    client.force_login(AccountantFactory())

    response = client.get(reverse("admin:clients_clientcompany_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
