"""The invitations app's tasks, all under the names ``invitations.tasks.*``.

The outbox's own tasks live in ``invitations.delivery.tasks`` and are imported here, which
keeps their old import path and lets Celery's autodiscovery (which reads ``<app>.tasks``)
register them. The reminders' rules are the services'.
"""

from celery import shared_task
from django.utils import timezone

from . import services
from .delivery.tasks import (
    dispatch_deliveries,
    notify_renewal_requested,
    send_delivery,
    send_email_deliveries,
    send_sms_deliveries,
    sweep_pending_deliveries,
)

__all__ = [
    "dispatch_deliveries",
    "notify_renewal_requested",
    "send_delivery",
    "send_email_deliveries",
    "send_invitation_reminders",
    "send_sms_deliveries",
    "sweep_pending_deliveries",
]


@shared_task(ignore_result=True)
def send_invitation_reminders() -> None:
    """The once-only reminder before expiry (Celery beat); the rules are the service's."""
    services.send_due_reminders(now=timezone.now())
