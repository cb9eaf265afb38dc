"""The "Bjud in klientanvändare" wizard: new users and existing users (issue 3)."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import Language, User
from bureau.models import Firm
from clients.models import ClientCompany, ClientMembership
from operations.bulk_insert import insert_all, insert_columns

from ..delivery import enqueue_deliveries, promise_deliveries
from ..links import give_new_secret
from ..models import (
    BatchKind,
    EventKind,
    Invitation,
    InvitationBatch,
    InvitationEvent,
    InvitationStatus,
)
from ..selectors import client_users_awaiting_invitation, clients_of_rows


@dataclass(frozen=True)
class NewUserRow:
    """One marked row of the wizard, its shape already checked (see ``invitations.forms``).

    ``mobile`` is E.164 or empty; ``username`` and ``email`` are as they will be stored;
    ``language`` (an ``accounts.models.Language``) is the one the invitation and the
    portal speak to the user.
    """

    client_id: int
    full_name: str
    email: str
    username: str
    mobile: str = ""
    language: str = Language.SWEDISH


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
    """The message for a batch of ``count`` rows, over INVITATION_BATCH_MAX_ROWS."""
    limit = settings.INVITATION_BATCH_MAX_ROWS
    extra = count - limit
    return (
        gettext("Du har markerat %(count)d rader. Högst %(max)d användare kan bjudas in åt gången.")
        % {"count": count, "max": limit}
        + " "
        + ngettext(
            "Avmarkera %(extra)d rad och försök igen.",
            "Avmarkera %(extra)d rader och försök igen.",
            extra,
        )
        % {"extra": extra}
    )


def new_user_row_errors(
    *,
    accountant: User,
    firm: Firm,
    rows: list[NewUserRow],
    locked: bool = False,
    count_rows: bool = True,
    clients: dict | None = None,
    taken_by_insert: bool = False,
) -> dict:
    """Every business rule a batch of new users must pass, checked for all rows at once.

    Returns ``row_errors`` as ``RowsRefused`` carries them (empty: the batch may be
    written). Three queries whatever the number of rows (four when ``locked``): the
    clients (locked first when ``locked``, inside the caller's transaction), their state,
    and the e-mail addresses and usernames already taken (one query for both).
    ``taken_by_insert``: the caller's insert lets the unique indexes refuse a taken address
    or username (and then asks again, to name the rows); that last query is then made only
    when another rule already refuses the batch, so that the refusal names every error.
    ``count_rows=False`` checks the rows even when there are too many for one batch (the
    wizard names every error at once; the size is its own).
    ``clients`` spares the clients' query when the caller has just read them with
    ``clients_of_rows`` (by id); never together with ``locked``.
    """
    errors: dict = {}
    if not rows:
        _add_error(errors, BATCH, "rows", gettext("Markera minst en rad att bjuda in."))
        return errors
    if count_rows and len(rows) > settings.INVITATION_BATCH_MAX_ROWS:
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
    if clients is None or locked:
        # Only the rules' flags are needed here: rows as named tuples, not model instances.
        clients = {
            client.pk: client
            for client in clients_of_rows(
                accountant=accountant, firm=firm, client_ids=client_ids
            ).values_list("pk", "accountant_is_system_admin", "has_own_users", named=True)
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
    usernames = [row.username.lower() for row in rows]
    repeated = len(set(emails)) < len(emails) or len(set(usernames)) < len(usernames)
    if errors or repeated or not taken_by_insert:
        taken_emails, taken = _taken_emails_and_usernames(set(emails), set(usernames))
    else:
        taken_emails, taken = set(), set()
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


def _taken_emails_and_usernames(emails: set[str], usernames: set[str]) -> tuple[set, set]:
    """Which of ``emails`` and ``usernames`` (lower case) existing users have, in one query:
    ``lower(email)`` and ``lower(username)`` are the expressions of their unique indexes."""
    taken_emails, taken_names = set(), set()
    for email, username in (
        User.objects.annotate(email_lower=Lower("email"), username_lower=Lower("username"))
        .filter(Q(email_lower__in=emails) | Q(username_lower__in=usernames))
        .values_list("email_lower", "username_lower")
    ):
        if email in emails:
            taken_emails.add(email)
        if username in usernames:
            taken_names.add(username)
    return taken_emails, taken_names


def _batch_for_key(*, firm: Firm, submission_key: uuid.UUID) -> InvitationBatch | None:
    batch = InvitationBatch.objects.filter(submission_key=submission_key).first()
    if batch is not None and batch.firm_id != firm.pk:
        raise PermissionDenied
    return batch


def _once_per_submission(
    *,
    accountant: User,
    firm: Firm,
    kind: str,
    submission_key: uuid.UUID,
    write: Callable[[InvitationBatch, datetime], None],
) -> InvitationBatch:
    """Creates the batch of ``submission_key`` and calls ``write(batch, now)``, in one
    transaction; or returns the batch that key already has, writing nothing.

    The batch is inserted first, with no look-up before it (the wizard's view has just made
    one): a key already used fails on the unique index, and so does a concurrent submission
    of the same key once the first commits; both then return the first one's batch. Any
    other ``IntegrityError`` (a row taken meanwhile) is left for the caller to name.
    """
    try:
        with transaction.atomic():
            batch = InvitationBatch.objects.create(
                firm=firm, created_by=accountant, kind=kind, submission_key=submission_key
            )
            write(batch, timezone.now())
    except IntegrityError:
        batch = _batch_for_key(firm=firm, submission_key=submission_key)
        if batch is not None:
            return batch
        raise
    return batch


def _promise(
    *, accountant: User, invitations: list[Invitation], now: datetime, kind: str = EventKind.CREATED
) -> list[int]:
    """Writes the deliveries and events of ``invitations`` (saved); returns the delivery ids."""
    delivery_ids = promise_deliveries(invitations)
    insert_columns(
        InvitationEvent,
        invitation_id=[invitation.pk for invitation in invitations],
        kind=kind,
        actor_id=accountant.pk,
        created_at=now,
    )
    return delivery_ids


def invite_new_users(
    *, accountant: User, firm: Firm, rows: list[NewUserRow], submission_key: uuid.UUID
) -> InvitationBatch:
    """Creates a client user per row and invites them, all in one transaction.

    Guarantees:
    - every rule of ``new_user_row_errors`` holds at the moment of writing: the rows'
      clients are locked, so of two accountants submitting the same client at once one
      wins and the other gets ``RowsRefused`` for that row; nothing is written then;
    - each user has no usable password and is inactive until they accept (the acceptance
      sets both), the row's language (the invitation is written in it), a membership in
      the row's client, a pending invitation with a fresh secret, an e-mail delivery, an SMS
      delivery when a mobile number was given, and a "created" event naming ``accountant``;
    - the deliveries are queued by one task after commit;
    - the same ``submission_key`` twice (double click, reload, two tabs) returns the batch
      of the first, and creates nothing more.
    The number of queries does not grow with the number of rows.
    """

    def write(batch: InvitationBatch, now: datetime) -> None:
        # Users are not locked: the unique indexes on e-mail and username are what keeps
        # them unique, so the insert is the check, and a refusal is named below.
        errors = new_user_row_errors(
            accountant=accountant, firm=firm, rows=rows, locked=True, taken_by_insert=True
        )
        if errors:
            raise RowsRefused(errors)
        users = []
        for row in rows:
            user = User(
                username=row.username,
                full_name=row.full_name,
                email=row.email,
                mobile=row.mobile,
                language=row.language,
                is_active=False,
                date_joined=now,
            )
            user.set_unusable_password()
            users.append(user)
        # insert_all: one statement each, what the rows share prepared once (issue 11).
        insert_all(users)
        insert_columns(
            ClientMembership,
            client_id=[row.client_id for row in rows],
            user_id=[user.pk for user in users],
        )
        invitations = []
        for row, user in zip(rows, users, strict=True):
            invitation = Invitation(
                batch=batch, user=user, client_id=row.client_id, invited_by=accountant
            )
            give_new_secret(invitation, now=now)
            invitations.append(invitation)
        insert_all(invitations)
        enqueue_deliveries(_promise(accountant=accountant, invitations=invitations, now=now))

    try:
        return _once_per_submission(
            accountant=accountant,
            firm=firm,
            kind=BatchKind.NEW_USERS,
            submission_key=submission_key,
            write=write,
        )
    except IntegrityError:
        # An e-mail address or username was taken since the review (by another submission,
        # perhaps at this moment): the unique indexes refused the insert, and nothing is
        # written. Checking again names the rows.
        errors = new_user_row_errors(accountant=accountant, firm=firm, rows=rows)
        raise RowsRefused(
            errors or {BATCH: {"rows": [gettext("Någon annan sparade samtidigt. Försök igen.")]}}
        ) from None


def existing_user_errors(
    *,
    accountant: User,
    firm: Firm,
    user_ids: list[int],
    locked: bool = False,
    now: datetime | None = None,
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
    *, accountant: User, firm: Firm, user_ids: list[int], submission_key: uuid.UUID
) -> InvitationBatch:
    """Invites existing client users who never accepted, all in one transaction.

    Guarantees: each user qualifies (see ``client_users_awaiting_invitation``) at the
    moment of writing (the users are locked), else ``RowsRefused`` and nothing is
    written; a lapsed pending invitation is renewed in place (new secret and expiry,
    since a user has at most one pending invitation) unless it is another firm's, which
    is closed (revoked) with its trail left to that firm; any other user gets a new pending
    invitation for the first client they belong to where ``accountant`` is system
    administrator; deliveries, events and the one queued task as for new users; the same
    ``submission_key`` twice returns the first batch.
    """

    def write(batch: InvitationBatch, now: datetime) -> None:
        errors, users = existing_user_errors(
            accountant=accountant, firm=firm, user_ids=user_ids, locked=True, now=now
        )
        if errors:
            raise RowsRefused(errors)
        lapsed = {
            invitation.user_id: invitation
            for invitation in Invitation.objects.filter(
                user__in=list(users), status=InvitationStatus.PENDING
            ).select_related("client")
        }
        # A lapsed invitation of another firm (the user belongs to its client too) stays
        # that firm's, with its trail: it is closed there, since a user has at most one
        # pending invitation, and this firm's invitation is a new one.
        elsewhere = [i for i in lapsed.values() if i.client.firm_id != firm.pk]
        Invitation.objects.filter(pk__in=[i.pk for i in elsewhere]).update(
            status=InvitationStatus.REVOKED, revoked_at=now
        )
        InvitationEvent.objects.bulk_create(
            InvitationEvent(invitation=i, kind=EventKind.REVOKED, created_at=now) for i in elsewhere
        )
        for invitation in elsewhere:
            del lapsed[invitation.user_id]
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
            + _promise(accountant=accountant, invitations=renewed, now=now, kind=EventKind.RESENT)
        )

    return _once_per_submission(
        accountant=accountant,
        firm=firm,
        kind=BatchKind.EXISTING_USERS,
        submission_key=submission_key,
        write=write,
    )
