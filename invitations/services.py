"""Writes of the invitation flow. Every rule lives here; views, tasks and commands call in.

The pieces below are shared by every way an invitation is made or renewed: a fresh secret
and expiry, the deliveries it promises (the outbox rows), and queueing them after commit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from clients.models import ClientCompany, ClientMembership, ClientRight

from . import secrets
from .models import (
    BatchKind,
    Channel,
    Delivery,
    DeliveryPurpose,
    EventKind,
    Invitation,
    InvitationBatch,
    InvitationEvent,
    InvitationStatus,
)
from .selectors import client_users_awaiting_invitation
from .usernames import taken_usernames


def invitation_expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.INVITATION_VALID_DAYS)


def give_new_secret(invitation: Invitation, *, now: datetime) -> None:
    """Sets a new link secret and a new expiry on ``invitation`` (not saved)."""
    invitation.secret_nonce = secrets.new_nonce()
    invitation.secret_hash = secrets.hash_secret(secrets.secret_for(invitation.secret_nonce))
    invitation.expires_at = invitation_expiry(now)


def invitation_link(invitation: Invitation) -> str:
    """The personal link to accept ``invitation``, as it goes out in e-mail and SMS."""
    secret = secrets.secret_for(invitation.secret_nonce)
    return settings.SITE_URL + reverse("acceptance:accept", kwargs={"secret": secret})


def promised_deliveries(
    invitation: Invitation, *, purpose: str = DeliveryPurpose.INVITATION
) -> list[Delivery]:
    """The unsaved outbox rows ``invitation`` promises: e-mail always, SMS with a mobile."""
    user = invitation.user
    deliveries = [
        Delivery(
            invitation=invitation, channel=Channel.EMAIL, purpose=purpose, recipient=user.email
        )
    ]
    if user.mobile:
        deliveries.append(
            Delivery(
                invitation=invitation,
                channel=Channel.SMS,
                purpose=purpose,
                recipient=str(user.mobile),
            )
        )
    return deliveries


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Queues one task for the whole set once the surrounding transaction commits.

    One broker round trip per batch; the worker fans out. If the broker is down the commit
    still stands (``robust``): the rows stay pending and the sweep queues them again.
    """
    from .tasks import dispatch_deliveries

    ids = list(delivery_ids)
    if ids:
        # retry=False: with Redis down, fail within a second instead of holding the request.
        transaction.on_commit(
            lambda: dispatch_deliveries.apply_async((ids,), retry=False), robust=True
        )


# --- The "Bjud in klientanvändare" wizard: new users and existing users (issue 3) ---------


@dataclass(frozen=True)
class NewUserRow:
    """One marked row of the wizard, its shape already checked (see ``invitations.forms``).

    ``mobile`` is E.164 or empty; ``username`` and ``email`` are as they will be stored.
    """

    client_id: int
    full_name: str
    email: str
    username: str
    mobile: str = ""


BATCH = "__batch__"  # the key of errors that belong to the whole batch, not to one row


class RowsRefused(ValidationError):
    """Some rows break a rule; nothing was written.

    ``row_errors`` maps a row's key (a client id for new users, a user id for existing
    users, or ``BATCH``) to ``{field: [messages]}``; the field "client" (or "user") holds
    errors about the row as a whole.
    """

    def __init__(self, row_errors: dict):
        self.row_errors = row_errors
        super().__init__(
            [
                message
                for fields in row_errors.values()
                for msgs in fields.values()
                for message in msgs
            ]
        )


def _add_error(errors: dict, key, field: str, message) -> None:
    errors.setdefault(key, {}).setdefault(field, []).append(str(message))


def too_many_rows_error(count: int) -> str:
    return gettext(
        "Du har markerat %(count)d rader. Högst %(max)d användare kan bjudas in åt gången; "
        "avmarkera %(extra)d rader och försök igen."
    ) % {
        "count": count,
        "max": settings.INVITATION_BATCH_MAX_ROWS,
        "extra": count - settings.INVITATION_BATCH_MAX_ROWS,
    }


