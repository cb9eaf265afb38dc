"""Passkeys over HTTP: the ceremony steps refuse junk with a message, never a 500; removing
is limited to one's own passkeys. The real ceremonies run in Chromium (tests/e2e)."""

import json

import pytest
from django.urls import reverse
from webauthn import base64url_to_bytes

from passkeys.models import Passkey
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def a_passkey(user, name="Min telefon", credential_id="Y3JlZA"):
    return Passkey.objects.create(
        user=user, name=name, credential_id=credential_id, public_key=b"\x01", sign_count=0
    )


def test_the_sign_in_options_ask_for_a_verified_user_and_keep_the_challenge(client):
    response = client.post(reverse("passkeys:authentication_options"))

    options = response.json()
    assert options["rpId"] == "testserver"
    assert options["userVerification"] == "required"
    assert options["allowCredentials"] == []
    assert client.session["passkeys.authentication_challenge"] == options["challenge"]


def test_the_registration_options_exclude_the_users_passkeys(client):
    user = UserFactory()
    a_passkey(user)
    client.force_login(user)

    options = client.post(reverse("passkeys:registration_options")).json()

    assert options["user"]["name"] == user.username
    handle = base64url_to_bytes(options["user"]["id"])
    assert len(handle) == 20  # an HMAC of the id, not the id itself
    assert handle not in (str(user.pk).encode(), user.pk.to_bytes(8, "big"))
    again = client.post(reverse("passkeys:registration_options")).json()
    assert again["user"]["id"] == options["user"]["id"]
    assert [c["id"] for c in options["excludeCredentials"]] == ["Y3JlZA"]
    assert options["authenticatorSelection"]["residentKey"] == "required"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        json.dumps({"credential": "x"}).encode(),
        json.dumps({"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key"}}).encode(),
        json.dumps({"credential": {"id": "Y3JlZA", "rawId": "Y3JlZA", "response": {}}}).encode(),
    ],
)
def test_a_bad_sign_in_answer_is_refused_with_a_message(client, body):
    a_passkey(UserFactory())
    client.post(reverse("passkeys:authentication_options"))

    response = client.post(reverse("passkeys:sign_in"), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]
    assert "_auth_user_id" not in client.session


def test_a_sign_in_answer_without_a_challenge_is_refused(client):
    response = client.post(
        reverse("passkeys:sign_in"), {"credential": {}}, content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("body", [b"", b"{}", json.dumps({"credential": {"id": "x"}}).encode()])
def test_a_bad_registration_answer_is_refused_and_nothing_stored(client, body):
    client.force_login(UserFactory())
    client.post(reverse("passkeys:registration_options"))

    response = client.post(reverse("passkeys:register"), body, content_type="application/json")

    assert response.status_code == 400
    assert not Passkey.objects.exists()


def test_a_user_removes_their_own_passkey_and_not_anyone_elses(client):
    user, other = UserFactory(), UserFactory()
    mine = a_passkey(user)
    theirs = a_passkey(other, credential_id="b3RoZXI")
    client.force_login(user)

    client.post(reverse("passkeys:remove", kwargs={"pk": theirs.pk}))
    response = client.post(
        reverse("passkeys:remove", kwargs={"pk": mine.pk}), {"next": "https://evil.example/"}
    )

    assert list(Passkey.objects.all()) == [theirs]
    assert response.url == reverse("home")  # an outside "next" is not followed


def test_the_passkeys_page_needs_login_and_lists_ones_own(client):
    assert client.get(reverse("passkeys:manage")).status_code == 302
    user = UserFactory()
    a_passkey(user, name="Jobbdatorn")
    a_passkey(UserFactory(), name="Någon annans", credential_id="b3RoZXI")
    client.force_login(user)

    page = client.get(reverse("passkeys:manage")).content.decode()

    assert "Jobbdatorn" in page and "Någon annans" not in page


def test_logging_out_asks_the_browser_to_clear_the_apps_storage(client):
    client.force_login(UserFactory())

    response = client.post(reverse("logout"))

    assert response["Clear-Site-Data"] == '"cache", "storage"'
