"""Sending the promised messages (the outbox rows, ``Delivery``), once each.

A worker claims a row with one conditional UPDATE (pending → sending, only when due), sends
it outside any transaction, then records the outcome with another conditional UPDATE that
only matches its own claim. A redelivered or duplicated task finds nothing to claim.

A provider's report may arrive before the worker has recorded the send (Twilio can post its
status callback before the SDK call returns): the worker's "sent" only moves the row
forward, so a "delivered" that came first stays (see ``reports``).

- E-mail is retried with exponential back-off and jitter on transient errors (no
  connection, timeouts, SMTP 4xx, a provider's 5xx) up to ``EMAIL_MAX_ATTEMPTS``; a refused
  or invalid address fails at once.
- An SMS is retried only when the request surely never left (see ``sms``) or Twilio
  answered 429 (after its Retry-After); after a timeout, a dropped connection or a 5xx it
  may have left, so it becomes "unknown" for an operator instead of a duplicate.

Every attempt writes one log line (logger ``invitations.delivery``) with the invitation,
delivery, channel, attempt and outcome in ``extra``.
"""

import logging
import random
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from anymail.exceptions import (
    AnymailAPIError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone

from ..models import (
    Channel,
    Delivery,
    DeliveryError,
    DeliveryStatus,
    EventKind,
    Invitation,
    InvitationEvent,
    InvitationStatus,
)
from . import messages, sms

logger = logging.getLogger("invitations.delivery")

SENT = "sent"
RETRY = "retry"
FAILED = "failed"
UNKNOWN = "unknown"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Outcome:
    """What one ``send_delivery`` call did; ``retry_in`` (seconds) when it should run again."""

    result: str
    retry_in: float | None = None


@dataclass(frozen=True)
class Reason:
    """Why a delivery did not go, as it is stored: a ``DeliveryError`` code and its
    parameters, which a page puts into the reader's words (``invitations.event_text``),
    and ``text``, what the provider or the library answered, kept as it came."""

    code: str
    text: str = ""
    params: dict = field(default_factory=dict)

    def delivery_fields(self) -> dict:
        return {"error_code": self.code, "error_params": self.params, "last_error": self.text}

    def event_params(self, delivery: Delivery) -> dict:
        return {
            "channel": delivery.channel,
            "recipient": delivery.recipient,
            "error": self.code,
            "error_params": self.params,
            "provider_text": self.text[:500],
        }


class SendFailure(Exception):
    """Why one attempt did not send; ``reason`` (the provider's words) and ``code`` (a
    ``DeliveryError``) are recorded on the delivery."""

    def __init__(
        self,
        reason: str,
        *,
        code: str = DeliveryError.PROVIDER,
        retry_after: float | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.retry_after = retry_after

    def recorded(self) -> Reason:
        return Reason(self.code, self.reason)


class TransientFailure(SendFailure):
    """Nothing left: try again later (after ``retry_after`` seconds when the provider said)."""


class PermanentFailure(SendFailure):
    """The provider refused it for good: trying again cannot help."""


class OutcomeUnknown(SendFailure):
    """It may have left: only an operator can tell whether to send it again."""


def backoff_seconds(attempt: int) -> float:
    """Exponential back-off with jitter: about base·2^(attempt−1), capped, never below half."""
    ceiling = min(
        settings.DELIVERY_RETRY_MAX_SECONDS,
        settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1),
    )
    return random.uniform(ceiling / 2, ceiling)


def _max_attempts(channel: str) -> int:
    return settings.EMAIL_MAX_ATTEMPTS if channel == Channel.EMAIL else settings.SMS_MAX_ATTEMPTS


def claim_delivery(*, delivery_id: int, now: datetime) -> Delivery | None:
    """Takes the row for this worker if it is pending and due; None when there is nothing."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = Delivery.objects.filter(due, pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=now,
        status_changed_at=now,
        # A new message: an earlier attempt's id must not make its reports look wrong, and
        # its send is not recorded yet.
        provider_message_id="",
        sent_at=None,
    )
    if not claimed:
        return None
    return Delivery.objects.select_related(
        "invitation__user", "invitation__client__firm", "invitation__invited_by"
    ).get(pk=delivery_id)


def _smtp_reason(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return f"SMTP {code} {text}".strip()


def _send_email(delivery: Delivery) -> str:
    """Sends the e-mail; returns the provider's message id. Raises one of the failures."""
    message = messages.invitation_email(delivery)
    # Stored before sending, so that a report naming our own Message-ID (plain SMTP, or a
    # provider that keeps it) can never arrive before the row knows it.
    _own_claim(delivery).update(provider_message_id=message.extra_headers["Message-ID"])
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        reason = "; ".join(
            f"{address}: {_smtp_reason(code, text)}"
            for address, (code, text) in error.recipients.items()
        )
        if codes and all(400 <= code < 500 for code in codes):
            raise TransientFailure(reason) from error
        raise PermanentFailure(reason) from error
    except smtplib.SMTPResponseException as error:
        reason = _smtp_reason(error.smtp_code, error.smtp_error)
        if 400 <= error.smtp_code < 500 or error.smtp_code < 0:
            raise TransientFailure(reason) from error
        raise PermanentFailure(reason) from error
    except (AnymailRecipientsRefused, AnymailInvalidAddress) as error:
        raise PermanentFailure(f"{error} ({delivery.recipient})") from error
    except AnymailAPIError as error:
        status = error.status_code
        if status is None or status >= 500 or status == 429:
            raise TransientFailure(str(error)) from error
        raise PermanentFailure(str(error)) from error
    except (smtplib.SMTPException, OSError) as error:
        # No connection, a timeout, a dropped connection: nothing was accepted yet.
        raise TransientFailure(f"{type(error).__name__}: {error}") from error
    status = getattr(message, "anymail_status", None)
    if status is not None and status.status and status.status <= {"invalid", "rejected", "failed"}:
        raise PermanentFailure(f"{', '.join(sorted(status.status))}: {delivery.recipient}")
    if status is not None and status.message_id is not None:
        return str(status.message_id)
    return message.extra_headers["Message-ID"]


def _send_sms(delivery: Delivery) -> str:
    text = messages.invitation_sms(delivery)
    try:
        return sms.send_sms(to=text.to, body=text.body, delivery_id=delivery.pk).provider_message_id
    except sms.SmsNotSent as error:
        raise TransientFailure(
            error.reason, code=error.code, retry_after=error.retry_after
        ) from error
    except sms.SmsRejected as error:
        raise PermanentFailure(error.reason, code=error.code) from error
    except sms.SmsOutcomeUnknown as error:
        raise OutcomeUnknown(error.reason, code=error.code) from error


def _log(
    delivery: Delivery,
    outcome: str,
    message: str,
    *,
    level=logging.INFO,
    exc_info: bool = False,
    **extra,
):
    logger.log(
        level,
        "delivery %s (%s, invitation %s) attempt %s: %s",
        delivery.pk,
        delivery.channel,
        delivery.invitation_id,
        delivery.attempts,
        message,
        extra={
            "invitation_id": delivery.invitation_id,
            "delivery_id": delivery.pk,
            "channel": delivery.channel,
            "purpose": delivery.purpose,
            "attempt": delivery.attempts,
            "outcome": outcome,
            **extra,
        },
        exc_info=exc_info,
    )


def _own_claim(delivery: Delivery) -> QuerySet:
    """The row, as long as it is still this worker's claim (the sweep may have taken it)."""
    return Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=delivery.claimed_at
    )