def new_user_row_errors(*, accountant, firm, rows: list[NewUserRow], locked: bool = False) -> dict:
    """Every business rule a batch of new users must pass, checked for all rows at once.

    Returns ``row_errors`` as ``RowsRefused`` carries them (empty: the batch may be
    written). Four queries whatever the number of rows: the clients (locked when
    ``locked``, inside the caller's transaction), their state, the e-mail addresses and
    the usernames already taken.
    """
    errors: dict = {}
    if not rows:
        _add_error(errors, BATCH, "rows", gettext("Markera minst en rad att bjuda in."))
        return errors
    if len(rows) > settings.INVITATION_BATCH_MAX_ROWS:
        _add_error(errors, BATCH, "rows", too_many_rows_error(len(rows)))
        return errors

    client_ids = [row.client_id for row in rows]
    if locked:
        # Taken in id order so that two batches sharing clients cannot deadlock. The state
        # is read by the next query: a statement that waited for the lock still sees its
        # own, older snapshot.
        list(
            ClientCompany.objects.filter(pk__in=client_ids, firm=firm)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )
    clients = {
        client.pk: client
        for client in ClientCompany.objects.filter(pk__in=client_ids, firm=firm).annotate(
            accountant_is_system_admin=Exists(
                ClientRight.objects.filter(
                    client=OuterRef("pk"), accountant=accountant, is_system_admin=True
                )
            ),
            has_own_users=Exists(ClientMembership.objects.filter(client=OuterRef("pk"))),
        )
    }
    seen_clients = set()
    for row in rows:
        client = clients.get(row.client_id)
        if client is None:
            _add_error(errors, row.client_id, "client", gettext("Klienten finns inte hos byrån."))
        elif not client.accountant_is_system_admin:
            _add_error(
                errors,
                row.client_id,
                "client",
                gettext("Du måste vara systemadministratör på klienten"),
            )
        elif client.has_own_users:
            _add_error(
                errors,
                row.client_id,
                "client",
                gettext(
                    "Klienten har fått användare sedan sidan visades. Använd "
                    "”Bjud in befintliga användare” för dem."
                ),
            )
        elif row.client_id in seen_clients:
            _add_error(errors, row.client_id, "client", gettext("Klienten finns på flera rader."))
        seen_clients.add(row.client_id)

    emails = [row.email.lower() for row in rows]
    taken_emails = set(
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=set(emails))
        .values_list("email_lower", flat=True)
    )
    usernames = [row.username.lower() for row in rows]
    taken = taken_usernames(usernames)
    for row, email, username in zip(rows, emails, usernames, strict=True):
        if email in taken_emails:
            _add_error(
                errors,
                row.client_id,
                "email",
                gettext(
                    "Det finns redan en användare med den här e-postadressen. Bjud in "
                    "den under ”Bjud in befintliga användare”."
                ),
            )
        elif emails.count(email) > 1:
            _add_error(
                errors,
                row.client_id,
                "email",
                gettext("Samma e-postadress står på en annan rad."),
            )
        if username in taken:
            _add_error(
                errors,
                row.client_id,
                "username",
                gettext("Användarnamnet är upptaget. Välj ett annat."),
            )
        elif usernames.count(username) > 1:
            _add_error(
                errors,
                row.client_id,
                "username",
                gettext("Samma användarnamn står på en annan rad."),
            )
    return errors


def _batch_for_key(*, firm, submission_key) -> InvitationBatch | None:
    batch = InvitationBatch.objects.filter(submission_key=submission_key).first()
    if batch is not None and batch.firm_id != firm.pk:
        raise PermissionDenied
    return batch


def _promise(
    *, accountant, invitations: list[Invitation], now: datetime, kind: str = EventKind.CREATED
) -> list[int]:
    """Writes the deliveries and events of ``invitations`` (saved); returns the delivery ids."""
    deliveries = Delivery.objects.bulk_create(
        [delivery for invitation in invitations for delivery in promised_deliveries(invitation)]
    )
    InvitationEvent.objects.bulk_create(
        InvitationEvent(invitation=invitation, kind=kind, actor=accountant, created_at=now)
        for invitation in invitations
    )
    return [delivery.pk for delivery in deliveries]


