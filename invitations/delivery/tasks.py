"""Thin tasks of the outbox: load by id, call the package's functions.

Their names stay ``invitations.tasks.*`` (where they were first defined), so that messages
already queued by an earlier release still find their task after a deploy;
``invitations.tasks`` imports them, which is also how Celery's autodiscovery finds them.
"""

from celery import shared_task
from django.utils import timezone

from . import notices, sending, sweep


def _eager() -> bool:
    return bool(send_delivery.app.conf.task_always_eager)


@shared_task(name="invitations.tasks.dispatch_deliveries", ignore_result=True)
def dispatch_deliveries(delivery_ids: list[int]) -> None:
    """Fans a batch's deliveries out to one ``send_delivery`` task each."""
    for delivery_id in delivery_ids:
        send_delivery.delay(delivery_id)


@shared_task(name="invitations.tasks.send_delivery", ignore_result=True)
def send_delivery(delivery_id: int) -> str:
    """Sends one delivery; on a transient failure, schedules the next attempt.

    Without a broker (tasks run in-process, the embedded mode) a retry is not waited for:
    the row stays pending with its ``next_attempt_at`` and ``sweep_deliveries`` takes it,
    so a request never sleeps through a back-off.
    """
    outcome = sending.send_delivery(delivery_id=delivery_id)
    if outcome.retry_in is not None and not _eager():
        # If this enqueue is lost, the row is still pending and the sweep finds it.
        send_delivery.apply_async((delivery_id,), countdown=outcome.retry_in, retry=False)
    return outcome.result


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
