"""Resend, revoke, the reminder and the audit trail, as the accountant meets them."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from invitations import secrets
from invitations.models import (
    Delivery,
    DeliveryPurpose,
    EventKind,
    Invitation,
    InvitationEvent,
    InvitationStatus,
)
from invitations.services import send_due_reminders
from tests.accounts.factories import UserFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.invitations.factories import InvitationFactory
from tests.invitations.links import accept_url


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def own_client(firm, accountant):
    client_company = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=client_company, is_system_admin=True)
    return client_company


def pending(client_company, **kwargs):
    user = UserFactory(password=None, is_active=False)
    ClientMembershipFactory(client=client_company, user=user)
    return InvitationFactory(user=user, client=client_company, **kwargs)


def test_resend_gives_a_new_link_and_the_old_one_stops_working(
    accountant_client, accountant, own_client
):
    invitation = pending(own_client, expires_at=timezone.now() + timedelta(days=1))
    old_secret = invitation.secret
    assert accountant_client.get(accept_url(old_secret)).status_code == 200

    response = accountant_client.post(
        reverse("invitations:resend"), {"invitation": [invitation.pk]}, follow=True
    )

    assert "1 inbjudan skickas igen med en ny länk" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert accountant_client.get(accept_url(old_secret)).status_code == 404
    new_secret = secrets.secret_for(invitation.secret_nonce)
    assert accountant_client.get(accept_url(new_secret)).status_code == 200
    assert list(Delivery.objects.values_list("invitation", "channel", "status")) == [
        (invitation.pk, "email", "pending")
    ]
    assert list(invitation.events.values_list("kind", "actor")) == [
        (EventKind.RESENT, accountant.pk)
    ]


def test_resend_queues_the_new_deliveries_after_commit(
    accountant, own_client, django_capture_on_commit_callbacks
):
    from invitations.services import resend_invitations

    invitation = pending(own_client)
    invitation.user.mobile = "+46701234567"
    invitation.user.save()

    with django_capture_on_commit_callbacks() as callbacks:
        resend_invitations(
            accountant=accountant,
            firm=own_client.firm,
            invitation_ids=[invitation.pk],
            now=timezone.now(),
        )

    assert len(callbacks) == 1
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["email", "sms"]


def test_resend_and_revoke_act_only_where_the_accountant_is_system_admin(
    accountant_client, accountant, firm, own_client
):
    mine = [pending(own_client), pending(own_client)]
    no_admin_right = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=no_admin_right, is_system_admin=False)
    not_admin = pending(no_admin_right)
    other_firm = pending(ClientCompanyFactory())
    selection = [i.pk for i in [*mine, not_admin, other_firm]]

    response = accountant_client.post(
        reverse("invitations:resend"), {"invitation": selection}, follow=True
    )

    page = response.content.decode()
    assert "2 inbjudningar skickas igen" in page
    assert "2 inbjudningar skickades inte igen" in page
    assert set(Delivery.objects.values_list("invitation", flat=True)) == {i.pk for i in mine}

    accountant_client.post(reverse("invitations:revoke"), {"invitation": selection})

    statuses = dict(Invitation.objects.values_list("pk", "status"))
    assert [statuses[i.pk] for i in mine] == [InvitationStatus.REVOKED] * 2
    assert statuses[not_admin.pk] == statuses[other_firm.pk] == InvitationStatus.PENDING
    assert not InvitationEvent.objects.filter(invitation__in=[not_admin, other_firm]).exists()


def test_revoke_kills_the_link_and_leaves_the_user_inactive(
    accountant_client, accountant, own_client
):
    invitation = pending(own_client)

    response = accountant_client.post(
        reverse("invitations:revoke"),
        {"invitation": invitation.pk, "next": reverse("invitations:detail", args=[invitation.pk])},
    )

    assert response.url == reverse("invitations:detail", args=[invitation.pk])
    invitation.refresh_from_db()
    invitation.user.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED and invitation.revoked_at
    assert not invitation.user.is_active
    assert list(invitation.events.values_list("kind", "actor")) == [
        (EventKind.REVOKED, accountant.pk)
    ]
    page = accountant_client.get(accept_url(invitation.secret)).content.decode()
    assert "Inbjudan har återkallats" in page


def test_an_accepted_invitation_is_neither_resent_nor_revoked(accountant_client, own_client):
    invitation = pending(own_client)
    Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.ACCEPTED)

    accountant_client.post(reverse("invitations:resend"), {"invitation": invitation.pk})
    accountant_client.post(reverse("invitations:revoke"), {"invitation": invitation.pk})

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.secret_hash == secrets.hash_secret(invitation.secret)
    assert not Delivery.objects.exists()


def test_an_empty_selection_says_choose_one(accountant_client):
    response = accountant_client.post(reverse("invitations:resend"), {}, follow=True)

    assert "Välj minst en inbjudan." in response.content.decode()


def test_a_foreign_next_is_not_followed(accountant_client, own_client):
    invitation = pending(own_client)

    response = accountant_client.post(
        reverse("invitations:revoke"),
        {"invitation": invitation.pk, "next": "https://evil.example/"},
    )

    assert response.url == reverse("invitations:overview")


def test_resend_and_revoke_need_post(accountant_client):
    assert accountant_client.get(reverse("invitations:resend")).status_code == 405
    assert accountant_client.get(reverse("invitations:revoke")).status_code == 405


def test_client_users_cannot_manage_invitations(client, own_client):
    invitation = pending(own_client)
    client_user = UserFactory()
    ClientMembershipFactory(client=own_client, user=client_user)
    client.force_login(client_user)

    assert client.get(reverse("invitations:detail", args=[invitation.pk])).status_code == 403
    assert (
        client.post(reverse("invitations:revoke"), {"invitation": invitation.pk}).status_code == 403
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


# --- The audit trail ---------------------------------------------------------------------


def test_the_detail_page_shows_the_audit_trail_with_who_and_when(
    accountant_client, accountant, own_client, django_assert_num_queries
):
    invitation = pending(own_client)
    for kind in [EventKind.CREATED, EventKind.SENT, EventKind.DELIVERED, EventKind.RESENT]:
        InvitationEvent.objects.create(invitation=invitation, kind=kind, actor=accountant)
    InvitationEvent.objects.create(invitation=invitation, kind=EventKind.REMINDED)
    url = reverse("invitations:detail", args=[invitation.pk])

    # session, user, firm membership, invitation, its events, its deliveries
    with django_assert_num_queries(6):
        response = accountant_client.get(url)

    page = response.content.decode()
    trail = page[page.index('data-testid="audit-trail"') :]
    for label in ["Skapad", "Skickad", "Levererad", "Skickad igen", "Påminnelse"]:
        assert label in trail
    assert f"av {accountant.get_full_name()}" in trail
    assert "automatiskt" in trail
    assert "Skicka igen" in page and "Återkalla" in page


def test_another_firms_invitation_is_not_found(accountant_client):
    foreign = pending(ClientCompanyFactory())

    assert (
        accountant_client.get(reverse("invitations:detail", args=[foreign.pk])).status_code == 404
    )


def test_without_the_admin_right_the_detail_page_offers_no_actions(
    accountant_client, accountant, firm
):
    client_company = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=client_company, is_system_admin=False)
    invitation = pending(client_company)

    page = accountant_client.get(reverse("invitations:detail", args=[invitation.pk])).content
    page = page.decode()

    assert "Du är inte systemadministratör på klienten" in page
    assert reverse("invitations:resend") not in page


# --- The reminder --------------------------------------------------------------------------


def test_the_reminder_goes_once_to_invitations_about_to_expire(settings, own_client):
    settings.INVITATION_REMINDER_DAYS_BEFORE_EXPIRY = 3
    now = timezone.now()
    due = pending(own_client, expires_at=now + timedelta(days=2))
    due.user.mobile = "+46701234567"
    due.user.save()
    later = pending(own_client, expires_at=now + timedelta(days=10))
    expired = pending(own_client, expires_at=now - timedelta(hours=1))
    already = pending(own_client, expires_at=now + timedelta(days=1), reminded_at=now)
    accepted = pending(own_client, expires_at=now + timedelta(days=1))
    Invitation.objects.filter(pk=accepted.pk).update(status=InvitationStatus.ACCEPTED)

    first = send_due_reminders(now=now)
    second = send_due_reminders(now=now + timedelta(hours=1))

    assert (first, second) == (1, 0)
    assert sorted(Delivery.objects.values_list("invitation", "channel", "purpose")) == [
        (due.pk, "email", DeliveryPurpose.REMINDER),
        (due.pk, "sms", DeliveryPurpose.REMINDER),
    ]
    assert list(InvitationEvent.objects.values_list("invitation", "kind")) == [
        (due.pk, EventKind.REMINDED)
    ]
    due.refresh_from_db()
    assert due.reminded_at == now
    for untouched in (later, expired, already, accepted):
        assert not untouched.deliveries.exists()


def test_a_resent_link_gets_its_own_reminder(settings, accountant, own_client):
    from invitations.services import resend_invitations

    settings.INVITATION_REMINDER_DAYS_BEFORE_EXPIRY = 3
    now = timezone.now()
    invitation = pending(own_client, expires_at=now + timedelta(days=1))
    assert send_due_reminders(now=now) == 1

    resend_invitations(
        accountant=accountant, firm=own_client.firm, invitation_ids=[invitation.pk], now=now
    )

    assert send_due_reminders(now=now + timedelta(days=12)) == 1
    assert send_due_reminders(now=now + timedelta(days=12, hours=1)) == 0


def test_a_link_replaced_while_its_form_was_open_does_not_accept(accountant, own_client):
    from invitations.services import (
        InvitationNotAcceptable,
        accept_invitation,
        find_invitation_by_secret,
        resend_invitations,
    )

    invitation = pending(own_client)
    opened = find_invitation_by_secret(invitation.secret)  # the person's page, still open
    now = timezone.now()
    resend_invitations(
        accountant=accountant, firm=own_client.firm, invitation_ids=[invitation.pk], now=now
    )

    with pytest.raises(InvitationNotAcceptable) as refusal:
        accept_invitation(invitation=opened, password="Ett-nytt-losenord-2026", now=now)

    assert refusal.value.reason == "expired"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