def _record_sent(delivery: Delivery, provider_message_id: str, now: datetime) -> None:
    """Records the send on this worker's claim, moving its status only forward.

    The provider may have reported "sent" or "delivered" while the row was still sending: that
    later status stays, and the send itself (provider id, time, event) is recorded all the
    same, unless a report has recorded it already (``sent_at``). A bounce or failure reported
    by then is final and is left as it is.
    """
    sending = Q(status=DeliveryStatus.SENDING)
    with transaction.atomic():
        recorded = Delivery.objects.filter(
            pk=delivery.pk,
            claimed_at=delivery.claimed_at,
            status__in=[DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.DELIVERED],
            sent_at__isnull=True,
        ).update(
            status=Case(When(sending, then=Value(DeliveryStatus.SENT)), default=F("status")),
            status_changed_at=Case(When(sending, then=Value(now)), default=F("status_changed_at")),
            provider_message_id=provider_message_id[:255],
            sent_at=now,
            next_attempt_at=None,
            error_code="",
            error_params={},
            last_error="",
        )
        if not recorded:
            return
        Invitation.objects.filter(pk=delivery.invitation_id).update(last_sent_at=now)
        InvitationEvent.objects.create(
            invitation_id=delivery.invitation_id,
            kind=EventKind.SENT,
            params={
                "channel": delivery.channel,
                "recipient": delivery.recipient,
                "purpose": delivery.purpose,
            },
            created_at=now,
        )


def _record_failed(delivery: Delivery, reason: Reason, now: datetime) -> None:
    with transaction.atomic():
        recorded = _own_claim(delivery).update(
            status=DeliveryStatus.FAILED,
            **reason.delivery_fields(),
            next_attempt_at=None,
            status_changed_at=now,
        )
        if not recorded:
            return
        InvitationEvent.objects.create(
            invitation_id=delivery.invitation_id,
            kind=EventKind.FAILED,
            params=reason.event_params(delivery),
            created_at=now,
        )


def _record_unknown(delivery: Delivery, reason: Reason, now: datetime) -> None:
    _own_claim(delivery).update(
        status=DeliveryStatus.UNKNOWN,
        **reason.delivery_fields(),
        next_attempt_at=None,
        status_changed_at=now,
    )


def _record_retry(delivery: Delivery, reason: Reason, delay: float, now: datetime) -> None:
    _own_claim(delivery).update(
        status=DeliveryStatus.PENDING,
        **reason.delivery_fields(),
        next_attempt_at=now + timedelta(seconds=delay),
        status_changed_at=now,
    )


