"""Invitation lifecycle: accept, resend, correct, revoke, renew, remind (issues 5 and 9)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext

from accounts.models import User
from bureau.models import Firm
from clients.selectors import accountant_is_system_admin

from ..delivery import enqueue_deliveries, enqueue_renewal_notice, promise_deliveries
from ..links import find_invitation_by_secret, give_new_secret
from ..models import (
    Delivery,
    DeliveryError,
    DeliveryPurpose,
    DeliveryStatus,
    EventKind,
    Invitation,
    InvitationEvent,
    InvitationStatus,
)


class InvitationNotAcceptable(Exception):
    """The invitation can no longer be accepted; ``reason`` is "accepted", "revoked" or
    "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def accept_invitation(*, invitation: Invitation, password: str, now: datetime) -> Invitation:
    """Accepts ``invitation``: the user gets ``password`` and becomes active, the invitation
    is accepted and an "accepted" event written, all in one transaction.

    Guarantees the link works once: the row is locked and re-read, so of two simultaneous
    submissions one wins and the other raises ``InvitationNotAcceptable("accepted")``; a
    link replaced by a resend meanwhile raises ``InvitationNotAcceptable("expired")``.
    The password must already have passed the validators (the form does that).
    """
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update()
            .select_related("user", "client__firm")
            .get(pk=invitation.pk)
        )
        if locked.status != InvitationStatus.PENDING:
            raise InvitationNotAcceptable(locked.status)
        if locked.expires_at <= now or locked.secret_hash != invitation.secret_hash:
            # A resend between the look-up and the lock replaced this link: it is dead too.
            raise InvitationNotAcceptable("expired")
        user = locked.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        locked.status = InvitationStatus.ACCEPTED
        locked.accepted_at = now
        locked.save(update_fields=["status", "accepted_at"])
        InvitationEvent.objects.create(
            invitation=locked, kind=EventKind.ACCEPTED, actor=user, created_at=now
        )
    return locked


def manageable_invitations(*, accountant: User, firm: Firm) -> QuerySet[Invitation]:
    """Invitations ``accountant`` may resend or revoke: their own firm's, on clients where
    they are system administrator."""
    return Invitation.objects.filter(client__firm=firm).filter(
        accountant_is_system_admin(accountant, client="client")
    )


def _renew(
    invitations: list[Invitation], *, actor: User | None, now: datetime, params: dict | None = None
) -> list[int]:
    """Gives each invitation a new link and writes its deliveries and a "resent" event;
    returns the delivery ids. Three queries however many."""
    # A resend is a new link: a new secret (the old link stops matching), a new expiry, and
    # a reminder of its own later on.
    for invitation in invitations:
        give_new_secret(invitation, now=now)
        invitation.reminded_at = None
    Invitation.objects.bulk_update(
        invitations, ["secret_nonce", "secret_hash", "expires_at", "reminded_at"]
    )
    delivery_ids = promise_deliveries(invitations)
    InvitationEvent.objects.bulk_create(
        InvitationEvent(
            invitation=invitation,
            kind=EventKind.RESENT,
            actor=actor,
            params=params or {},
            created_at=now,
        )
        for invitation in invitations
    )
    return delivery_ids


def resend_invitations(
    *, accountant: User, firm: Firm, invitation_ids: list[int], now: datetime
) -> list[Invitation]:
    """Sends each pending (or expired) invitation among ``invitation_ids`` again.

    Each gets a new secret and expiry, so its old link stops working; new deliveries go
    through the outbox and are queued after commit; a "resent" event names ``accountant``.
    Invitations outside the accountant's rights, accepted or revoked ones are left
    untouched and not returned. One transaction, and a fixed number of queries, for the
    whole selection.
    """
    with transaction.atomic():
        invitations = list(
            manageable_invitations(accountant=accountant, firm=firm)
            .filter(pk__in=invitation_ids, status=InvitationStatus.PENDING)
            .select_related("user")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        enqueue_deliveries(_renew(invitations, actor=accountant, now=now))
    return invitations


def revoke_invitations(
    *, accountant: User, firm: Firm, invitation_ids: list[int], now: datetime
) -> list[Invitation]:
    """Revokes each pending invitation among ``invitation_ids``: its link stops working at
    once and the user stays inactive. A "revoked" event names ``accountant``.

    Invitations outside the accountant's rights, accepted or already revoked ones are left
    untouched and not returned.
    """
    with transaction.atomic():
        invitations = list(
            manageable_invitations(accountant=accountant, firm=firm)
            .filter(pk__in=invitation_ids, status=InvitationStatus.PENDING)
            .select_for_update()
            .order_by("pk")
        )
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
            status=InvitationStatus.REVOKED, revoked_at=now
        )
        InvitationEvent.objects.bulk_create(
            InvitationEvent(invitation=i, kind=EventKind.REVOKED, actor=accountant, created_at=now)
            for i in invitations
        )
        for invitation in invitations:
            invitation.status, invitation.revoked_at = InvitationStatus.REVOKED, now
    return invitations


