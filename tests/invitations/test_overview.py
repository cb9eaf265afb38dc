"""The accountant's invitations overview (/inbjudningar/): what happened to each message."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bureau.models import FirmRole
from tests.accounts.factories import UserFactory
from tests.invitations.factories import DeliveryFactory, InvitationFactory

pytestmark = pytest.mark.django_db

URL = "/inbjudningar/"


@pytest.fixture(autouse=True)
def accountant_is_firm_administrator(accountant):
    """These tests are about deliveries: the accountant sees every invitation of the firm
    (which people an accountant sees is tested in test_invitation_visibility.py)."""
    accountant.firm_membership.role = FirmRole.ADMIN
    accountant.firm_membership.save()


def _invitation(firm, *, email_status="sent", sms_status=None, **kwargs):
    invitation = InvitationFactory(client__firm=firm, **kwargs)
    DeliveryFactory(
        invitation=invitation,
        status=email_status,
        last_error="SMTP 550 5.1.1 No such user" if email_status == "failed" else "",
    )
    if sms_status:
        DeliveryFactory(
            invitation=invitation, channel="sms", recipient="+46701234567", status=sms_status
        )
    return invitation


def _row(html: str, invitation) -> str:
    match = re.search(rf'<tr data-invitation="{invitation.pk}">(.*?)</tr>', html, re.S)
    assert match, f"no row for invitation {invitation.pk}"
    return match.group(1)


def test_the_url_name_is_the_overview():
    assert reverse("invitations:overview") == URL


def test_each_invitation_shows_user_client_inviter_and_both_deliveries(accountant_client, firm):
    invitation = _invitation(
        firm,
        email_status="failed",
        sms_status="delivered",
        user__full_name="Greta Garbo",
        client__name="Filmbolaget AB",
        invited_by__full_name="Ingmar Konsult",
    )

    response = accountant_client.get(URL)

    assert response.status_code == 200
    row = _row(response.content.decode(), invitation)
    assert "Greta Garbo" in row
    assert "Filmbolaget AB" in row
    assert "Ingmar Konsult" in row
    assert "Väntar på svar" in row
    assert 'data-channel="email" data-status="failed"' in row
    assert "Misslyckad" in row and "No such user" in row
    assert 'data-channel="sms" data-status="delivered"' in row
    assert "Levererad" in row


def test_only_the_newest_delivery_per_channel_is_shown(accountant_client, firm):
    invitation = _invitation(firm, email_status="failed")
    DeliveryFactory(invitation=invitation, status="sent")  # the resend

    row = _row(accountant_client.get(URL).content.decode(), invitation)

    assert 'data-channel="email" data-status="sent"' in row
    assert "failed" not in row


def test_counts_at_the_top_and_the_filter_by_delivery_status(accountant_client, firm):
    failed = _invitation(firm, email_status="failed")
    sent = _invitation(firm, email_status="sent", sms_status="unknown")
    pending = _invitation(firm, email_status="pending")

    response = accountant_client.get(URL)
    html = response.content.decode()
    assert re.search(r"count-failed[^>]*><strong>1</strong>", html)
    assert re.search(r"count-sent[^>]*><strong>1</strong>", html)
    assert re.search(r"count-unknown[^>]*><strong>1</strong>", html)
    assert re.search(r"count-pending[^>]*><strong>1</strong>", html)

    filtered = accountant_client.get(URL, {"utskick": "failed"}).content.decode()
    assert f'data-invitation="{failed.pk}"' in filtered
    assert f'data-invitation="{sent.pk}"' not in filtered
    assert f'data-invitation="{pending.pk}"' not in filtered

    by_sms = accountant_client.get(URL, {"utskick": "unknown"}).content.decode()
    assert f'data-invitation="{sent.pk}"' in by_sms
    assert f'data-invitation="{failed.pk}"' not in by_sms


def test_another_firms_invitations_are_not_shown(accountant_client, firm):
    mine = _invitation(firm)
    theirs = InvitationFactory()
    DeliveryFactory(invitation=theirs, status="failed")

    html = accountant_client.get(URL).content.decode()

    assert f'data-invitation="{mine.pk}"' in html
    assert f'data-invitation="{theirs.pk}"' not in html
    assert re.search(r"count-failed[^>]*><strong>0</strong>", html)


def test_client_users_may_not_see_it(client):
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 403


def test_pages_of_fifty(accountant_client, firm):
    invitations = [_invitation(firm) for _ in range(51)]

    first = accountant_client.get(URL).content.decode()
    second = accountant_client.get(URL, {"sida": 2}).content.decode()

    assert first.count("<tr data-invitation=") == 50
    assert second.count("<tr data-invitation=") == 1
    assert f'data-invitation="{invitations[0].pk}"' in second  # the oldest, last


@pytest.mark.parametrize("count", [2, 30])
def test_the_page_costs_the_same_queries_for_few_or_many(
    accountant_client, firm, count, django_assert_num_queries
):
    for n in range(count):
        _invitation(firm, sms_status="sent" if n % 2 else None)
    accountant_client.get(URL)  # the session is warm

    # session, user, firm membership; page count, page, deliveries; delivery and
    # invitation-status counts
    with django_assert_num_queries(8):
        response = accountant_client.get(URL)
    assert response.status_code == 200


def test_times_are_shown(accountant_client, firm):
    invitation = _invitation(firm)
    invitation.deliveries.update(
        status_changed_at=timezone.now().replace(year=2026, month=3, day=4)
    )

    row = _row(accountant_client.get(URL).content.decode(), invitation)

    assert "2026-03-04" in row
