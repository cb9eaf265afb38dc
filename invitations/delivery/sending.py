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
delivery, channel, attempt and outcome in ``extra``: ids, never the address, number or link.
A provider's words (an SMTP refusal names the address it refused) are kept, recorded and
logged with addresses and numbers masked (``operations.log_masking.mask``).
"""

import logging
import queue
import random
import smtplib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from anymail.exceptions import (
    AnymailAPIError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Case, F, Max, Q, QuerySet, Value, When
from django.utils import timezone

from operations.log_masking import mask

from ..links import LinkKeyMissing
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
        # What a server says may name the recipient ("<anna@example.se>: unknown user"): the
        # row names it already, and neither its record nor a log line repeats it.
        reason = mask(reason)
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


def chunks_by_channel(delivery_ids: list[int]) -> list[tuple[str, list[int]]]:
    """``delivery_ids`` as chunks of at most ``DELIVERY_CHUNK_SIZE``, each of one channel, in
    id order: one task sends a chunk (one claim, one SMTP connection, records in bulk)."""
    size = max(1, settings.DELIVERY_CHUNK_SIZE)
    by_channel: dict[str, list[int]] = {}
    for pk, channel in (
        Delivery.objects.filter(pk__in=list(delivery_ids))
        .order_by("pk")
        .values_list("pk", "channel")
    ):
        by_channel.setdefault(channel, []).append(pk)
    return [
        (channel, ids[start : start + size])
        for channel, ids in sorted(by_channel.items())
        for start in range(0, len(ids), size)
    ]


def claim_deliveries(*, delivery_ids: list[int], now: datetime) -> list[Delivery]:
    """Takes those of ``delivery_ids`` that are pending and due for this worker, with one
    UPDATE ... RETURNING; returns them loaded for sending (one more query), in id order.

    Every row claimed here carries ``claimed_at = now``: the worker's claim, which its later
    records must still match (the sweep may have taken a row back meanwhile).
    """
    ids = sorted({int(pk) for pk in delivery_ids})
    if not ids:
        return []
    quote = connection.ops.quote_name
    stamp = connection.ops.adapt_datetimefield_value(now)
    column = {name: quote(Delivery._meta.get_field(name).column) for name in _CLAIM_COLUMNS}
    sql = (
        f"UPDATE {quote(Delivery._meta.db_table)} SET "
        f"{column['status']} = %s, {column['attempts']} = {column['attempts']} + 1, "
        f"{column['claimed_at']} = %s, {column['status_changed_at']} = %s, "
        # A new message: an earlier attempt's id must not make its reports look wrong, and
        # its send is not recorded yet.
        f"{column['provider_message_id']} = '', {column['sent_at']} = NULL "
        f"WHERE {column['id']} IN ({', '.join(['%s'] * len(ids))}) AND {column['status']} = %s "
        f"AND ({column['next_attempt_at']} IS NULL OR {column['next_attempt_at']} <= %s) "
        f"RETURNING {column['id']}"
    )
    params = [DeliveryStatus.SENDING, stamp, stamp, *ids, DeliveryStatus.PENDING, stamp]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        claimed = [row[0] for row in cursor.fetchall()]
    if not claimed:
        return []
    return list(
        Delivery.objects.select_related(
            "invitation__user", "invitation__client__firm", "invitation__invited_by"
        )
        .filter(pk__in=claimed)
        .order_by("pk")
    )


_CLAIM_COLUMNS = [
    "id",
    "status",
    "attempts",
    "claimed_at",
    "status_changed_at",
    "provider_message_id",
    "sent_at",
    "next_attempt_at",
]


def claim_delivery(*, delivery_id: int, now: datetime) -> Delivery | None:
    """Takes one row for this worker if it is pending and due; None when there is nothing."""
    claimed = claim_deliveries(delivery_ids=[delivery_id], now=now)
    return claimed[0] if claimed else None


def _smtp_reason(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return f"SMTP {code} {text}".strip()


def _email_failure(error: Exception, delivery: Delivery) -> SendFailure | None:
    """What a mail backend's exception says about one message; None for an unforeseen one."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        reason = "; ".join(_smtp_reason(code, text) for code, text in error.recipients.values())
        if codes and all(400 <= code < 500 for code in codes):
            return TransientFailure(reason)
        return PermanentFailure(reason)
    if isinstance(error, smtplib.SMTPResponseException):
        reason = _smtp_reason(error.smtp_code, error.smtp_error)
        if 400 <= error.smtp_code < 500 or error.smtp_code < 0:
            return TransientFailure(reason)
        return PermanentFailure(reason)
    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress):
        return PermanentFailure(str(error))
    if isinstance(error, AnymailAPIError):
        status = error.status_code
        if status is None or status >= 500 or status == 429:
            return TransientFailure(str(error))
        return PermanentFailure(str(error))
    if isinstance(error, smtplib.SMTPException | OSError):
        # No connection, a timeout, a dropped connection: nothing was accepted yet.
        return TransientFailure(f"{type(error).__name__}: {error}")
    return None


