"""What an inbound message becomes: underlag, a wait in quarantine, or a recorded refusal.

Runs in a worker (``tasks.process_inbound_message``), also again after an accountant has
accepted a quarantined message. The row is locked for the whole decision and written with
its documents in one transaction, so a redelivered task or two workers make one outcome.
"""

from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, override

from accounts.models import User
from clients.models import ClientMembership
from documents.accepted_files import MAX_FILES_PER_SUBMISSION
from documents.services import documents_from_email

from ..mail_as_pdf import mail_as_pdf
from ..models import InboundMessage, Outcome, Reason, TrustedSender, TrustKind
from ..reading import BrokenMessage, Contents, authentication_failed, contents_of, header, parse
from .replies import decide_reply


def process_message(*, message_id: int, now: datetime | None = None) -> InboundMessage | None:
    """Decides one received message; does nothing to one already decided.

    In order: unreadable → refused; SPF/DKIM/DMARC failing or a spam verdict → quarantine,
    whoever the sender; over the client's daily limit → refused; more attachments than an
    upload may have → refused; from neither a client user nor a trusted sender or domain →
    quarantine; else each attachment through the upload's checks (``documents_from_email``),
    or, with no attachment, the mail itself as a PDF. A message the firm accepted skips the
    sender's checks. Whether the sender gets a reply is recorded (``replies``); the task queues it.
    """
    now = now or timezone.now()
    written = []
    try:
        with transaction.atomic():
            message = (
                InboundMessage.objects.select_for_update(of=("self",))
                .select_related("client__firm__inbound_settings")
                .filter(pk=message_id, outcome=Outcome.RECEIVED)
                .first()
            )
            if message is None:
                return None
            _decide(message, now=now, written=written)
            message.processed_at = now
            if message.outcome != Outcome.QUARANTINED and message.raw:
                # Decided for good: the mail's content is not kept beyond its documents.
                raw = message.raw
                transaction.on_commit(lambda: raw.delete(save=False))
                message.raw = ""
            message.save()
            if written:
                InboundMessage.documents.through.objects.bulk_create(
                    InboundMessage.documents.through(inboundmessage=message, document=document)
                    for document in written
                )
            decide_reply(message=message)  # the task queues the reply once this commits
    except Exception:
        for document in written:
            document.file.delete(save=False)
        raise
    return message


def _decide(message: InboundMessage, *, now: datetime, written: list) -> None:
    approved = message.decided_by_id is not None
    try:
        with message.raw.open("rb") as stored:
            raw = stored.read()
        parsed = parse(raw)
        contents = contents_of(parsed)
    except BrokenMessage:
        return _set(message, Outcome.REJECTED, Reason.BROKEN_MIME)

    if not approved:
        if authentication_failed(parsed):
            return _set(message, Outcome.QUARANTINED, Reason.AUTHENTICATION_FAILED)
        if message.provider_verdicts.get("spam") or _spam_header(parsed):
            return _set(message, Outcome.QUARANTINED, Reason.SPAM)
        if _over_daily_limit(message, now=now):
            return _set(
                message,
                Outcome.REJECTED,
                Reason.DAILY_LIMIT,
                max=settings.INBOUND_MAX_MESSAGES_PER_CLIENT_PER_DAY,
            )
    if len(contents.files) > MAX_FILES_PER_SUBMISSION:
        return _set(
            message,
            Outcome.REJECTED,
            Reason.TOO_MANY_ATTACHMENTS,
            count=len(contents.files),
            max=MAX_FILES_PER_SUBMISSION,
        )
    sender_user = _client_user(message)
    if approved:
        reason = Reason.APPROVED
    elif sender_user is not None:
        reason = Reason.CLIENT_USER
    else:
        reason = _trust(message)
        if reason is None:
            return _set(message, Outcome.QUARANTINED, Reason.UNKNOWN_SENDER)

    files = contents.files or [_mail_itself(message, parsed, contents)]
    made = documents_from_email(
        client=message.client,
        sender=sender_user,
        sender_address=message.sender,
        subject=message.subject,
        files=files,
    )
    written.extend(made.documents)
    details = {
        "documents": len(made.documents),
        "refused": [{"name": name, **problem._asdict()} for name, problem in made.refused],
        "damaged": contents.damaged,
        "skipped_inline": contents.skipped_inline,
        "duplicates": contents.duplicates,
        "as_pdf": not contents.files,
    }
    if not made.documents:
        return _set(message, Outcome.REJECTED, Reason.NO_ACCEPTED_FILES, **details)
    return _set(message, Outcome.ACCEPTED, reason, **details)


def _set(message: InboundMessage, outcome: str, reason: str, **details) -> None:
    message.outcome, message.reason = outcome, reason
    message.details = {**message.details, **details}


def _spam_header(parsed) -> bool:
    # Set by SpamAssassin-like filters in front of the local receiver, and by Postmark.
    return header(parsed, "X-Spam-Flag").upper() == "YES" or header(
        parsed, "X-Spam-Status"
    ).lower().startswith("yes")


def _over_daily_limit(message: InboundMessage, *, now: datetime) -> bool:
    limit = settings.INBOUND_MAX_MESSAGES_PER_CLIENT_PER_DAY
    midnight = timezone.make_aware(datetime.combine(timezone.localtime(now).date(), time.min))
    # Counted only up to the limit: a client flooded with mail costs each message at most
    # ``limit`` index entries, not every message of the day (which grew with the flood).
    earlier_today = (
        InboundMessage.objects.filter(client_id=message.client_id, received_at__gte=midnight)
        .exclude(pk=message.pk)
        .exclude(outcome=Outcome.REJECTED, reason=Reason.DAILY_LIMIT)
        .filter(Q(received_at__lt=message.received_at) | Q(pk__lt=message.pk))
        .order_by()
        .values("pk")[:limit]
        .count()
    )
    return earlier_today >= limit


def _client_user(message: InboundMessage) -> User | None:
    if not message.sender:
        return None
    membership = (
        ClientMembership.objects.filter(
            client_id=message.client_id, user__email__iexact=message.sender, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _trust(message: InboundMessage) -> str | None:
    if not message.sender:
        return None
    domain = message.sender.rpartition("@")[2]
    trusted = set(
        TrustedSender.objects.filter(client_id=message.client_id)
        .filter(
            Q(kind=TrustKind.SENDER, value=message.sender) | Q(kind=TrustKind.DOMAIN, value=domain)
        )
        .values_list("kind", flat=True)
    )
    if TrustKind.SENDER in trusted:
        return Reason.TRUSTED_SENDER
    if TrustKind.DOMAIN in trusted:
        return Reason.TRUSTED_DOMAIN
    return None


def _mail_itself(message: InboundMessage, parsed, contents: Contents):
    from django.core.files.base import ContentFile

    with override(settings.LANGUAGE_CODE):
        labels = [gettext("Från"), gettext("Till"), gettext("Datum"), gettext("Ämne")]
    values = [
        header(parsed, "From"),
        header(parsed, "To"),
        header(parsed, "Date"),
        message.subject,
    ]
    pdf = mail_as_pdf(headers=list(zip(labels, values, strict=True)), text=contents.text)
    return ContentFile(pdf, name=(message.subject or "e-post")[:80] + ".pdf")
