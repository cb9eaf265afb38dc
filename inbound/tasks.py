"""Thin tasks of inbound mail: load by id, call a service."""

from celery import shared_task
from django.utils import timezone

from .models import InboundMessage, Outcome, ReplyStatus
from .services.processing import process_message
from .services.replies import send_reply


@shared_task(name="inbound.tasks.process_inbound_message", ignore_result=True)
def process_inbound_message(message_id: int) -> None:
    """Turns one recorded message into underlag, quarantine or a recorded refusal, then
    queues the reply to its sender when one is due (``send_reply`` claims it, so a second
    queueing sends nothing)."""
    message = process_message(message_id=message_id)
    if message is not None and message.reply_status == ReplyStatus.PENDING:
        send_inbound_reply.delay(message.pk)


REPLY_MAX_RETRIES = 5


@shared_task(
    name="inbound.tasks.send_inbound_reply",
    bind=True,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=REPLY_MAX_RETRIES,
)
def send_inbound_reply(self, message_id: int) -> None:
    """Sends the reply queued for one message; connection errors are retried with back-off."""
    send_reply(message_id=message_id, last_attempt=self.request.retries >= REPLY_MAX_RETRIES)


@shared_task(name="inbound.tasks.sweep_inbound_messages", ignore_result=True)
def sweep_inbound_messages() -> int:
    """Queues again messages that stayed unprocessed (a lost enqueue); Celery beat."""
    from django.conf import settings

    stale = list(
        InboundMessage.objects.filter(
            outcome=Outcome.RECEIVED,
            received_at__lt=timezone.now() - settings.INBOUND_SWEEP_AFTER,
        ).values_list("pk", flat=True)[:1000]
    )
    for message_id in stale:
        process_inbound_message.delay(message_id)
    return len(stale)