def _connection_lost(error: Exception) -> bool:
    return isinstance(error, smtplib.SMTPServerDisconnected | OSError)


class MailSession:
    """One connection of the mail backend for a whole chunk (SMTP: one login, one TCP
    connection; a provider: one HTTP session), opened at the first message.

    A dropped connection is opened again once for the next message; when it cannot be
    opened, the rest of the chunk fails at once with the same transient reason instead of
    each message waiting for its own timeout.
    """

    def __init__(self):
        self.connection = None
        self.is_open = False
        self.unreachable: TransientFailure | None = None

    def send(self, message, delivery: Delivery) -> None:
        if self.unreachable is not None:
            raise TransientFailure(self.unreachable.reason, code=self.unreachable.code)
        if not self.is_open:
            try:
                # Made here, not in __init__: a misconfigured backend refuses at once, and
                # that is each message's failure, recorded as such.
                self.connection = self.connection or get_connection()
                self.connection.open()
            except Exception as error:
                failure = _email_failure(error, delivery)
                if failure is None:
                    raise
                if _connection_lost(error) or isinstance(error, smtplib.SMTPConnectError):
                    self.unreachable = TransientFailure(failure.reason, code=failure.code)
                raise failure from error
            self.is_open = True
        try:
            self.connection.send_messages([message])
        except Exception as error:
            failure = _email_failure(error, delivery)
            if failure is None:
                raise
            if _connection_lost(error):
                self.close()
            raise failure from error

    def close(self) -> None:
        if self.is_open:
            self.is_open = False
            try:
                self.connection.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail too
                logger.debug("closing the mail connection failed", exc_info=True)


def _send_email(message, delivery: Delivery, mail: MailSession) -> str:
    """Sends one rendered e-mail over the chunk's connection; returns the provider's message
    id. Raises one of the failures."""
    mail.send(message, delivery)
    status = getattr(message, "anymail_status", None)
    if status is not None and status.status and status.status <= {"invalid", "rejected", "failed"}:
        raise PermanentFailure(", ".join(sorted(status.status)))
    if status is not None and status.message_id is not None:
        return str(status.message_id)
    return message.extra_headers["Message-ID"]


def _send_sms(text: messages.Sms, delivery: Delivery) -> str:
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


# --- The events a send writes into the invitation's history (the only two places) ----------


def _sent_event(delivery: Delivery, now: datetime) -> InvitationEvent:
    return InvitationEvent(
        invitation_id=delivery.invitation_id,
        kind=EventKind.SENT,
        params={
            "channel": delivery.channel,
            "recipient": delivery.recipient,
            "purpose": delivery.purpose,
        },
        created_at=now,
    )