@dataclass(frozen=True)
class Correction:
    """What a corrected invitation's user should be called and reached at, its shape
    already checked (``invitations.forms.InvitationCorrectionForm``): ``mobile`` is E.164
    or empty, ``email`` normalised."""

    full_name: str
    email: str
    mobile: str
    language: str


CORRECTABLE_FIELDS = ("full_name", "email", "mobile", "language")


class CorrectionRefused(ValidationError):
    """The correction breaks a rule; nothing was written. ``field_errors`` maps a field
    (or None, for the correction as a whole) to its messages."""

    def __init__(self, field_errors: dict):
        self.field_errors = field_errors
        super().__init__([message for messages in field_errors.values() for message in messages])


def _current_values(user: User) -> dict[str, str]:
    return {
        "full_name": user.full_name,
        "email": user.email,
        "mobile": str(user.mobile or ""),
        "language": user.language,
    }


def correct_invitation(
    *, accountant: User, firm: Firm, invitation_id: int, correction: Correction, now: datetime
) -> Invitation:
    """Corrects the name, e-mail, mobile number and language of a pending or lapsed
    invitation's user, and sends the invitation again with a new link.

    Guarantees, in one transaction with the invitation locked (so an acceptance at the same
    moment either comes first, and the correction is refused, or finds the old link dead):
    - only an invitation of ``firm`` that ``accountant`` may manage and that is still
      pending (expired or not) is corrected; otherwise ``Invitation.DoesNotExist``;
    - the rules of the wizard hold: an e-mail address no other user has (any case), else
      ``CorrectionRefused`` naming "email"; a user who already chose a password of their
      own, or a correction that changes nothing, is refused too; nothing is written then;
    - the old link stops working (a new secret and expiry), the deliveries still waiting
      are closed (they would carry the new link to the old address), new ones go to the
      corrected addresses and are queued after commit;
    - a "corrected" event names ``accountant`` and lists each changed field with its old
      and new value.
    """
    with transaction.atomic():
        invitation = (
            manageable_invitations(accountant=accountant, firm=firm)
            .filter(status=InvitationStatus.PENDING)
            .select_related("user")
            .select_for_update(of=("self",))
            .get(pk=invitation_id)
        )
        user = invitation.user
        before = _current_values(user)
        after = {field: getattr(correction, field) for field in CORRECTABLE_FIELDS}
        changes = [
            {"field": field, "old": before[field], "new": after[field]}
            for field in CORRECTABLE_FIELDS
            if before[field] != after[field]
        ]
        errors: dict = {}
        if user.has_usable_password():
            errors[None] = [
                gettext("Användaren har redan ett eget lösenord och kan logga in. Inget ändrades.")
            ]
        elif not changes:
            errors[None] = [
                gettext(
                    "Du har inte ändrat något. Använd ”Skicka igen” för att skicka samma "
                    "inbjudan med en ny länk."
                )
            ]
        email_taken = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower=correction.email.lower())
            .exclude(pk=user.pk)
            .exists()
        )
        if email_taken:
            errors["email"] = [gettext("Det finns redan en användare med den här e-postadressen.")]
        if errors:
            raise CorrectionRefused(errors)

        for field in CORRECTABLE_FIELDS:
            setattr(user, field, after[field])
        try:
            with transaction.atomic():
                user.save(update_fields=list(CORRECTABLE_FIELDS))
        except IntegrityError:
            # Another user took the address between the check and the save.
            raise CorrectionRefused(
                {"email": [gettext("Det finns redan en användare med den här e-postadressen.")]}
            ) from None
        Delivery.objects.filter(invitation=invitation, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED,
            error_code=DeliveryError.CORRECTED,
            error_params={},
            last_error="",
            next_attempt_at=None,
            status_changed_at=now,
        )
        give_new_secret(invitation, now=now)
        invitation.reminded_at = None
        invitation.save(update_fields=["secret_nonce", "secret_hash", "expires_at", "reminded_at"])
        delivery_ids = promise_deliveries([invitation])
        InvitationEvent.objects.create(
            invitation=invitation,
            kind=EventKind.CORRECTED,
            actor=accountant,
            params={"changes": changes},
            created_at=now,
        )
        enqueue_deliveries(delivery_ids)
    return invitation