def invite_new_users(
    *, accountant, firm, rows: list[NewUserRow], submission_key
) -> InvitationBatch:
    """Creates a client user per row and invites them, all in one transaction.

    Guarantees:
    - every rule of ``new_user_row_errors`` holds at the moment of writing: the rows'
      clients are locked, so of two accountants submitting the same client at once one
      wins and the other gets ``RowsRefused`` for that row; nothing is written then;
    - each user has no usable password and is inactive until they accept (the acceptance
      sets both), a membership in the row's client, a pending invitation with a fresh
      secret, an e-mail delivery, an SMS delivery when a mobile number was given, and a
      "created" event naming ``accountant``;
    - the deliveries are queued by one task after commit;
    - the same ``submission_key`` twice (double click, reload, two tabs) returns the batch
      of the first, and creates nothing more.
    The number of queries does not grow with the number of rows.
    """
    batch = _batch_for_key(firm=firm, submission_key=submission_key)
    if batch is not None:
        return batch
    now = timezone.now()
    try:
        with transaction.atomic():
            # First: a concurrent submission of the same key waits here on the unique index.
            batch = InvitationBatch.objects.create(
                firm=firm,
                created_by=accountant,
                kind=BatchKind.NEW_USERS,
                submission_key=submission_key,
            )
            errors = new_user_row_errors(accountant=accountant, firm=firm, rows=rows, locked=True)
            if errors:
                raise RowsRefused(errors)
            users = []
            for row in rows:
                user = User(
                    username=row.username,
                    full_name=row.full_name,
                    email=row.email,
                    mobile=row.mobile,
                    is_active=False,
                )
                user.set_unusable_password()
                users.append(user)
            User.objects.bulk_create(users)
            ClientMembership.objects.bulk_create(
                ClientMembership(client_id=row.client_id, user=user)
                for row, user in zip(rows, users, strict=True)
            )
            invitations = []
            for row, user in zip(rows, users, strict=True):
                invitation = Invitation(
                    batch=batch, user=user, client_id=row.client_id, invited_by=accountant
                )
                give_new_secret(invitation, now=now)
                invitations.append(invitation)
            Invitation.objects.bulk_create(invitations)
            enqueue_deliveries(_promise(accountant=accountant, invitations=invitations, now=now))
    except IntegrityError:
        batch = _batch_for_key(firm=firm, submission_key=submission_key)
        if batch is not None:
            return batch
        # Another submission took one of the e-mail addresses or usernames between our
        # check and our insert; checking again names the rows.
        errors = new_user_row_errors(accountant=accountant, firm=firm, rows=rows)
        raise RowsRefused(
            errors or {BATCH: {"rows": [gettext("Någon annan sparade samtidigt. Försök igen.")]}}
        ) from None
    return batch


def existing_user_errors(
    *, accountant, firm, user_ids: list[int], locked: bool = False, now: datetime | None = None
) -> tuple[dict, dict]:
    """Checks that each of ``user_ids`` may be invited by ``accountant`` now.

    Returns ``(row_errors, users)``: errors keyed by user id as ``RowsRefused`` carries
    them, and the qualifying users by id, annotated as
    ``client_users_awaiting_invitation`` annotates them.
    """
    errors: dict = {}
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        _add_error(errors, BATCH, "rows", gettext("Markera minst en användare att bjuda in."))
        return errors, {}
    if len(user_ids) > settings.INVITATION_BATCH_MAX_ROWS:
        _add_error(errors, BATCH, "rows", too_many_rows_error(len(user_ids)))
        return errors, {}
    if locked:
        list(
            User.objects.filter(pk__in=user_ids)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )
    users = client_users_awaiting_invitation(accountant=accountant, firm=firm, now=now).in_bulk(
        user_ids
    )
    for user_id in user_ids:
        if user_id not in users:
            _add_error(
                errors,
                user_id,
                "user",
                gettext(
                    "Användaren kan inte bjudas in av dig: den har redan en giltig inbjudan, "
                    "har accepterat, eller tillhör ingen klient där du är systemadministratör."
                ),
            )
    return errors, users


