"""Correcting a pending or lapsed invitation: the wizard's checks, a new link, an event."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from invitations import secrets
from invitations.models import Delivery, EventKind, InvitationStatus
from tests.accounts.factories import UserFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.invitations.factories import DeliveryFactory, InvitationFactory
from tests.invitations.links import accept_url


@pytest.fixture
def own_client(firm, accountant):
    client_company = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=client_company, is_system_admin=True)
    return client_company


def pending(client_company, **kwargs):
    user = UserFactory(
        password=None,
        is_active=False,
        full_name="Maja Mansson",
        email="maja@fel.example",
        mobile="+46701112233",
    )
    ClientMembershipFactory(client=client_company, user=user)
    return InvitationFactory(user=user, client=client_company, **kwargs)


def correct_url(invitation):
    return reverse("invitations:correct", args=[invitation.pk])


FIXED = {"full_name": "Maja Månsson", "email": "maja@ratt.example", "mobile": "", "language": "sv"}


def test_the_form_shows_the_current_details(accountant_client, own_client):
    invitation = pending(own_client)

    page = accountant_client.get(correct_url(invitation)).content.decode()

    assert 'value="Maja Mansson"' in page
    assert 'value="maja@fel.example"' in page
    assert 'value="+46701112233"' in page
    assert "Spara och skicka igen" in page


def test_a_correction_changes_the_user_sends_a_new_link_and_kills_the_old_one(
    accountant_client, accountant, own_client, django_capture_on_commit_callbacks
):
    invitation = pending(own_client, expires_at=timezone.now() - timedelta(days=2))
    old_secret = invitation.secret
    waiting_sms = DeliveryFactory(
        invitation=invitation, channel="sms", recipient="+46701112233", status="pending"
    )

    with django_capture_on_commit_callbacks() as callbacks:
        response = accountant_client.post(correct_url(invitation), FIXED, follow=True)

    assert response.redirect_chain[-1][0] == reverse("invitations:detail", args=[invitation.pk])
    page = response.content.decode()
    assert "Uppgifterna är rättade" in page
    invitation.refresh_from_db()
    user = invitation.user
    user.refresh_from_db()
    assert (user.full_name, user.email, str(user.mobile)) == (
        "Maja Månsson",
        "maja@ratt.example",
        "",
    )
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert accountant_client.get(accept_url(old_secret)).status_code == 404
    assert (
        accountant_client.get(accept_url(secrets.secret_for(invitation.secret_nonce))).status_code
        == 200
    )
    # The SMS that still waited would have carried the new link to the old number.
    waiting_sms.refresh_from_db()
    assert (waiting_sms.status, waiting_sms.error_code) == ("failed", "corrected")
    new = Delivery.objects.filter(invitation=invitation, status="pending")
    assert list(new.values_list("channel", "recipient")) == [("email", "maja@ratt.example")]
    assert len(callbacks) == 1
    [event] = invitation.events.filter(kind=EventKind.CORRECTED)
    assert event.actor == accountant
    assert event.params == {
        "changes": [
            {"field": "full_name", "old": "Maja Mansson", "new": "Maja Månsson"},
            {"field": "email", "old": "maja@fel.example", "new": "maja@ratt.example"},
            {"field": "mobile", "old": "+46701112233", "new": ""},
        ]
    }
    # The history says so, in the reader's language.
    assert "Uppgifter rättade" in page
    assert "E-post: maja@fel.example → maja@ratt.example" in page
    assert "Mobilnummer: +46701112233 → –" in page
    accountant_client.post(reverse("set_language"), {"language": "en"})
    english = accountant_client.get(reverse("invitations:detail", args=[invitation.pk]))
    english = english.content.decode()
    assert "Details corrected" in english
    assert "E-mail: maja@fel.example → maja@ratt.example" in english


def test_the_wizards_checks_hold_and_nothing_is_written(accountant_client, own_client):
    invitation = pending(own_client)
    UserFactory(email="Upptagen@Example.test")
    before = invitation.secret_hash

    response = accountant_client.post(
        correct_url(invitation),
        {"full_name": "", "email": "inte-en-adress", "mobile": "08-123 456 78", "language": "xx"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ange användarens namn." in page
    assert "Ange en giltig e-postadress" in page
    assert "Numret är inte ett mobilnummer" in page
    assert "Välj svenska eller engelska som språk." in page

    taken = accountant_client.post(
        correct_url(invitation), {**FIXED, "email": "upptagen@example.TEST"}
    ).content.decode()
    assert "Det finns redan en användare med den här e-postadressen." in taken

    invitation.refresh_from_db()
    invitation.user.refresh_from_db()
    assert invitation.secret_hash == before
    assert invitation.user.email == "maja@fel.example"
    assert not invitation.events.exists()
    assert not Delivery.objects.exists()


def test_a_correction_that_changes_nothing_says_so(accountant_client, own_client):
    invitation = pending(own_client)

    page = accountant_client.post(
        correct_url(invitation),
        {"full_name": "Maja Mansson", "email": "maja@fel.example", "mobile": "070-111 22 33"},
    ).content.decode()

    assert "Du har inte ändrat något." in page
    assert not invitation.events.exists()


@pytest.mark.parametrize("status", ["accepted", "revoked"])
def test_accepted_or_revoked_invitations_cannot_be_corrected(accountant_client, own_client, status):
    invitation = pending(own_client, status=status)

    response = accountant_client.post(correct_url(invitation), FIXED, follow=True)

    assert "Bara en inbjudan som väntar på svar eller har gått ut kan rättas" in (
        response.content.decode()
    )
    invitation.user.refresh_from_db()
    assert invitation.user.email == "maja@fel.example"


def test_without_the_system_administrator_right_nothing_changes(
    accountant_client, accountant, firm
):
    client_company = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=client_company, is_system_admin=False)
    invitation = pending(client_company)

    accountant_client.post(correct_url(invitation), FIXED)

    invitation.user.refresh_from_db()
    assert invitation.user.email == "maja@fel.example"
    detail = accountant_client.get(reverse("invitations:detail", args=[invitation.pk]))
    assert correct_url(invitation) not in detail.content.decode()


def test_another_firms_invitation_is_not_found(accountant_client):
    invitation = pending(ClientCompanyFactory())

    assert accountant_client.get(correct_url(invitation)).status_code == 404
    assert accountant_client.post(correct_url(invitation), FIXED).status_code == 404


def test_the_detail_page_offers_the_correction_for_an_expired_invitation(
    accountant_client, own_client
):
    invitation = pending(own_client, expires_at=timezone.now() - timedelta(days=1))

    page = accountant_client.get(reverse("invitations:detail", args=[invitation.pk]))

    assert correct_url(invitation) in page.content.decode()
    assert "Länken gick ut" in page.content.decode()


def test_the_service_refuses_a_user_with_a_password_of_their_own(accountant, firm, own_client):
    from invitations.services import Correction, CorrectionRefused, correct_invitation

    invitation = pending(own_client)
    invitation.user.set_password("ett-eget-lösenord-1")
    invitation.user.save()

    with pytest.raises(CorrectionRefused), translation.override("sv"):
        correct_invitation(
            accountant=accountant,
            firm=firm,
            invitation_id=invitation.pk,
            correction=Correction(**FIXED),
            now=timezone.now(),
        )
    assert not invitation.events.exists()