def _failed_event(delivery: Delivery, reason: Reason, now: datetime) -> InvitationEvent:
    return InvitationEvent(
        invitation_id=delivery.invitation_id,
        kind=EventKind.FAILED,
        params=reason.event_params(delivery),
        created_at=now,
    )


# --- Recording outcomes --------------------------------------------------------------------


def record_sent(sent: list[tuple[Delivery, str]], now: datetime) -> list[Delivery]:
    """Records sends (each with the provider's message id) on this worker's claims, in one
    transaction of four queries however many; returns the deliveries it recorded.

    Status only moves forward: the provider may have reported "sent" or "delivered" while a
    row was still sending, and that later status stays; the send itself (provider id, time,
    event) is recorded all the same, unless a report has recorded it already (``sent_at``).
    A bounce or failure reported by then is final and is left as it is, as is a row the
    sweep took back from this worker.
    """
    if not sent:
        return []
    claims = Q()
    for delivery, _provider_message_id in sent:
        claims |= Q(pk=delivery.pk, claimed_at=delivery.claimed_at)
    sending = Q(status=DeliveryStatus.SENDING)
    with transaction.atomic():
        recordable = set(
            Delivery.objects.select_for_update()
            .filter(claims)
            .filter(
                status__in=[DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.DELIVERED],
                sent_at__isnull=True,
            )
            .values_list("pk", flat=True)
        )
        recorded = [(d, pid) for d, pid in sent if d.pk in recordable]
        if not recorded:
            return []
        Delivery.objects.filter(pk__in=recordable).update(
            status=Case(When(sending, then=Value(DeliveryStatus.SENT)), default=F("status")),
            status_changed_at=Case(When(sending, then=Value(now)), default=F("status_changed_at")),
            provider_message_id=Case(
                *(When(pk=d.pk, then=Value(pid[:255])) for d, pid in recorded),
                default=F("provider_message_id"),
            ),
            sent_at=now,
            next_attempt_at=None,
            error_code="",
            error_params={},
            last_error="",
        )
        Invitation.objects.filter(pk__in={d.invitation_id for d, _pid in recorded}).update(
            last_sent_at=now
        )
        InvitationEvent.objects.bulk_create(_sent_event(d, now) for d, _pid in recorded)
    return [d for d, _pid in recorded]


def _record_failed(delivery: Delivery, reason: Reason, now: datetime) -> None:
    with transaction.atomic():
        recorded = _own_claim(delivery).update(
            status=DeliveryStatus.FAILED,
            **reason.delivery_fields(),
            next_attempt_at=None,
            status_changed_at=now,
        )
        if recorded:
            _failed_event(delivery, reason, now).save()


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


def _reasons_not_to_send(deliveries: list[Delivery]) -> dict[int, Reason]:
    """Why claimed deliveries must not go out, by id (those that should go are left out).
    One query however many."""
    # A resend (or reminder) while an older one still waited for a retry: both would carry
    # the same, current link, so only the newest goes and the person gets one message.
    newest = {
        (row["invitation_id"], row["channel"]): row["newest"]
        for row in Delivery.objects.filter(invitation_id__in={d.invitation_id for d in deliveries})
        .values("invitation_id", "channel")
        .annotate(newest=Max("pk"))
    }
    reasons = {}
    for delivery in deliveries:
        invitation = delivery.invitation
        if invitation.status != InvitationStatus.PENDING:
            reasons[delivery.pk] = Reason(
                DeliveryError.INVITATION_CLOSED, params={"status": invitation.status}
            )
        elif newest.get((delivery.invitation_id, delivery.channel), delivery.pk) > delivery.pk:
            reasons[delivery.pk] = Reason(DeliveryError.SUPERSEDED)
        elif delivery.channel == Channel.SMS and not settings.SMS_ENABLED:
            # Promised before SMS were turned off (or queued again since): not sent, and said.
            reasons[delivery.pk] = Reason(DeliveryError.SMS_DISABLED)
    return reasons


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


# --- Sending a chunk -------------------------------------------------------------------------


