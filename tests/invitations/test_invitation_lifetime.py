"""INVITATION_VALID_DAYS decides how long every new or renewed link works (default 14)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from invitations.models import Invitation
from invitations.services import NewUserRow, invite_new_users, resend_invitations
from tests.clients.factories import ClientCompanyFactory, ClientRightFactory
from tests.invitations.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def days_left(invitation: Invitation) -> float:
    return (invitation.expires_at - timezone.now()) / timedelta(days=1)


def test_the_default_is_fourteen_days(settings):
    assert settings.INVITATION_VALID_DAYS == 14


def test_a_wizard_invitation_and_a_resend_last_the_configured_days(settings, accountant, firm):
    settings.INVITATION_VALID_DAYS = 5
    client = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=client, is_system_admin=True)

    batch = invite_new_users(
        accountant=accountant,
        firm=firm,
        rows=[
            NewUserRow(
                client_id=client.pk, full_name="Vera Vecka", email="v@k.test", username="vera"
            )
        ],
        submission_key=uuid.uuid4(),
    )
    created = batch.invitations.get()
    assert 4.99 < days_left(created) <= 5

    other = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=other, is_system_admin=True)
    old = InvitationFactory(client=other, expires_at=timezone.now() + timedelta(hours=1))
    settings.INVITATION_VALID_DAYS = 30
    resend_invitations(
        accountant=accountant, firm=firm, invitation_ids=[old.pk], now=timezone.now()
    )
    old.refresh_from_db()
    assert 29.99 < days_left(old) <= 30
