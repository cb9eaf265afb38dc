"""The bad input the security review reported (issue 12, finding 3), each answered without a
server error and without writing anything: a NUL in a search, a digit that is not ASCII
("²" is a digit to ``str.isdigit`` but not to ``int``), an id beyond PostgreSQL's bigint."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from invitations.models import Delivery, Invitation, InvitationStatus
from tests.accounts.factories import UserFactory
from tests.clients.factories import ClientMembershipFactory, administered_client
from tests.invitations.factories import InvitationFactory
from tests.invitations.wizard import page_text, start

NOT_ASCII_DIGITS = ["²", "١٢", "𝟙", "٣"]
BEYOND_BIGINT = str(2**63)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def pending_invitation(accountant, firm):
    client = administered_client(accountant, firm)
    user = UserFactory(password=None, is_active=False)
    ClientMembershipFactory(client=client, user=user)
    return InvitationFactory(user=user, client=client)


@pytest.mark.parametrize("choice", ["new_users", "existing_users"])
def test_a_nul_in_the_wizards_search_is_a_bad_request_not_a_server_error(
    accountant_client, accountant, firm, choice
):
    administered_client(accountant, firm, name="Alfa Bygg AB")
    step = start(accountant_client, choice)

    response = accountant_client.get(step, {"q": "Alfa\x00"})

    assert response.status_code == 400
    assert "Felaktig förfrågan" in page_text(response)


@pytest.mark.parametrize("choice", ["new_users", "existing_users"])
def test_other_control_characters_in_the_wizards_search_are_dropped(
    accountant_client, accountant, firm, choice
):
    administered_client(accountant, firm, name="Alfa Bygg AB")
    step = start(accountant_client, choice)

    response = accountant_client.get(step, {"q": "Al\x01fa\x1b"})

    assert response.status_code == 200
    assert 'value="Alfa"' in page_text(response)


@pytest.mark.parametrize("action", ["invitations:resend", "invitations:revoke"])
@pytest.mark.parametrize("value", [*NOT_ASCII_DIGITS, BEYOND_BIGINT, "-1", "0"])
def test_resend_and_revoke_take_an_id_that_is_not_one_as_no_selection(
    accountant_client, pending_invitation, action, value
):
    response = accountant_client.post(reverse(action), {"invitation": [value]}, follow=True)

    assert response.status_code == 200
    assert "Välj minst en inbjudan." in page_text(response)
    pending_invitation.refresh_from_db()
    assert pending_invitation.status == InvitationStatus.PENDING
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("action", ["invitations:resend", "invitations:revoke"])
def test_resend_and_revoke_still_act_on_the_good_ids_beside_a_bad_one(
    accountant_client, pending_invitation, action
):
    accountant_client.post(reverse(action), {"invitation": ["²", str(pending_invitation.pk)]})

    pending_invitation.refresh_from_db()
    changed = pending_invitation.status == InvitationStatus.REVOKED or Delivery.objects.exists()
    assert changed


@pytest.mark.parametrize("value", [*NOT_ASCII_DIGITS, BEYOND_BIGINT])
def test_a_wizard_row_that_is_not_an_id_is_left_out(accountant_client, accountant, firm, value):
    client = administered_client(accountant, firm)
    step = start(accountant_client)

    response = accountant_client.post(
        step,
        {
            "action": "marked",
            "row": [value, str(client.pk)],
            f"r{value}-full_name": "Mallory",
            f"r{client.pk}-full_name": "Anna Andersson",
        },
    )

    assert response.status_code == 302
    page = page_text(accountant_client.get(response.url))
    assert "Anna Andersson" in page and "Mallory" not in page


@pytest.mark.parametrize("field", ["visible", "user"])
@pytest.mark.parametrize("value", [*NOT_ASCII_DIGITS, BEYOND_BIGINT])
def test_an_existing_user_that_is_not_an_id_is_left_out(
    accountant_client, accountant, firm, field, value
):
    client = administered_client(accountant, firm)
    member = ClientMembershipFactory(user__password=None, client=client).user
    step = start(accountant_client, "existing_users")
    posted = {"visible": [str(member.pk)], "user": [str(member.pk)]}
    posted[field] = [value, *posted[field]]

    response = accountant_client.post(step, {"action": "review", **posted})

    assert response.status_code == 302
    review = page_text(accountant_client.get(response.url))
    assert member.get_full_name() in review
    assert not Invitation.objects.exists()


# --- The same guards beyond the wizard --------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/?q=%00",
        "/admin/invitations/invitation/?q=Anna%00",
        "/admin/clients/clientcompany/?%00=1",
    ],
)
def test_a_nul_in_the_admins_search_is_a_bad_request(admin_client, url):
    response = admin_client.get(url)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/?id=%C2%B2",
        f"/admin/accounts/user/?id__exact={BEYOND_BIGINT}",
        "/admin/accounts/user/%C2%B2/change/",
        f"/admin/accounts/user/{BEYOND_BIGINT}/change/",
        "/admin/accounts/user/?o=%C2%B2&p=%C2%B2",
    ],
)
def test_the_admin_takes_a_bad_id_without_a_server_error(admin_client, url):
    response = admin_client.get(url)

    assert response.status_code in (200, 302)


def test_a_nul_in_a_plain_form_post_is_refused_before_the_view_writes(accountant_client):
    from clients.models import ClientCompany

    response = accountant_client.post(
        reverse("clients:create"), {"name": "Alfa\x00", "org_number": "556677-8899"}
    )

    assert response.status_code == 400
    assert not ClientCompany.objects.exists()


@pytest.mark.parametrize("url", ["/logga-in/", "/admin/login/"])
@pytest.mark.parametrize("username", ["a" * 300, "²" * 256, "anna\x01", ["anna", "bo"]])
def test_any_username_is_counted_by_the_login_throttle_without_an_error(client, db, url, username):
    from axes.models import AccessAttempt

    response = client.post(url, {"username": username, "password": "fel"})

    assert response.status_code == 200
    attempt = AccessAttempt.objects.get()
    assert len(attempt.username) <= 255 and "\x01" not in attempt.username


def test_a_proxy_header_that_is_no_address_counts_the_connections_address(client, db, settings):
    from axes.models import AccessAttempt

    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"

    response = client.post(
        "/logga-in/",
        {"username": "anna", "password": "fel"},
        HTTP_X_FORWARDED_FOR="junk, 10.0.0.1",
        REMOTE_ADDR="192.0.2.7",
    )

    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "192.0.2.7"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil"]
)
def test_going_back_after_a_post_stays_on_the_site(accountant_client, pending_invitation, target):
    response = accountant_client.post(
        reverse("invitations:resend"), {"invitation": [pending_invitation.pk], "next": target}
    )

    assert response.status_code == 302
    assert response.url == reverse("invitations:overview")


def test_a_nul_elsewhere_on_the_wizards_step_two_is_a_bad_request(
    accountant_client, accountant, firm
):
    client = administered_client(accountant, firm)
    step = start(accountant_client)

    response = accountant_client.post(
        step, {"action": "marked", "row": [str(client.pk)], f"r{client.pk}-full_name": "A\x00"}
    )

    assert response.status_code == 400