@dataclass
class ChunkOutcome:
    """What one ``send_deliveries`` call did, by delivery id."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    channels: dict[int, str] = field(default_factory=dict)

    def retries(self) -> dict[str, tuple[list[int], float]]:
        """The ids to try again, by channel, with the delay after which all of them are due."""
        due: dict[str, tuple[list[int], float]] = {}
        for pk, outcome in self.outcomes.items():
            if outcome.retry_in is not None:
                ids, delay = due.get(self.channels[pk], ([], 0.0))
                due[self.channels[pk]] = ([*ids, pk], max(delay, outcome.retry_in))
        return due


class _SentRecords:
    """Sends waiting to be recorded, written in bulk every ``DELIVERY_RECORD_EVERY`` sends
    and at the end of the chunk. A worker killed in between has sent at most that many
    messages it did not record: the sweep sends those e-mails again (an SMS becomes
    "unknown"), so that is the most a kill can duplicate."""

    def __init__(self):
        self.waiting: list[tuple[Delivery, str]] = []

    def add(self, delivery: Delivery, provider_message_id: str) -> None:
        self.waiting.append((delivery, provider_message_id))
        if len(self.waiting) >= max(1, settings.DELIVERY_RECORD_EVERY):
            self.flush()

    def flush(self) -> None:
        waiting, self.waiting = self.waiting, []
        provider_message_ids = {delivery.pk: pid for delivery, pid in waiting}
        for delivery in record_sent(waiting, timezone.now()):
            provider_message_id = provider_message_ids[delivery.pk]
            _log(
                delivery,
                SENT,
                f"sent as {provider_message_id}",
                provider_message_id=provider_message_id,
            )


def _rendered(deliveries: list[Delivery]) -> dict[int, object]:
    """Each message rendered (or the exception that rendering raised), by delivery id; the
    e-mails' own Message-IDs stored on the rows in one UPDATE before any is sent, so that a
    report naming one (plain SMTP, or a provider that keeps it) never arrives before the row
    knows it."""
    rendered: dict[int, object] = {}
    for delivery in deliveries:
        render = (
            messages.invitation_email
            if delivery.channel == Channel.EMAIL
            else (messages.invitation_sms)
        )
        try:
            rendered[delivery.pk] = render(delivery)
        except LinkKeyMissing:
            # The link's key was dropped from SECRET_KEY_FALLBACKS: no message can carry a
            # working link, so none goes; a resend makes a new one.
            rendered[delivery.pk] = PermanentFailure("", code=DeliveryError.LINK_KEY_GONE)
        except Exception as error:  # noqa: BLE001 - recorded as that delivery's failure
            rendered[delivery.pk] = error
    emails = {d.pk: rendered[d.pk] for d in deliveries if d.channel == Channel.EMAIL}
    ids = {
        pk: message.extra_headers["Message-ID"]
        for pk, message in emails.items()
        if not isinstance(message, Exception)
    }
    if ids:
        Delivery.objects.filter(
            pk__in=list(ids), status=DeliveryStatus.SENDING, claimed_at=deliveries[0].claimed_at
        ).update(
            provider_message_id=Case(
                *(When(pk=pk, then=Value(message_id)) for pk, message_id in ids.items()),
                default=F("provider_message_id"),
            )
        )
    return rendered


def _groups(deliveries: list[Delivery], size: int) -> list[list[Delivery]]:
    size = max(1, size)
    return [deliveries[start : start + size] for start in range(0, len(deliveries), size)]


def _answer(provider_message_id: str | None, error: Exception | None):
    """What a send came back with, handed to ``_attempt`` as if it were sending now."""

    def answer() -> str:
        if error is not None:
            raise error
        return provider_message_id

    return answer


def _attempt(delivery: Delivery, send, records: _SentRecords) -> Outcome:
    """One attempt of one claimed delivery: ``send()`` returned the provider's message id or
    raised; the outcome is recorded (a send in bulk, later, by ``records``)."""
    out_of_attempts = delivery.attempts >= _max_attempts(delivery.channel)
    try:
        provider_message_id = send()
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
        reason = mask(f"{type(error).__name__}: {error}")
        unexpected = {"level": logging.ERROR, "exc_info": True, "reason": reason}
        recorded = Reason(DeliveryError.UNEXPECTED, reason)
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
    records.add(delivery, provider_message_id)
    return Outcome(SENT)


def send_deliveries(*, delivery_ids: list[int]) -> ChunkOutcome:
    """Sends those of ``delivery_ids`` that are pending and due, and records what happened.

    Guarantees: at most one worker sends a given attempt (the claim, one UPDATE for the
    chunk); each outcome is recorded only on a row this call claimed; a transient failure
    leaves the row pending with ``next_attempt_at`` (``ChunkOutcome.retries`` says when to
    run again); a permanent one marks it failed with the reason; an SMS that may have left
    is "unknown". The e-mails of a chunk go over one connection of the mail backend.
    """
    result = ChunkOutcome()
    claimed = claim_deliveries(delivery_ids=delivery_ids, now=timezone.now())
    claimed_ids = {delivery.pk for delivery in claimed}
    for delivery_id in sorted(set(delivery_ids) - claimed_ids):
        logger.info(
            "delivery %s: nothing to claim (already taken, done or not yet due)",
            delivery_id,
            extra={"delivery_id": delivery_id, "outcome": SKIPPED},
        )
        result.outcomes[delivery_id] = Outcome(SKIPPED)
    if not claimed:
        return result

    reasons = _reasons_not_to_send(claimed)
    to_send = []
    for delivery in claimed:
        result.channels[delivery.pk] = delivery.channel
        if refused := reasons.get(delivery.pk):
            message = f"not sent: {refused.code}"
            result.outcomes[delivery.pk] = _give_up(
                delivery, FAILED, refused, message, level=logging.INFO, reason=refused.code
            )
        else:
            to_send.append(delivery)

    rendered = _rendered(to_send)
    connections = max(1, settings.DELIVERY_SEND_CONNECTIONS)
    idle = queue.SimpleQueue()
    sessions = [MailSession() for _ in range(connections)]
    for session in sessions:
        idle.put(session)

    def send(delivery: Delivery) -> str:
        """Sends one rendered message (in a thread of the pool: no database here)."""
        message = rendered[delivery.pk]
        if isinstance(message, Exception):
            raise message
        if delivery.channel == Channel.SMS:
            return _send_sms(message, delivery)
        session = idle.get()
        try:
            return _send_email(message, delivery, session)
        finally:
            idle.put(session)

    def sent_or_error(delivery: Delivery) -> tuple[str | None, Exception | None]:
        try:
            return send(delivery), None
        except Exception as error:  # noqa: BLE001 - handed to _attempt, which sorts it
            return None, error

    records = _SentRecords()
    try:
        # In groups of DELIVERY_RECORD_EVERY: each group's messages leave side by side over
        # the chunk's connections (a message mostly waits for the server's answers), then
        # the group is recorded, so a kill never leaves more than one group unrecorded.
        with ThreadPoolExecutor(max_workers=connections) as pool:
            for group in _groups(to_send, settings.DELIVERY_RECORD_EVERY):
                answers = (
                    pool.map(sent_or_error, group) if connections > 1 else map(sent_or_error, group)
                )
                for delivery, (provider_message_id, error) in zip(group, answers, strict=True):
                    result.outcomes[delivery.pk] = _attempt(
                        delivery, _answer(provider_message_id, error), records
                    )
                records.flush()
    finally:
        for session in sessions:
            session.close()
        records.flush()
    return result


def send_delivery(*, delivery_id: int) -> Outcome:
    """Sends one delivery, as ``send_deliveries`` does a chunk; returns its outcome."""
    return send_deliveries(delivery_ids=[delivery_id]).outcomes[delivery_id]
