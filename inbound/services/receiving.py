"""The first step of every inbound message, in the request or the SMTP session that
brought it: record it, once, and queue the real work.

Fast on purpose (headers only, one row and one stored file per recipient), so that a
provider's webhook answers at once and a retry of the same message finds its row.
"""

import secrets
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import default as default_policy

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from ..models import InboundAddress, InboundMessage, Outcome, Reason
from ..reading import dedup_key, header, is_automatic, recipients_at, sender_of
from ..tasks import process_inbound_message, send_inbound_reply
from .replies import decide_reply


@dataclass
class Received:
    message: InboundMessage
    created: bool  # False: the same message to the same address came before (a retry)


def receive_message(
    *,
    raw: bytes,
    channel: str,
    envelope_recipients: list[str] | None = None,
    envelope_sender: str | None = None,
    provider_verdicts: dict | None = None,
) -> list[Received]:
    """Records one message once per address of ours it is for, and queues its processing.

    Guarantees: a row for every recipient, whatever the message is (an unknown or replaced
    address, too large, unreadable: recorded as refused with that reason); the same
    Message-ID (or, without one, the same bytes) to the same address is one row, so a
    provider's retry stores nothing new; the raw message is kept only while it is needed.
    """
    domain = settings.INBOUND_EMAIL_DOMAIN
    head = BytesParser(policy=default_policy).parsebytes(raw[: 256 * 1024], headersonly=True)
    recipients = [
        address.strip().lower()
        for address in envelope_recipients or []
        if domain and address.strip().lower().endswith("@" + domain)
    ]
    if not recipients:
        recipients = (recipients_at(head, domain) if domain else []) or [
            (envelope_recipients or [header(head, "To")] or [""])[0].strip().lower()[:320]
        ]
    sender, sender_name = sender_of(head)
    message_id = header(head, "Message-ID")[:998]
    common = {
        "sender": sender,
        "sender_name": sender_name,
        "subject": header(head, "Subject")[:1000],
        "message_id": message_id,
        "dedup_key": dedup_key(message_id, raw),
        "channel": channel,
        "size": len(raw),
        "provider_verdicts": provider_verdicts or {},
        "automatic": is_automatic(head, envelope_sender),
    }
    results = []
    for recipient in recipients:
        received = _record(recipient=recipient, raw=raw, **common)
        if received.created and received.message.outcome == Outcome.RECEIVED:
            process_inbound_message.delay_on_commit(received.message.pk)
        if received.created and received.message.reason == Reason.ADDRESS_REPLACED:
            if decide_reply(message=received.message, bounce=True):
                send_inbound_reply.delay_on_commit(received.message.pk)
        results.append(received)
    return results


def _record(*, recipient: str, raw: bytes, **fields) -> Received:
    existing = InboundMessage.objects.filter(
        recipient=recipient, dedup_key=fields["dedup_key"]
    ).first()
    if existing is not None:
        return Received(existing, created=False)
    address = _address(recipient)
    message = InboundMessage(
        recipient=recipient,
        address=address,
        client_id=address.client_id if address else None,
        token=secrets.token_urlsafe(24),
        **fields,
    )
    if address is None:
        message.outcome, message.reason = Outcome.REJECTED, Reason.UNKNOWN_ADDRESS
    elif address.replaced_at is not None:
        message.outcome, message.reason = Outcome.REJECTED, Reason.ADDRESS_REPLACED
    elif len(raw) > settings.INBOUND_MAX_MESSAGE_BYTES:
        message.outcome, message.reason = Outcome.REJECTED, Reason.TOO_LARGE
        message.details = {"size": len(raw), "max": settings.INBOUND_MAX_MESSAGE_BYTES}
    if message.outcome == Outcome.RECEIVED:
        message.raw.save("", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # The same message to the same address, recorded a moment ago by a parallel retry.
        if message.raw:
            message.raw.delete(save=False)
        return Received(
            InboundMessage.objects.get(recipient=recipient, dedup_key=fields["dedup_key"]),
            created=False,
        )
    return Received(message, created=True)


def _address(recipient: str) -> InboundAddress | None:
    local_part, _, domain = recipient.partition("@")
    if not settings.INBOUND_EMAIL_DOMAIN or domain != settings.INBOUND_EMAIL_DOMAIN:
        return None
    # Providers and MTAs may keep a "+tag"; the address is what comes before it.
    local_part = local_part.split("+", 1)[0]
    return InboundAddress.objects.filter(local_part=local_part).first()


def refuse_unreadable_delivery(*, channel: str, size: int, reason: str) -> InboundMessage:
    """Records a delivery that could not even be read (too large for the web server to take,
    or not a message at all), so that nothing is dropped without a record."""
    return InboundMessage.objects.create(
        recipient="",
        token=secrets.token_urlsafe(24),
        dedup_key=secrets.token_hex(32),
        channel=channel,
        size=size,
        outcome=Outcome.REJECTED,
        reason=reason,
        details={"size": size, "max": settings.INBOUND_MAX_MESSAGE_BYTES},
    )
