"""The outbox rows an invitation promises, and queueing them (and a renewal notice) after commit.

The services write the rows in their own transaction and call ``enqueue_deliveries``; the
tasks are only published once that transaction has committed, so a rollback sends nothing.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from operations.bulk_insert import insert_columns

from ..models import Channel, Delivery, DeliveryPurpose, DeliveryStatus, Invitation
from .tasks import dispatch_deliveries, notify_renewal_requested


def promise_deliveries(
    invitations: list[Invitation], *, purpose: str = DeliveryPurpose.INVITATION
) -> list[int]:
    """Writes the outbox rows ``invitations`` (saved, their users at hand) promise, one
    statement for all: e-mail always, SMS to a mobile number (unless SMS_ENABLED is off).
    Returns their ids, to be queued by ``enqueue_deliveries``."""
    invitation_ids, channels, recipients = [], [], []
    for invitation in invitations:
        user = invitation.user
        invitation_ids.append(invitation.pk)
        channels.append(Channel.EMAIL)
        recipients.append(user.email)
        mobile = str(user.mobile)  # formatted once: each look at a PhoneNumber validates it
        if mobile and settings.SMS_ENABLED:
            invitation_ids.append(invitation.pk)
            channels.append(Channel.SMS)
            recipients.append(mobile)
    return insert_columns(
        Delivery,
        invitation_id=invitation_ids,
        channel=channels,
        recipient=recipients,
        purpose=purpose,
    )


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Queues one task for the whole set once the surrounding transaction commits.

    One broker round trip per batch; the worker fans out. If the broker is down the commit
    still stands (``robust``): the rows stay pending and the sweep queues them again.
    """
    ids = list(delivery_ids)
    if ids:
        # retry=False: with Redis down, fail within a second instead of holding the request.
        transaction.on_commit(
            lambda: dispatch_deliveries.apply_async((ids,), retry=False), robust=True
        )


def enqueue_renewal_notice(invitation_id: int) -> None:
    """Queues the e-mail telling the inviting accountant that a lapsed link's holder asked
    for a new one, once the surrounding transaction commits (a worker sends it: the public
    page never waits for a mail server)."""
    transaction.on_commit(
        lambda: notify_renewal_requested.apply_async((invitation_id,), retry=False), robust=True
    )


def retry_deliveries(*, deliveries: QuerySet, now: datetime | None = None) -> list[int]:
    """Gives failed or unknown deliveries a fresh set of attempts and queues them.

    For an operator who has fixed the cause (or, for an "unknown" SMS, checked in Twilio's
    console that it never left). Rows in any other status are left alone. Returns the ids.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            deliveries.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN])
            .select_for_update()
            .values_list("id", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=None,
            claimed_at=None,
            error_code="",
            error_params={},
            last_error="",
            status_changed_at=now,
        )
        enqueue_deliveries(ids)
    return ids
