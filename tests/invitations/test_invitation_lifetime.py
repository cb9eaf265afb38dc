"""INVITATION_VALID_DAYS decides how long every new or renewed link works (default 14)."""

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from invitations.models import Invitation
from invitations.services import NewUserRow, invite_new_users, resend_invitations
from tests.clients.factories import ClientCompanyFactory, ClientRightFactory
from tests.invitations.factories import InvitationFactory

ROOT = Path(__file__).resolve().parents[2]


def days_left(invitation: Invitation) -> float:
    return (invitation.expires_at - timezone.now()) / timedelta(days=1)


def test_without_the_variable_a_link_lasts_fourteen_days():
    """The README's default, whatever the environment of this test run says.

    The settings are read once per process, so a process of its own reads them without
    INVITATION_VALID_DAYS and asks the code that dates every new link.
    """
    environment = {k: v for k, v in os.environ.items() if k != "INVITATION_VALID_DAYS"}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    script = (
        "import django; django.setup()\n"
        "from datetime import UTC, datetime\n"
        "from invitations.links import invitation_expiry\n"
        "now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)\n"
        "print((invitation_expiry(now) - now).total_seconds())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert float(done.stdout) == timedelta(days=14).total_seconds()


@pytest.mark.django_db
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
