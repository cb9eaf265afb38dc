"""Review finding 2: password guessing is limited per username and per address.

Before the fix, 60 wrong passwords on /logga-in/ (and 20 on /admin/login/) all answered 200
and the right password then worked.
"""

import logging

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory
from tests.bureau.factories import AccountantFactory

LIMIT = 5


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def sign_in(client, url, username, password, address="198.51.100.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("login"), reverse("admin:login")])
def test_after_the_limit_even_the_right_password_is_refused_with_a_clear_429(client, url):
    user = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(LIMIT - 1):
        assert sign_in(client, url, user.username, "wrong").status_code == 200

    refused = sign_in(client, url, user.username, "wrong")
    after = sign_in(client, url, user.username, PASSWORD)

    assert refused.status_code == 429
    assert after.status_code == 429
    page = after.content.decode()
    assert "För många inloggningsförsök" in page
    assert "efter 5 felaktiga försök" in page and "Försök igen om 15 minuter" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_username_counts_whatever_its_case_and_from_any_address(client):
    user = AccountantFactory(username="anna.svensson")
    for number in range(LIMIT):
        sign_in(client, reverse("login"), "Anna.Svensson", "wrong", f"203.0.113.{number}")

    response = sign_in(client, reverse("login"), "anna.svensson", PASSWORD, "192.0.2.99")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert user.is_active


@pytest.mark.django_db
def test_one_address_trying_many_usernames_is_refused(client):
    for number in range(LIMIT):
        sign_in(client, reverse("login"), f"gissning{number}", "wrong", "198.51.100.20")
    innocent = AccountantFactory()

    from_that_address = sign_in(
        client, reverse("login"), innocent.username, PASSWORD, "198.51.100.20"
    )
    from_elsewhere = sign_in(client, reverse("login"), innocent.username, PASSWORD, "192.0.2.1")

    assert from_that_address.status_code == 429
    assert from_elsewhere.status_code == 302


@pytest.mark.django_db
def test_a_success_before_the_limit_starts_the_count_again(client):
    user = AccountantFactory()
    for _ in range(LIMIT - 1):
        sign_in(client, reverse("login"), user.username, "wrong")
    assert sign_in(client, reverse("login"), user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(LIMIT - 1):
        assert sign_in(client, reverse("login"), user.username, "wrong").status_code == 200


@pytest.mark.django_db
def test_an_operator_unlocks_a_username_with_a_command(client):
    user = AccountantFactory()
    for _ in range(LIMIT):
        sign_in(client, reverse("login"), user.username, "wrong", "198.51.100.1")
    # The address is locked too; unlocking the username alone lets the person in elsewhere.
    call_command("axes_reset_username", user.username)

    assert (
        sign_in(client, reverse("login"), user.username, PASSWORD, "192.0.2.5").status_code == 302
    )


@pytest.mark.django_db
def test_an_operator_unlocks_in_the_admin_by_deleting_the_attempts(client):
    from axes.models import AccessAttempt

    user = AccountantFactory()
    for _ in range(LIMIT):
        sign_in(client, reverse("login"), user.username, "wrong")
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert user.username in listing.content.decode()

    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    client.post(reverse("logout"))

    assert not AccessAttempt.objects.exists()
    assert sign_in(client, reverse("login"), user.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_lockout_is_logged_and_no_password_is(client, caplog):
    user = AccountantFactory()
    with caplog.at_level(logging.INFO):
        for number in range(LIMIT + 1):
            sign_in(client, reverse("login"), user.username, f"hemligt-{number}")

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "Locking out" in text
    assert "hemligt" not in text
    assert user.username not in text  # axes masks the username and the address too