def invite_existing_users(
    *, accountant, firm, user_ids: list[int], submission_key
) -> InvitationBatch:
    """Invites existing client users who never accepted, all in one transaction.

    Guarantees: each user qualifies (see ``client_users_awaiting_invitation``) at the
    moment of writing (the users are locked), else ``RowsRefused`` and nothing is
    written; a lapsed pending invitation is renewed in place (new secret and expiry,
    since a user has at most one pending invitation), any other user gets a new pending
    invitation for the first client they belong to where ``accountant`` is system
    administrator; deliveries, events and the one queued task as for new users; the same
    ``submission_key`` twice returns the first batch.
    """
    batch = _batch_for_key(firm=firm, submission_key=submission_key)
    if batch is not None:
        return batch
    now = timezone.now()
    try:
        with transaction.atomic():
            batch = InvitationBatch.objects.create(
                firm=firm,
                created_by=accountant,
                kind=BatchKind.EXISTING_USERS,
                submission_key=submission_key,
            )
            errors, users = existing_user_errors(
                accountant=accountant, firm=firm, user_ids=user_ids, locked=True, now=now
            )
            if errors:
                raise RowsRefused(errors)
            lapsed = {
                invitation.user_id: invitation
                for invitation in Invitation.objects.filter(
                    user__in=list(users), status=InvitationStatus.PENDING
                )
            }
            renewed, created = [], []
            for user in users.values():
                invitation = lapsed.get(user.pk) or Invitation(user=user)
                invitation.user = user
                invitation.batch = batch
                invitation.client_id = user.invite_client_id
                invitation.invited_by = accountant
                invitation.reminded_at = None
                give_new_secret(invitation, now=now)
                (renewed if invitation.pk else created).append(invitation)
            Invitation.objects.bulk_update(
                renewed,
                [
                    "batch",
                    "client",
                    "invited_by",
                    "secret_nonce",
                    "secret_hash",
                    "expires_at",
                    "reminded_at",
                ],
            )
            Invitation.objects.bulk_create(created)
            enqueue_deliveries(
                _promise(accountant=accountant, invitations=created, now=now)
                + _promise(
                    accountant=accountant, invitations=renewed, now=now, kind=EventKind.RESENT
                )
            )
    except IntegrityError:
        batch = _batch_for_key(firm=firm, submission_key=submission_key)
        if batch is not None:
            return batch
        raise
    return batch


# --- Invitation lifecycle: accept, resend, revoke, renew, remind (issue 5) ------------------


class InvitationNotAcceptable(Exception):
    """The invitation can no longer be accepted; ``reason`` is "accepted", "revoked" or
    "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def find_invitation_by_secret(secret: str) -> Invitation | None:
    """The invitation whose link carries ``secret``, or None.

    The look-up goes by the secret's hash; the final comparison is in constant time so that
    timing says nothing about how close a guess came.
    """
    if not secret or len(secret) > 128:
        return None
    invitation = (
        Invitation.objects.select_related("user", "client__firm", "invited_by")
        .filter(secret_hash=secrets.hash_secret(secret))
        .first()
    )
    if invitation is None or not secrets.secrets_match(secret, invitation.secret_hash):
        return None
    return invitation


def accept_invitation(*, invitation: Invitation, password: str, now: datetime) -> Invitation:
    """Accepts ``invitation``: the user gets ``password`` and becomes active, the invitation
    is accepted and an "accepted" event written, all in one transaction.

    Guarantees the link works once: the row is locked and re-read, so of two simultaneous
    submissions one wins and the other raises ``InvitationNotAcceptable("accepted")``.
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
        if locked.expires_at <= now:
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


def manageable_invitations(*, accountant, firm) -> QuerySet[Invitation]:
    """Invitations ``accountant`` may resend or revoke: their own firm's, on clients where
    they are system administrator."""
    return Invitation.objects.filter(client__firm=firm).filter(
        Exists(
            ClientRight.objects.filter(
                client=OuterRef("client"), accountant=accountant, is_system_admin=True
            )
        )
    )


