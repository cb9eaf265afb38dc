"""Providers' reports on sent messages (anymail's tracking events, Twilio's callbacks).

A report names its delivery by id (in the signed callback URL, in anymail's metadata), not
only by the provider's id, so one that arrives before the worker has recorded the send is
applied; the worker's later record then keeps its status (see ``sending._record_sent``).
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from operations.log_masking import mask

from ..models import Delivery, DeliveryError, DeliveryStatus, EventKind, InvitationEvent

logger = logging.getLogger("invitations.delivery")

# What the providers' feedback does to a delivery: the new status (None: status unchanged),
# the statuses it may come from, and the event it writes.
_PROVIDER_EVENTS = {
    # Twilio's queued/sent: the provider has the message. Only news for a row still sending
    # (the worker writes the event when it records the send) or left unknown by a timeout.
    "sent": (
        DeliveryStatus.SENT,
        {DeliveryStatus.SENDING, DeliveryStatus.UNKNOWN},
        EventKind.SENT,
    ),
    "delivered": (
        DeliveryStatus.DELIVERED,
        {DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.UNKNOWN},
        EventKind.DELIVERED,
    ),
    "bounced": (
        DeliveryStatus.FAILED,
        {
            DeliveryStatus.SENDING,
            DeliveryStatus.SENT,
            DeliveryStatus.DELIVERED,
            DeliveryStatus.UNKNOWN,
        },
        EventKind.BOUNCED,
    ),
    "failed": (
        DeliveryStatus.FAILED,
        {DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.UNKNOWN},
        EventKind.FAILED,
    ),
    "complained": (None, None, EventKind.COMPLAINED),
}


def _same_message(first: str, second: str) -> bool:
    # Some providers report an RFC 5322 Message-ID without its angle brackets.
    return first.strip("<>") == second.strip("<>")


def _reported_delivery(
    *, channel: str, delivery_id: int | None, provider_message_id: str
) -> Delivery | None:
    """The delivery a report is about, locked; None when it names none of ours.

    By ``delivery_id`` when the report carries it (then a different provider id than the
    one recorded means a report about an earlier attempt: ignored), else by provider id.
    """
    deliveries = Delivery.objects.select_for_update().filter(channel=channel)
    if delivery_id is None:
        bare = provider_message_id.strip("<>")
        if not bare:  # "<>" names no message: it must not match the rows not yet sent
            return None
        return deliveries.filter(provider_message_id__in={bare, f"<{bare}>"}).first()
    delivery = deliveries.filter(pk=delivery_id).first()
    if (
        delivery is not None
        and provider_message_id
        and delivery.provider_message_id
        # While it is still sending, the row holds at most our own pre-send Message-ID.
        and delivery.status != DeliveryStatus.SENDING
        and not _same_message(delivery.provider_message_id, provider_message_id)
    ):
        logger.warning(
            "delivery %s: report about %s ignored, the delivery was sent as %s",
            delivery.pk,
            provider_message_id,
            delivery.provider_message_id,
            extra={"delivery_id": delivery.pk, "provider_message_id": provider_message_id},
        )
        return None
    return delivery


def record_provider_event(
    *,
    channel: str,
    event: str,
    provider_message_id: str = "",
    delivery_id: int | None = None,
    detail: str = "",
    now: datetime | None = None,
) -> Delivery | None:
    """Applies a provider's report ("sent", "delivered", "bounced", "failed", "complained").

    The report names its delivery by ``delivery_id`` (from the signed callback URL or the
    e-mail's metadata) or else by ``provider_message_id``; so a report that arrives while
    the worker is still sending, before it has recorded the provider's id, is applied (and
    the worker's later record keeps its status, see ``_record_sent``).

    Guarantees: a report for an unknown delivery, or about another message than the one
    recorded, changes nothing; a repeated report changes nothing and writes no second
    event; a late "delivered" or "sent" never overrides a bounce or failure, and "sent"
    never overrides "delivered". Returns the delivery when it matched one.
    """
    if event not in _PROVIDER_EVENTS or (delivery_id is None and not provider_message_id):
        return None
    now = now or timezone.now()
    new_status, from_statuses, event_kind = _PROVIDER_EVENTS[event]
    with transaction.atomic():
        delivery = _reported_delivery(
            channel=channel, delivery_id=delivery_id, provider_message_id=provider_message_id
        )
        if delivery is None:
            return None
        previous_status = delivery.status
        if new_status is None:
            already = InvitationEvent.objects.filter(
                invitation_id=delivery.invitation_id, kind=event_kind
            ).exists()
            if already:
                return delivery
        elif delivery.status not in from_statuses:
            return delivery
        else:
            delivery.status = new_status
            delivery.status_changed_at = now
            update_fields = ["status", "status_changed_at"]
            if new_status == DeliveryStatus.FAILED:
                delivery.error_code = DeliveryError.PROVIDER
                delivery.error_params = {}
                delivery.last_error = detail
                update_fields += ["error_code", "error_params", "last_error"]
            if provider_message_id and (
                previous_status == DeliveryStatus.SENDING or not delivery.provider_message_id
            ):
                # The worker may not get to record it (a failure report is final, or it
                # timed out): the row keeps the provider's id for the reports to come.
                delivery.provider_message_id = provider_message_id[:255]
                update_fields.append("provider_message_id")
            if new_status == DeliveryStatus.SENT and previous_status != DeliveryStatus.SENDING:
                # This report writes the "sent" event, so it records the time too: a slow
                # worker that comes back after the sweep then finds it and writes none.
                delivery.sent_at = now
                update_fields.append("sent_at")
            delivery.save(update_fields=update_fields)
        # The worker that still holds a sending row writes "sent" itself when it records.
        worker_records_it = (
            event_kind == EventKind.SENT and previous_status == DeliveryStatus.SENDING
        )
        if not worker_records_it:
            # Words are chosen when the history is shown, in the reader's language; the
            # provider's own text is kept as it came.
            InvitationEvent.objects.create(
                invitation_id=delivery.invitation_id,
                kind=event_kind,
                params={
                    "channel": delivery.channel,
                    "recipient": delivery.recipient,
                    "provider_text": detail[:500],
                },
                created_at=now,
            )
    logger.info(
        "delivery %s (%s, invitation %s): provider reports %s (was %s)",
        delivery.pk,
        delivery.channel,
        delivery.invitation_id,
        event,
        previous_status,
        extra={
            "invitation_id": delivery.invitation_id,
            "delivery_id": delivery.pk,
            "channel": delivery.channel,
            "outcome": event,
            "reason": mask(detail),
        },
    )
    return delivery
