"""The sweep: what a lost enqueue or a dead worker left behind is found and queued again."""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from ..models import Channel, Delivery, DeliveryError, DeliveryStatus

logger = logging.getLogger("invitations.delivery")


@dataclass
class SweepResult:
    requeue_ids: list[int] = field(default_factory=list)
    reclaimed_email: int = 0
    failed_email: int = 0
    unknown_sms: int = 0


def sweep_deliveries(*, now: datetime, limit: int = 1000) -> SweepResult:
    """Finds what a lost enqueue or a dead worker left behind; returns the ids to queue again.

    - Pending rows older than ``DELIVERY_SWEEP_AFTER`` (or whose retry was due that long
      ago) are returned for queueing; the claim makes a duplicate task harmless.
    - Rows stuck in "sending" longer than ``DELIVERY_STUCK_AFTER`` belong to a worker that
      died mid-send. An e-mail goes back to pending (a rare duplicate e-mail is better
      than a lost invitation; failed once its attempts are used up); an SMS becomes
      "unknown", because Twilio may have taken it and an SMS must not go twice.
    """
    result = SweepResult()
    stuck_before = now - settings.DELIVERY_STUCK_AFTER
    reason = {"error_code": DeliveryError.WORKER_STOPPED, "error_params": {}, "last_error": ""}
    with transaction.atomic():
        stuck = Delivery.objects.select_for_update(skip_locked=True).filter(
            status=DeliveryStatus.SENDING, claimed_at__lte=stuck_before
        )
        stuck_email = stuck.filter(channel=Channel.EMAIL)
        result.failed_email = stuck_email.filter(attempts__gte=settings.EMAIL_MAX_ATTEMPTS).update(
            status=DeliveryStatus.FAILED, **reason, status_changed_at=now
        )
        reclaimed = list(stuck_email.values_list("id", flat=True))
        result.reclaimed_email = Delivery.objects.filter(pk__in=reclaimed).update(
            status=DeliveryStatus.PENDING,
            **reason,
            next_attempt_at=None,
            status_changed_at=now,
        )
        result.unknown_sms = stuck.filter(channel=Channel.SMS).update(
            status=DeliveryStatus.UNKNOWN, **reason, status_changed_at=now
        )
    pending_before = now - settings.DELIVERY_SWEEP_AFTER
    lost = Q(next_attempt_at__isnull=True, status_changed_at__lte=pending_before) | Q(
        next_attempt_at__lte=pending_before
    )
    result.requeue_ids = reclaimed + list(
        Delivery.objects.filter(lost, status=DeliveryStatus.PENDING)
        .order_by("status_changed_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    if result.requeue_ids or result.reclaimed_email or result.unknown_sms:
        logger.info(
            "sweep: %s pending deliveries to queue again, %s e-mails reclaimed from a dead "
            "worker, %s SMS marked unknown",
            len(result.requeue_ids),
            result.reclaimed_email,
            result.unknown_sms,
            extra={
                "requeued": len(result.requeue_ids),
                "reclaimed_email": result.reclaimed_email,
                "unknown_sms": result.unknown_sms,
            },
        )
    return result