def _renew(invitation: Invitation, *, actor, now: datetime, detail: str = "") -> list[int]:
    # A resend is a new link: a new secret (the old link stops matching), a new expiry, and
    # a reminder of its own later on.
    give_new_secret(invitation, now=now)
    invitation.reminded_at = None
    invitation.save(update_fields=["secret_nonce", "secret_hash", "expires_at", "reminded_at"])
    deliveries = Delivery.objects.bulk_create(promised_deliveries(invitation))
    InvitationEvent.objects.create(
        invitation=invitation, kind=EventKind.RESENT, actor=actor, detail=detail, created_at=now
    )
    return [delivery.pk for delivery in deliveries]


def resend_invitations(
    *, accountant, firm, invitation_ids: list[int], now: datetime
) -> list[Invitation]:
    """Sends each pending (or expired) invitation among ``invitation_ids`` again.

    Each gets a new secret and expiry, so its old link stops working; new deliveries go
    through the outbox and are queued after commit; a "resent" event names ``accountant``.
    Invitations outside the accountant's rights, accepted or revoked ones are left
    untouched and not returned. One transaction for the whole selection.
    """
    with transaction.atomic():
        invitations = list(
            manageable_invitations(accountant=accountant, firm=firm)
            .filter(pk__in=invitation_ids, status=InvitationStatus.PENDING)
            .select_related("user")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        delivery_ids = []
        for invitation in invitations:
            delivery_ids += _renew(invitation, actor=accountant, now=now)
        enqueue_deliveries(delivery_ids)
    return invitations


def revoke_invitations(
    *, accountant, firm, invitation_ids: list[int], now: datetime
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
                _renew(locked, actor=None, now=now, detail=gettext("Begärd av mottagaren"))
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
        transaction.on_commit(lambda: _notify_accountant_of_renewal(locked), robust=True)


def _notify_accountant_of_renewal(invitation: Invitation) -> None:
    accountant = invitation.invited_by
    if not accountant.email:
        return
    detail_url = settings.SITE_URL + reverse("invitations:detail", kwargs={"pk": invitation.pk})
    with translation.override(accountant.language):
        subject = gettext("%(user)s vill ha en ny inbjudningslänk") % {
            "user": invitation.user.get_full_name()
        }
        body = render_to_string(
            "invitations/email/renewal_requested.txt",
            {"invitation": invitation, "accountant": accountant, "detail_url": detail_url},
        )
    send_mail(subject, body, None, [accountant.email])


def send_due_reminders(*, now: datetime) -> int:
    """Sends one reminder for each pending invitation that expires within
    INVITATION_REMINDER_DAYS_BEFORE_EXPIRY days and has not been reminded; returns how many.

    Goes once per link: ``reminded_at`` is set by an UPDATE conditional on it still being
    empty, and only rows that UPDATE claimed are reminded, so overlapping runs of the
    scheduler cannot both send. Reminder deliveries (purpose "reminder") go through the
    outbox like invitations.
    """
    window_end = now + timedelta(days=settings.INVITATION_REMINDER_DAYS_BEFORE_EXPIRY)
    candidates = Invitation.objects.filter(
        status=InvitationStatus.PENDING,
        reminded_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=window_end,
    ).select_related("user")
    with transaction.atomic():
        # One conditional UPDATE per row: a concurrent run waits on the row, then finds
        # reminded_at set and claims nothing.
        due = [
            invitation
            for invitation in candidates.order_by("pk")
            if Invitation.objects.filter(
                pk=invitation.pk, status=InvitationStatus.PENDING, reminded_at__isnull=True
            ).update(reminded_at=now)
        ]
        deliveries = Delivery.objects.bulk_create(
            delivery
            for invitation in due
            for delivery in promised_deliveries(invitation, purpose=DeliveryPurpose.REMINDER)
        )
        InvitationEvent.objects.bulk_create(
            InvitationEvent(invitation=i, kind=EventKind.REMINDED, created_at=now) for i in due
        )
        enqueue_deliveries([d.pk for d in deliveries])
    return len(due)
