"""Thin tasks of the outbox: load by id, call the package's functions.

Their names are ``invitations.tasks.*`` (where they were first defined), so that messages
already queued by an earlier release still find their task after a deploy;
``invitations.tasks`` imports them, which is also how Celery's autodiscovery finds them.

E-mail and SMS chunks go to queues of their own ("email", "sms"; ``CELERY_TASK_ROUTES``),
so a text never waits behind a large e-mail batch, and a machine can run workers for one
channel only; everything else runs on the default queue.
"""

from celery import shared_task
from django.utils import timezone

from ..models import Channel
from . import notices, sending, sweep


def _eager() -> bool:
    return bool(send_email_deliveries.app.conf.task_always_eager)


@shared_task(name="invitations.tasks.dispatch_deliveries", ignore_result=True)
def dispatch_deliveries(delivery_ids: list[int]) -> None:
    """Splits a batch's deliveries into chunks of one channel, one task each."""
    for channel, chunk in sending.chunks_by_channel(delivery_ids):
        _chunk_task(channel).delay(chunk)


def _chunk_task(channel: str):
    return send_sms_deliveries if channel == Channel.SMS else send_email_deliveries


def _send_chunk(delivery_ids: list[int]) -> dict[str, int]:
    """Sends a chunk; what failed for now is queued again once all of it is due.

    Without a broker (tasks run in-process, the embedded mode) a retry is not waited for:
    the rows stay pending with their ``next_attempt_at`` and the sweep takes them, so a
    request never sleeps through a back-off.
    """
    outcome = sending.send_deliveries(delivery_ids=delivery_ids)
    if not _eager():
        for channel, (ids, delay) in outcome.retries().items():
            # If this enqueue is lost, the rows are still pending and the sweep finds them.
            _chunk_task(channel).apply_async((ids,), countdown=delay, retry=False)
    counts: dict[str, int] = {}
    for result in outcome.outcomes.values():
        counts[result.result] = counts.get(result.result, 0) + 1
    return counts


@shared_task(name="invitations.tasks.send_email_deliveries", ignore_result=True)
def send_email_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    """Sends a chunk of e-mail deliveries over one connection (queue "email")."""
    return _send_chunk(delivery_ids)


@shared_task(name="invitations.tasks.send_sms_deliveries", ignore_result=True)
def send_sms_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    """Sends a chunk of SMS deliveries through one Twilio client (queue "sms")."""
    return _send_chunk(delivery_ids)


@shared_task(name="invitations.tasks.send_delivery", ignore_result=True)
def send_delivery(delivery_id: int) -> dict[str, int]:
    """Sends one delivery: the task of earlier releases, kept for messages already queued
    (and a chunk of one for anyone who asks for one)."""
    return _send_chunk([delivery_id])


@shared_task(name="invitations.tasks.sweep_pending_deliveries", ignore_result=True)
def sweep_pending_deliveries() -> int:
    """Queues again what a lost enqueue or a dead worker left behind (Celery beat, each minute)."""
    result = sweep.sweep_deliveries(now=timezone.now())
    if result.requeue_ids:
        dispatch_deliveries.delay(result.requeue_ids)
    return len(result.requeue_ids)


@shared_task(name="invitations.tasks.notify_renewal_requested", ignore_result=True)
def notify_renewal_requested(invitation_id: int) -> None:
    """Tells the inviting accountant that a lapsed link's holder asked for a new one."""
    notices.notify_accountant_of_renewal(invitation_id=invitation_id)