def _reason_not_to_send(delivery: Delivery) -> Reason | None:
    """Why a claimed delivery must not go out, or None when it should."""
    invitation = delivery.invitation
    if invitation.status != InvitationStatus.PENDING:
        return Reason(DeliveryError.INVITATION_CLOSED, params={"status": invitation.status})
    # A resend (or reminder) while this one still waited for a retry: both would carry the
    # same, current link, so only the newest goes and the person gets one message.
    newer = Delivery.objects.filter(
        invitation_id=delivery.invitation_id, channel=delivery.channel, pk__gt=delivery.pk
    ).exists()
    if newer:
        return Reason(DeliveryError.SUPERSEDED)
    return None


def _give_up(
    delivery: Delivery, outcome: str, recorded: Reason, message: str, *, level: int, **log
) -> Outcome:
    """Records a delivery that is not tried again: ``FAILED``, or ``UNKNOWN`` for an
    operator, with the reason ``recorded``; and logs ``message``."""
    record = _record_failed if outcome == FAILED else _record_unknown
    record(delivery, recorded, timezone.now())
    _log(delivery, outcome, message, level=level, **log)
    return Outcome(outcome)


def _try_again(delivery: Delivery, recorded: Reason, delay: float, message: str, **log) -> Outcome:
    """Leaves the delivery pending, with the reason ``recorded``, until ``delay`` seconds
    from now; and logs ``message``."""
    _record_retry(delivery, recorded, delay, timezone.now())
    _log(delivery, RETRY, message, retry_in=delay, **log)
    return Outcome(RETRY, retry_in=delay)


def send_delivery(*, delivery_id: int) -> Outcome:
    """Sends one delivery if it is pending and due, and records what happened.

    Guarantees: at most one worker sends a given attempt (the claim); the outcome is
    recorded only on the row this call claimed; a transient failure leaves the row pending
    with ``next_attempt_at`` and returns ``retry_in`` for the caller to schedule; a
    permanent one marks it failed with the reason; an SMS that may have left is "unknown".
    """
    now = timezone.now()
    delivery = claim_delivery(delivery_id=delivery_id, now=now)
    if delivery is None:
        logger.info(
            "delivery %s: nothing to claim (already taken, done or not yet due)",
            delivery_id,
            extra={"delivery_id": delivery_id, "outcome": SKIPPED},
        )
        return Outcome(SKIPPED)

    refused = _reason_not_to_send(delivery)
    if refused is not None:
        return _give_up(
            delivery,
            FAILED,
            refused,
            f"not sent: {refused.code}",
            level=logging.INFO,
            reason=refused.code,
        )

    out_of_attempts = delivery.attempts >= _max_attempts(delivery.channel)
    try:
        if delivery.channel == Channel.EMAIL:
            provider_message_id = _send_email(delivery)
        else:
            provider_message_id = _send_sms(delivery)
    except TransientFailure as failure:
        reason = failure.reason
        if out_of_attempts:
            return _give_up(
                delivery,
                FAILED,
                Reason(
                    DeliveryError.GAVE_UP,
                    reason,
                    {"attempts": delivery.attempts, "cause": failure.code},
                ),
                f"gave up: {reason}",
                level=logging.INFO,
                reason=reason,
            )
        delay = (
            min(failure.retry_after, settings.DELIVERY_RETRY_MAX_SECONDS)
            if failure.retry_after is not None
            else backoff_seconds(delivery.attempts)
        )
        return _try_again(
            delivery,
            failure.recorded(),
            delay,
            f"transient failure, retry in {delay:.1f} s: {reason}",
            level=logging.WARNING,
            reason=reason,
        )
    except PermanentFailure as failure:
        return _give_up(
            delivery,
            FAILED,
            failure.recorded(),
            f"failed: {failure.reason}",
            level=logging.WARNING,
            reason=failure.reason,
        )
    except OutcomeUnknown as failure:
        return _give_up(
            delivery,
            UNKNOWN,
            failure.recorded(),
            f"outcome unknown, left for an operator: {failure.reason}",
            level=logging.ERROR,
            reason=failure.reason,
        )
    except Exception as error:
        # A bug or an unforeseen provider error: keep the promise alive, retry later.
        reason = f"{type(error).__name__}: {error}"
        recorded = Reason(DeliveryError.UNEXPECTED, reason)
        unexpected = {"level": logging.ERROR, "exc_info": True, "reason": reason}
        if delivery.channel == Channel.SMS:
            # It may have left before the error: never risk a second SMS.
            message = f"unexpected error, left for an operator: {reason}"
            return _give_up(delivery, UNKNOWN, recorded, message, **unexpected)
        if out_of_attempts:
            message = f"unexpected error, gave up: {reason}"
            return _give_up(delivery, FAILED, recorded, message, **unexpected)
        delay = backoff_seconds(delivery.attempts)
        message = f"unexpected error, retry in {delay:.1f} s: {reason}"
        return _try_again(delivery, recorded, delay, message, **unexpected)

    _record_sent(delivery, provider_message_id, timezone.now())
    _log(
        delivery,
        SENT,
        f"sent to {delivery.recipient} as {provider_message_id}",
        provider_message_id=provider_message_id,
    )
    return Outcome(SENT)
