"""Once means once, also when two requests or two scheduler runs arrive at the same moment."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from invitations.models import Delivery, EventKind, InvitationEvent, InvitationStatus
from invitations.services import InvitationNotAcceptable, accept_invitation, send_due_reminders
from tests.accounts.factories import UserFactory
from tests.invitations.factories import InvitationFactory


def run_together(count, work):
    """Runs ``work(i)`` in ``count`` threads released at once; returns results or errors."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = work(i)
        except Exception as error:  # the outcome is what the test asserts
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_accept_once():
    invitation = InvitationFactory(user=UserFactory(password=None, is_active=False))

    outcomes = run_together(
        4,
        lambda i: accept_invitation(
            invitation=invitation, password=f"Parallell-{i}-2026", now=timezone.now()
        ),
    )

    refused = [o for o in outcomes if isinstance(o, InvitationNotAcceptable)]
    assert len(refused) == 3 and {o.reason for o in refused} == {InvitationStatus.ACCEPTED}
    assert InvitationEvent.objects.filter(kind=EventKind.ACCEPTED).count() == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_overlapping_reminder_runs_remind_once(settings):
    settings.INVITATION_REMINDER_DAYS_BEFORE_EXPIRY = 3
    now = timezone.now()
    InvitationFactory.create_batch(5, expires_at=now + timedelta(days=1))

    outcomes = run_together(3, lambda i: send_due_reminders(now=now))

    assert sum(outcomes) == 5
    assert Delivery.objects.filter(purpose="reminder").count() == 5
    assert InvitationEvent.objects.filter(kind=EventKind.REMINDED).count() == 5
