"""The invitations overview's part of the lifecycle: status filters and acting on a selection."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from invitations.models import Delivery, Invitation, InvitationStatus
from tests.clients.factories import ClientCompanyFactory, ClientRightFactory
from tests.invitations.factories import InvitationFactory

OVERVIEW = "invitations:overview"


@pytest.fixture
def invitations(firm, accountant):
    admin_client = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=admin_client, is_system_admin=True)
    plain_client = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=plain_client, is_system_admin=False)
    now = timezone.now()
    return {
        "pending": InvitationFactory(client=admin_client, user__full_name="Petra Pending"),
        "expired": InvitationFactory(
            client=admin_client, user__full_name="Erik Expired", expires_at=now - timedelta(days=1)
        ),
        "accepted": InvitationFactory(
            client=admin_client, user__full_name="Anna Accepted", status=InvitationStatus.ACCEPTED
        ),
        "revoked": InvitationFactory(
            client=admin_client, user__full_name="Rolf Revoked", status=InvitationStatus.REVOKED
        ),
        "no_right": InvitationFactory(client=plain_client, user__full_name="Nora Noright"),
    }


def shown_rows(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-invitation="(\d+)"', response.content.decode())}


def selectable(response) -> set[int]:
    return {
        int(pk) for pk in re.findall(r'name="invitation" value="(\d+)"', response.content.decode())
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("pending", {"pending", "no_right"}),
        ("expired", {"expired"}),
        ("accepted", {"accepted"}),
        ("revoked", {"revoked"}),
        ("", {"pending", "no_right", "expired", "accepted", "revoked"}),
        ("nonsense", {"pending", "no_right", "expired", "accepted", "revoked"}),
    ],
)
def test_the_status_filter_keeps_the_invitations_a_person_would_expect(
    accountant_client, invitations, status, expected
):
    response = accountant_client.get(reverse(OVERVIEW), {"status": status})

    assert shown_rows(response) == {invitations[key].pk for key in expected}


def test_the_filter_shows_a_count_per_status(accountant_client, invitations):
    page = accountant_client.get(reverse(OVERVIEW)).content.decode()

    for label in ["Väntar på svar (2)", "Utgången (1)", "Accepterad (1)", "Återkallad (1)"]:
        assert label in page


def test_only_pending_invitations_the_accountant_may_manage_can_be_selected(
    accountant_client, invitations
):
    response = accountant_client.get(reverse(OVERVIEW))

    assert selectable(response) == {invitations["pending"].pk, invitations["expired"].pk}
    assert reverse("invitations:resend") in response.content.decode()
    assert reverse("invitations:revoke") in response.content.decode()


def test_resending_a_selection_returns_to_the_same_filtered_page(accountant_client, invitations):
    back = reverse(OVERVIEW) + "?status=expired"

    response = accountant_client.post(
        reverse("invitations:resend"),
        {"invitation": [invitations["expired"].pk], "next": back},
        follow=True,
    )

    assert response.redirect_chain[0][0] == back
    assert "1 inbjudan skickas igen" in response.content.decode()
    assert Delivery.objects.filter(invitation=invitations["expired"]).exists()
    # No longer expired: it left the filtered page.
    assert shown_rows(response) == set()


def test_revoking_a_selection_from_the_overview(accountant_client, invitations):
    selection = [invitations["pending"].pk, invitations["expired"].pk]

    accountant_client.post(
        reverse("invitations:revoke"), {"invitation": selection, "next": reverse(OVERVIEW)}
    )

    assert set(
        Invitation.objects.filter(status=InvitationStatus.REVOKED).values_list("pk", flat=True)
    ) == {invitations["revoked"].pk, *selection}


def test_the_overview_costs_the_same_for_few_and_many(
    accountant_client, firm, invitations, django_assert_num_queries
):
    # session, user, membership, page count, page rows, deliveries, delivery counts,
    # invitation status counts
    with django_assert_num_queries(8):
        accountant_client.get(reverse(OVERVIEW), {"status": "pending"})
    client_company = ClientCompanyFactory(firm=firm)
    InvitationFactory.create_batch(20, client=client_company)
    with django_assert_num_queries(8):
        accountant_client.get(reverse(OVERVIEW), {"status": "pending"})


def test_a_request_for_a_new_link_shows_until_the_accountant_answers_it(
    accountant_client, invitations
):
    from invitations.models import EventKind, InvitationEvent

    expired = invitations["expired"]
    InvitationEvent.objects.create(invitation=expired, kind=EventKind.RENEWAL_REQUESTED)

    asked = accountant_client.get(reverse(OVERVIEW)).content.decode()
    accountant_client.post(reverse("invitations:resend"), {"invitation": expired.pk})
    answered = accountant_client.get(reverse(OVERVIEW)).content.decode()

    assert asked.count("Ny länk begärd") == 1
    assert "Ny länk begärd" not in answered


def test_expired_invitations_are_resent_as_a_selection_from_the_expired_filter(
    accountant_client, firm, accountant, invitations
):
    second = InvitationFactory(
        client=invitations["expired"].client,
        user__full_name="Eva Expired",
        expires_at=timezone.now() - timedelta(days=3),
    )
    filtered = accountant_client.get(reverse(OVERVIEW), {"status": "expired"})
    assert selectable(filtered) == {invitations["expired"].pk, second.pk}
    assert "har gått ut för att skicka igen" in filtered.content.decode()

    response = accountant_client.post(
        reverse("invitations:resend"),
        {"invitation": sorted(selectable(filtered)), "next": reverse(OVERVIEW) + "?status=expired"},
        follow=True,
    )

    assert "2 inbjudningar skickas igen med nya länkar" in response.content.decode()
    for invitation in (invitations["expired"], second):
        invitation.refresh_from_db()
        assert invitation.expires_at > timezone.now() + timedelta(days=13)


def test_only_open_invitations_say_until_when_they_are_valid(accountant_client, invitations):
    moment = timezone.make_aware(timezone.datetime(2026, 12, 2, 10, 0))
    Invitation.objects.filter(pk=invitations["accepted"].pk).update(accepted_at=moment)
    Invitation.objects.filter(pk=invitations["revoked"].pk).update(revoked_at=moment)
    Invitation.objects.filter(pk=invitations["expired"].pk).update(expires_at=moment)

    page = accountant_client.get(reverse(OVERVIEW)).content.decode()

    rows = dict(re.findall(r'data-invitation="(\d+)">(.*?)</tr>', page, flags=re.S))
    assert "giltig till" not in rows[str(invitations["accepted"].pk)]
    assert "accepterad 2 dec 2026" in rows[str(invitations["accepted"].pk)]
    assert "giltig till" not in rows[str(invitations["revoked"].pk)]
    assert "återkallad 2 dec 2026" in rows[str(invitations["revoked"].pk)]
    assert "gick ut 2 dec 2026" in rows[str(invitations["expired"].pk)]
    assert "giltig till" in rows[str(invitations["pending"].pk)]
