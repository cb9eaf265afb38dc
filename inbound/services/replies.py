"""The short reply to whoever e-mailed underlag (a firm setting, off by default), and the
notice that a replaced address no longer takes mail.

Loop-safe: never to automatic mail (Auto-Submitted, bounces, lists: ``reading.is_automatic``),
never about mail that may be forged (SPF/DKIM/DMARC failing, spam) or sent to no address of
ours, at most INBOUND_REPLIES_PER_SENDER_PER_HOUR per sender, and every reply is itself marked
``Auto-Submitted: auto-replied`` so that well-behaved responders do not answer it.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext, override

from accounts.models import User

from ..models import FirmInboundSettings, InboundMessage, Outcome, Reason, ReplyStatus
from ..outcomes import file_notes, why

_NEVER_ABOUT = {Reason.UNKNOWN_ADDRESS, Reason.AUTHENTICATION_FAILED, Reason.SPAM}


def decide_reply(*, message: InboundMessage, bounce: bool = False) -> bool:
    """Records whether this message gets a reply (``reply_status``: pending, or why not) and
    answers True when one is due; the caller queues ``send_inbound_reply`` after commit."""
    if message.reason in _NEVER_ABOUT or not message.sender or message.client_id is None:
        return False
    if not bounce and not _firm_wants_replies(message):
        return False
    status = _reply_status(message)
    InboundMessage.objects.filter(pk=message.pk).update(reply_status=status)
    message.reply_status = status
    return status == ReplyStatus.PENDING


def _firm_wants_replies(message: InboundMessage) -> bool:
    try:
        return message.client.firm.inbound_settings.auto_reply
    except FirmInboundSettings.DoesNotExist:
        return False


def _reply_status(message: InboundMessage) -> str:
    if message.automatic:
        return ReplyStatus.AUTOMATIC
    an_hour_ago = timezone.now() - timedelta(hours=1)
    recent = (
        InboundMessage.objects.filter(
            sender=message.sender,
            reply_status__in=[ReplyStatus.PENDING, ReplyStatus.SENDING, ReplyStatus.SENT],
            received_at__gte=an_hour_ago,
        )
        .exclude(pk=message.pk)
        .count()
    )
    if recent >= settings.INBOUND_REPLIES_PER_SENDER_PER_HOUR:
        return ReplyStatus.LIMITED
    return ReplyStatus.PENDING


def send_reply(*, message_id: int, last_attempt: bool = True) -> str:
    """Sends one queued reply, once: the row is claimed with a conditional UPDATE. A failed
    send leaves it pending for the task's retry, failed after the last attempt."""
    claimed = InboundMessage.objects.filter(pk=message_id, reply_status=ReplyStatus.PENDING).update(
        reply_status=ReplyStatus.SENDING
    )
    if not claimed:
        return "not pending"
    message = InboundMessage.objects.select_related("client__firm", "address").get(pk=message_id)
    user = User.objects.filter(email__iexact=message.sender, is_active=True).first()
    with override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        email = _reply(message)
    try:
        email.send()
    except Exception:
        InboundMessage.objects.filter(pk=message_id).update(
            reply_status=ReplyStatus.FAILED if last_attempt else ReplyStatus.PENDING
        )
        raise
    with transaction.atomic():
        InboundMessage.objects.filter(pk=message_id).update(
            reply_status=ReplyStatus.SENT, reply_sent_at=timezone.now()
        )
    return "sent"


def _reply(message: InboundMessage) -> EmailMessage:
    firm = message.client.firm.name
    if message.reason == Reason.ADDRESS_REPLACED:
        lines = [
            gettext("Adressen %(address)s tar inte längre emot underlag.")
            % {"address": message.recipient},
            gettext("Fråga %(firm)s efter klientens nya adress och skicka mejlet dit.")
            % {"firm": firm},
        ]
    elif message.outcome == Outcome.ACCEPTED:
        count = message.details.get("documents", 0)
        lines = [
            ngettext(
                "Tack! %(firm)s har tagit emot %(count)d fil från ditt mejl.",
                "Tack! %(firm)s har tagit emot %(count)d filer från ditt mejl.",
                count,
            )
            % {"firm": firm, "count": count}
        ] + file_notes(message)
    elif message.outcome == Outcome.QUARANTINED:
        lines = [
            gettext(
                "Ditt mejl har kommit fram och väntar på att %(firm)s godkänner dig som "
                "avsändare. Du behöver inte skicka det igen."
            )
            % {"firm": firm}
        ]
    else:
        lines = [
            gettext("Ditt mejl kunde inte tas emot av %(firm)s.") % {"firm": firm},
            why(message),
        ]
        lines += file_notes(message)
    subject = message.subject or gettext("Ditt mejl")
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    if message.message_id:
        headers["In-Reply-To"] = message.message_id
        headers["References"] = message.message_id
    return EmailMessage(
        subject=("Re: " + subject)[:200],
        body="\n\n".join(lines)
        + "\n\n-- \n"
        + gettext("Byråportalen, för %(firm)s") % {"firm": firm},
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.sender],
        headers=headers,
    )
