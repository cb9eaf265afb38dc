"""INVITATION_RENEWAL=notify: the accountant's e-mail is sent by a worker, never in the request.

Tasks go through the real Redis broker here (not in-process), so a notice sent inside the
request would show in the outbox before any worker ran.
"""

import base64
import json
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from invitations.models import EventKind
from tests.accounts.factories import UserFactory
from tests.invitations.factories import InvitationFactory
from tests.invitations.links import renew_url

from .conftest import wait_until


def _queued_tasks(app) -> list[tuple[str, list]]:
    """The tasks waiting in the broker's default queue, as (name, args)."""
    with app.connection_for_write() as connection:
        raw = connection.default_channel.client.lrange("celery", 0, -1)
    queued = []
    for message in map(json.loads, raw):
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        queued.append((message["headers"]["task"], args))
    return queued


@pytest.mark.django_db(transaction=True)
def test_notify_mode_queues_the_notice_and_only_a_worker_sends_it(with_broker, client, settings):
    settings.INVITATION_RENEWAL = "notify"
    invitation = InvitationFactory(
        user=UserFactory(password=None, is_active=False),
        expires_at=timezone.now() - timedelta(days=1),
    )

    response = client.post(renew_url(invitation.secret))

    assert response.status_code == 302
    assert mail.outbox == []  # the request sent nothing …
    assert _queued_tasks(with_broker) == [
        ("invitations.tasks.notify_renewal_requested", [invitation.pk])
    ]  # … it queued the notice
    assert invitation.events.filter(kind=EventKind.RENEWAL_REQUESTED).count() == 1

    with start_worker(with_broker, pool="solo", perform_ping_check=False, shutdown_timeout=5):
        wait_until(lambda: mail.outbox, timeout=15)

    (notice,) = mail.outbox
    assert notice.to == [invitation.invited_by.email]
    assert invitation.user.email in notice.body
    assert _queued_tasks(with_broker) == []
