"""An accountant's decisions on mail that waits in quarantine, and on whom a client trusts.

Each takes the accountant and their firm and acts only on a client of that firm the accountant
has a right on (``clients.selectors.accountant_has_right``); anything else is "not found".
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bureau.models import Firm
from clients.models import ClientCompany
from clients.selectors import accountant_has_right

from ..models import (
    FirmInboundSettings,
    InboundMessage,
    Outcome,
    Reason,
    TrustedSender,
    TrustKind,
)
from ..tasks import process_inbound_message


class NotAllowed(Exception):
    """Not a message or client the accountant may act on, or not in a state that allows it."""


# Mail that may be forged can be let in once, but its sender is never trusted from it.
_TRUSTABLE = {Reason.UNKNOWN_SENDER}


def _waiting(*, accountant: User, firm: Firm, message_id: int) -> InboundMessage:
    message = (
        InboundMessage.objects.select_for_update(of=("self",))
        .filter(pk=message_id, client__firm=firm, outcome=Outcome.QUARANTINED)
        .filter(accountant_has_right(accountant, client="client"))
        .first()
    )
    if message is None:
        raise NotAllowed
    return message


def _release(message: InboundMessage, *, approved_by: User | None) -> None:
    """Back to "received" and queued for the worker: approved by the accountant (the sender's
    checks are then skipped), or (after a trust was added) to be judged again."""
    message.outcome, message.reason = Outcome.RECEIVED, ""
    if approved_by is not None:
        message.decided_by, message.decided_at = approved_by, timezone.now()
    message.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
    process_inbound_message.delay_on_commit(message.pk)


@transaction.atomic
def accept_once(*, accountant: User, firm: Firm, message_id: int) -> InboundMessage:
    """Lets this one message in (its attachments still pass the upload's checks)."""
    message = _waiting(accountant=accountant, firm=firm, message_id=message_id)
    _release(message, approved_by=accountant)
    return message


@transaction.atomic
def trust_sender(*, accountant: User, firm: Firm, message_id: int) -> TrustedSender:
    """Trusts the message's sender on its client from now on, and lets in every mail from
    them that waits for that reason."""
    return _trust(accountant, firm, message_id, TrustKind.SENDER)


@transaction.atomic
def trust_domain(*, accountant: User, firm: Firm, message_id: int) -> TrustedSender:
    """Trusts every sender at the message's sender's domain on its client, and lets in what
    waits from them."""
    return _trust(accountant, firm, message_id, TrustKind.DOMAIN)


def _trust(accountant, firm, message_id, kind) -> TrustedSender:
    message = _waiting(accountant=accountant, firm=firm, message_id=message_id)
    if message.reason not in _TRUSTABLE or not message.sender:
        raise NotAllowed
    value = message.sender if kind == TrustKind.SENDER else message.sender.rpartition("@")[2]
    trusted, _ = TrustedSender.objects.get_or_create(
        client_id=message.client_id, kind=kind, value=value, defaults={"added_by": accountant}
    )
    also_waiting = InboundMessage.objects.select_for_update(of=("self",)).filter(
        client_id=message.client_id, outcome=Outcome.QUARANTINED, reason=Reason.UNKNOWN_SENDER
    )
    also_waiting = (
        also_waiting.filter(sender=value)
        if kind == TrustKind.SENDER
        else also_waiting.filter(sender__iendswith="@" + value)
    )
    for waiting in also_waiting:
        _release(waiting, approved_by=None)
    return trusted


@transaction.atomic
def reject(*, accountant: User, firm: Firm, message_id: int) -> InboundMessage:
    """Refuses the message for good; its content is deleted, its record stays."""
    message = _waiting(accountant=accountant, firm=firm, message_id=message_id)
    message.outcome, message.reason = Outcome.REJECTED, Reason.REJECTED_BY_FIRM
    message.decided_by, message.decided_at = accountant, timezone.now()
    if message.raw:
        raw = message.raw
        transaction.on_commit(lambda: raw.delete(save=False))
        message.raw = ""
    message.save()
    return message


@transaction.atomic
def remove_trust(*, accountant: User, firm: Firm, client: ClientCompany, trust_id: int) -> bool:
    """Removes one trusted sender or domain of ``client``; True if this call did."""
    deleted, _ = (
        TrustedSender.objects.filter(pk=trust_id, client=client, client__firm=firm)
        .filter(accountant_has_right(accountant, client="client"))
        .delete()
    )
    return bool(deleted)


def set_auto_reply(*, firm: Firm, enabled: bool) -> FirmInboundSettings:
    """The firm's choice: a short reply to each sender (what was received, or why not)."""
    settings, _ = FirmInboundSettings.objects.update_or_create(
        firm=firm, defaults={"auto_reply": enabled}
    )
    return settings