RENEWAL_NOTICE_INTERVAL = timedelta(hours=24)


def request_new_link(*, secret: str, now: datetime) -> None:
    """Handles "Skicka en ny länk till mig" from an expired or revoked link.

    With INVITATION_RENEWAL = "resend" an expired invitation is renewed at once and sent to
    the address the firm registered (never to one typed in). Otherwise, and always for a
    revoked invitation (revoking was the accountant's decision), a "renewal_requested"
    event is written and the inviting accountant gets an e-mail, at most once a day per
    invitation. Returns nothing on purpose: the caller answers the same whatever happened,
    so the answer tells a stranger nothing about which links or addresses exist.
    """
    invitation = find_invitation_by_secret(secret)
    if invitation is None or invitation.status == InvitationStatus.ACCEPTED:
        return
    lapsed = invitation.status == InvitationStatus.REVOKED or invitation.expires_at <= now
    if not lapsed:
        return
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update()
            .select_related("user", "client__firm", "invited_by")
            .get(pk=invitation.pk)
        )
        if locked.secret_hash != invitation.secret_hash:
            return  # renewed meanwhile: this link is already dead
        if locked.status == InvitationStatus.PENDING and settings.INVITATION_RENEWAL == "resend":
            enqueue_deliveries(
                _renew([locked], actor=None, now=now, params={"requested_by_recipient": True})
            )
            return
        recently = locked.events.filter(
            kind=EventKind.RENEWAL_REQUESTED, created_at__gt=now - RENEWAL_NOTICE_INTERVAL
        ).exists()
        if recently:
            return
        InvitationEvent.objects.create(
            invitation=locked, kind=EventKind.RENEWAL_REQUESTED, created_at=now
        )
        # Sent by a worker: the public page never waits for a mail server, and its answer
        # takes the same time whether or not a notice goes out.
        enqueue_renewal_notice(locked.pk)


def send_due_reminders(*, now: datetime) -> int:
    """Sends one reminder for each pending invitation that expires within
    INVITATION_REMINDER_DAYS_BEFORE_EXPIRY days and has not been reminded; returns how many.

    Goes once per link: the due rows are locked and get ``reminded_at`` in the same
    transaction, so overlapping runs of the scheduler cannot both send. Reminder
    deliveries (purpose "reminder") go through the outbox like invitations.
    """
    window_end = now + timedelta(days=settings.INVITATION_REMINDER_DAYS_BEFORE_EXPIRY)
    candidates = Invitation.objects.filter(
        status=InvitationStatus.PENDING,
        reminded_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=window_end,
    ).select_related("user")
    with transaction.atomic():
        # The rows are locked in id order: an overlapping run waits on them, and PostgreSQL
        # then checks its conditions again on the rows it waited for, finds reminded_at set
        # and leaves them out. Two queries however many are due.
        due = list(candidates.select_for_update(of=("self",)).order_by("pk"))
        Invitation.objects.filter(pk__in=[invitation.pk for invitation in due]).update(
            reminded_at=now
        )
        delivery_ids = promise_deliveries(due, purpose=DeliveryPurpose.REMINDER)
        InvitationEvent.objects.bulk_create(
            InvitationEvent(invitation=i, kind=EventKind.REMINDED, created_at=now) for i in due
        )
        enqueue_deliveries(delivery_ids)
    return len(due)
