"""Hostile input to the login pages, the invitation link and its forms, the client user's
pages and the providers' callbacks: never a server error, and an error answer writes
nothing."""

import uuid
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from documents import client_app
from tests.accounts.factories import UserFactory
from tests.clients.factories import ClientCompanyFactory, ClientMembershipFactory
from tests.documents.factories import tiny_pdf, tiny_png
from tests.invitations.factories import InvitationFactory

from .conftest import (
    assert_no_server_error_and_nothing_half_written,
    hostile_form,
    hostile_settings,
    hostile_text,
    uploaded_file,
)

file_names = st.one_of(
    st.sampled_from(
        ["kvitto.pdf", "faktura.html", "a\x00.pdf", "²", "../../etc/passwd", "x" * 400, " .pdf"]
    ),
    st.text(min_size=1, max_size=30),
)
file_contents = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([tiny_pdf(), tiny_png(), b"%PDF-1.4\n<script>alert(1)</script>"]),
)
uploads = st.lists(
    st.builds(
        uploaded_file,
        file_names,
        file_contents,
    ),
    max_size=2,
)


# --- Logging in ---------------------------------------------------------------------------------


@hostile_settings
@given(
    url=st.sampled_from(["/logga-in/", "/admin/login/", "/underlag/logga-in/"]),
    data=hostile_form("username", "password", "next"),
    query=hostile_form("next", extra_keys=False),
)
def test_login_pages(client, db, url, data, query):
    # Each example from a clean count, so that the lockout does not hide the form's paths.
    AccessAttempt.objects.all().delete()
    assert_no_server_error_and_nothing_half_written(lambda: client.get(url, query))
    assert_no_server_error_and_nothing_half_written(lambda: client.post(url, data))


# --- The invitation link ------------------------------------------------------------------------


@pytest.fixture
def invitation(db):
    user = UserFactory(password=None, is_active=False)
    company = ClientCompanyFactory()
    ClientMembershipFactory(client=company, user=user)
    return InvitationFactory(user=user, client=company)


@hostile_settings
@given(
    secret=st.one_of(hostile_text.filter(bool), st.none()),
    data=hostile_form("new_password1", "new_password2"),
)
def test_the_invitation_link_and_its_forms(client, invitation, secret, data):
    cache.clear()  # the link's rate limits, so that every example reaches the view
    secret = invitation.secret if secret is None else secret
    accept = f"/inbjudan/{quote(secret, safe='')}/"
    assert_no_server_error_and_nothing_half_written(lambda: client.get(accept))
    assert_no_server_error_and_nothing_half_written(lambda: client.post(accept, data))
    assert_no_server_error_and_nothing_half_written(lambda: client.post(f"{accept}ny-lank/", data))


# --- The client user's pages --------------------------------------------------------------------


@pytest.fixture
def client_user(db):
    user = UserFactory(full_name="Anna Svensson")
    ClientMembershipFactory(client=ClientCompanyFactory(), user=user)
    return user


@pytest.fixture
def logged_in(client, client_user):
    client.force_login(client_user)
    return client


@hostile_settings
@given(
    data=hostile_form("client", "comment"),
    files=uploads,
    real_client=st.booleans(),
    query=hostile_form("delat", extra_keys=False),
)
def test_start_page_and_its_upload(logged_in, client_user, data, files, real_client, query):
    if real_client:
        data["client"] = str(client_user.client_memberships.get().client_id)
    assert_no_server_error_and_nothing_half_written(
        lambda: logged_in.get(reverse("documents:start"), query)
    )
    assert_no_server_error_and_nothing_half_written(
        lambda: logged_in.post(reverse("documents:start"), {**data, "files": files})
    )


@hostile_settings
@given(
    data=hostile_form("upload_id", "user_key", "client", "comment"),
    files=uploads,
    real=st.booleans(),
)
@example(data={"comment": "Kvitto\x00"}, files=[uploaded_file("kvitto.pdf", tiny_pdf())], real=True)
def test_the_apps_one_file_send_and_the_share_sheet(logged_in, client_user, data, files, real):
    if real:
        data["user_key"] = client_app.user_key(client_user)
        data["client"] = str(client_user.client_memberships.get().client_id)
        data["upload_id"] = str(uuid.UUID(int=len(data["comment"]) if "comment" in data else 1))
    posted = {**data, "file": files[:1]}
    assert_no_server_error_and_nothing_half_written(
        lambda: logged_in.post(reverse("documents:send_one"), posted)
    )
    assert_no_server_error_and_nothing_half_written(
        lambda: logged_in.post(
            reverse("documents:share"), {"files": files}, HTTP_SEC_FETCH_SITE="same-origin"
        )
    )


@hostile_settings
@given(pk=st.integers(min_value=0, max_value=2**70), query=hostile_form("sida"))
def test_the_client_users_download_and_contact_card(logged_in, pk, query):
    for url in (
        reverse("documents:download", args=[pk]),
        reverse("inbound:contact_card", args=[pk]),
    ):
        assert_no_server_error_and_nothing_half_written(lambda u=url: logged_in.get(u, query))


# --- The providers' callbacks -------------------------------------------------------------------


@hostile_settings
@given(
    data=hostile_form("MessageSid", "MessageStatus", "ErrorCode", "AccountSid"),
    delivery_id=st.one_of(st.none(), st.integers(min_value=0, max_value=2**70)),
)
def test_the_sms_status_callback(client, db, data, delivery_id):
    url = "/webhooks/twilio/status/" + ("" if delivery_id is None else f"{delivery_id}/")
    assert_no_server_error_and_nothing_half_written(lambda: client.post(url, data))
