"""INVITATION_VALID_DAYS decides how long every new or renewed link works (default 14)."""

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from invitations import secrets
from invitations.models import EventKind, Invitation, InvitationStatus
from invitations.services import NewUserRow, invite_new_users, resend_invitations
from tests.clients.factories import ClientCompanyFactory, ClientRightFactory
from tests.invitations.factories import InvitationFactory
from tests.invitations.links import accept_url

ROOT = Path(__file__).resolve().parents[2]


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


def _invite(accountant, firm) -> Invitation:
    client = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=client, is_system_admin=True)
    row = NewUserRow(client_id=client.pk, full_name="Vera Vecka", email="v@k.test", username="vera")
    batch = invite_new_users(
        accountant=accountant, firm=firm, rows=[row], submission_key=uuid.uuid4()
    )
    return batch.invitations.get()


@pytest.mark.django_db
def test_a_wizard_invitation_and_a_resend_last_the_configured_days(settings, accountant, firm):
    settings.INVITATION_VALID_DAYS = 5
    created = _invite(accountant, firm)
    made_at = created.events.get(kind=EventKind.CREATED).created_at
    assert created.expires_at == made_at + timedelta(days=5)

    other = ClientCompanyFactory(firm=firm)
    ClientRightFactory(accountant=accountant, client=other, is_system_admin=True)
    old = InvitationFactory(client=other, expires_at=timezone.now() + timedelta(hours=1))
    settings.INVITATION_VALID_DAYS = 30
    resent_at = timezone.now()
    resend_invitations(accountant=accountant, firm=firm, invitation_ids=[old.pk], now=resent_at)
    old.refresh_from_db()
    assert old.expires_at == resent_at + timedelta(days=30)


@pytest.mark.django_db
def test_the_link_works_until_the_configured_days_have_passed(
    settings, accountant, firm, client, monkeypatch
):
    """The person's side: the page offers the password the minute before the configured
    days are up, and says the link has lapsed (and accepts nothing) the minute after."""
    settings.INVITATION_VALID_DAYS = 3
    invitation = _invite(accountant, firm)
    made_at = invitation.events.get(kind=EventKind.CREATED).created_at
    url = accept_url(secrets.secret_for(invitation.secret_nonce))

    monkeypatch.setattr(timezone, "now", lambda: made_at + timedelta(days=3, minutes=-1))
    assert "Aktivera kontot och logga in" in client.get(url).content.decode()

    monkeypatch.setattr(timezone, "now", lambda: made_at + timedelta(days=3, minutes=1))
    assert "Länken har gått ut" in client.get(url).content.decode()
    lapsed = client.post(
        url, {"new_password1": "Kvitto-Lada-2026", "new_password2": "Kvitto-Lada-2026"}
    )
    assert "Länken har gått ut" in lapsed.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING and invitation.accepted_at is None
