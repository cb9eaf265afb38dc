"""Writes of client companies: creating one by hand, and importing many from a file."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from bureau.models import Firm, FirmMembership
from bureau.organisation_numbers import normalise_org_number

from .models import ClientCompany, ClientRight
from .selectors import client_number_taken

NAME_MAX_LENGTH = ClientCompany._meta.get_field("name").max_length
CUSTOMER_NUMBER_MAX_LENGTH = ClientCompany._meta.get_field("customer_number").max_length


def _org_number_taken_message(org_number: str) -> str:
    return _("Byrån har redan en klient med organisationsnumret %(number)s.") % {
        "number": org_number
    }


def _customer_number_taken_message(customer_number: str) -> str:
    return _("Byrån har redan en klient med kundnumret %(number)s.") % {"number": customer_number}


def create_client(
    *, accountant: User, firm: Firm, name: str, org_number: str, customer_number: str = ""
) -> ClientCompany:
    """Creates a client company of ``firm`` and makes ``accountant`` its system administrator.

    The organisation number is stored normalised (NNNNNN-NNNN). Raises ``ValidationError``
    keyed by field when the number is invalid, or when the firm already has a client with the
    same organisation number or customer number; nothing is written then.

    The creating accountant gets the system-administrator right on the new client, so that
    they can go on to invite its users at once without asking a firm administrator.
    """
    name = name.strip()
    customer_number = customer_number.strip()
    try:
        org_number = normalise_org_number(org_number)
    except ValidationError as error:
        raise ValidationError({"org_number": error.messages}) from None

    if errors := _numbers_taken(firm=firm, org_number=org_number, customer_number=customer_number):
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            client = ClientCompany.objects.create(
                firm=firm, name=name, org_number=org_number, customer_number=customer_number
            )
            ClientRight.objects.create(accountant=accountant, client=client, is_system_admin=True)
    except IntegrityError:
        # Another request took one of the numbers between our check and our insert; checking
        # again names which.
        errors = _numbers_taken(firm=firm, org_number=org_number, customer_number=customer_number)
        raise ValidationError(
            errors or {"org_number": _org_number_taken_message(org_number)}
        ) from None
    return client


def _numbers_taken(*, firm: Firm, org_number: str, customer_number: str) -> dict[str, str]:
    """The firm's uniqueness rules: an error per number another client of ``firm`` holds."""
    taken = client_number_taken(firm=firm, org_number=org_number, customer_number=customer_number)
    errors = {}
    if taken["org_number"]:
        errors["org_number"] = _org_number_taken_message(org_number)
    if taken["customer_number"]:
        errors["customer_number"] = _customer_number_taken_message(customer_number)
    return errors


@dataclass(frozen=True)
class ClientRow:
    """One line of an import file, as read: nothing is validated yet."""

    line_number: int
    name: str
    org_number: str
    customer_number: str = ""


@dataclass
class ClientImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (line number, reason), in file order.
    errors: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _ValidRow:
    line_number: int
    name: str
    org_number: str
    customer_number: str


def _validate_rows(
    rows: Iterable[ClientRow],
    result: ClientImportResult,
    on_progress: Callable[[int], None] | None,
    progress_every: int,
) -> list[_ValidRow]:
    valid: list[_ValidRow] = []
    line_of_org_number: dict[str, int] = {}
    line_of_customer_number: dict[str, int] = {}
    for count, row in enumerate(rows, start=1):
        if on_progress and count % progress_every == 0:
            on_progress(count)
        reason = None
        name = (row.name or "").strip()
        customer_number = (row.customer_number or "").strip()
        org_number = ""
        if not name:
            reason = _("Namn saknas.")
        elif len(name) > NAME_MAX_LENGTH:
            reason = _("Namnet är längre än %(max)d tecken.") % {"max": NAME_MAX_LENGTH}
        elif len(customer_number) > CUSTOMER_NUMBER_MAX_LENGTH:
            reason = _("Kundnumret är längre än %(max)d tecken.") % {
                "max": CUSTOMER_NUMBER_MAX_LENGTH
            }
        else:
            try:
                org_number = normalise_org_number(row.org_number)
            except ValidationError as error:
                reason = " ".join(error.messages)
        if reason is None and org_number in line_of_org_number:
            reason = _("Organisationsnumret %(number)s finns redan på rad %(line)d.") % {
                "number": org_number,
                "line": line_of_org_number[org_number],
            }
        if reason is None and customer_number and customer_number in line_of_customer_number:
            reason = _("Kundnumret %(number)s finns redan på rad %(line)d.") % {
                "number": customer_number,
                "line": line_of_customer_number[customer_number],
            }
        if reason is not None:
            result.errors.append((row.line_number, reason))
            continue
        line_of_org_number[org_number] = row.line_number
        if customer_number:
            line_of_customer_number[customer_number] = row.line_number
        valid.append(_ValidRow(row.line_number, name, org_number, customer_number))
    return valid


def import_clients(
    *,
    firm: Firm,
    rows: Iterable[ClientRow],
    system_admins: Iterable[User] = (),
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> ClientImportResult:
    """Creates or updates ``firm``'s client companies from ``rows``, matched by org number.

    Every row is validated before anything is written; a bad row (no name, an invalid
    organisation number, a number that repeats an earlier line, a customer number another
    client of the firm holds) is reported with its line number and skipped, and the good rows
    are written in one transaction with a fixed number of queries, whatever the row count.
    An empty customer number leaves an existing client's number as it is. Running the same
    file twice changes nothing. Each accountant in ``system_admins`` becomes system
    administrator on the clients this import creates; all of them must be accountants of
    ``firm``, else ``PermissionDenied`` and nothing is written.
    """
    admins = list(system_admins)
    if admins and FirmMembership.objects.filter(firm=firm, user__in=admins).count() != len(
        {admin.pk for admin in admins}
    ):
        # Rights on a firm's clients are for its own accountants only.
        raise PermissionDenied("every system administrator must be an accountant of the firm")
    result = ClientImportResult()
    valid = _validate_rows(rows, result, on_progress, progress_every)

    with transaction.atomic():
        existing = {
            client.org_number: client
            for client in ClientCompany.objects.filter(firm=firm).only(
                "id", "firm_id", "name", "org_number", "customer_number"
            )
        }
        holder_of_customer_number = {
            client.customer_number: org_number
            for org_number, client in existing.items()
            if client.customer_number
        }
        to_create: list[ClientCompany] = []
        to_update: list[ClientCompany] = []
        for row in valid:
            holder = holder_of_customer_number.get(row.customer_number)
            if row.customer_number and holder is not None and holder != row.org_number:
                result.errors.append(
                    (row.line_number, _customer_number_taken_message(row.customer_number))
                )
                continue
            client = existing.get(row.org_number)
            if client is None:
                to_create.append(
                    ClientCompany(
                        firm=firm,
                        name=row.name,
                        org_number=row.org_number,
                        customer_number=row.customer_number,
                    )
                )
                continue
            customer_number = row.customer_number or client.customer_number
            if client.name == row.name and client.customer_number == customer_number:
                result.unchanged += 1
                continue
            client.name = row.name
            client.customer_number = customer_number
            to_update.append(client)

        created = ClientCompany.objects.bulk_create(to_create, batch_size=1000)
        ClientCompany.objects.bulk_update(to_update, ["name", "customer_number"], batch_size=1000)
        if created and admins:
            ClientRight.objects.bulk_create(
                [
                    ClientRight(accountant=accountant, client=client, is_system_admin=True)
                    for client in created
                    for accountant in admins
                ],
                batch_size=1000,
            )
    result.created = len(created)
    result.updated = len(to_update)
    result.errors.sort()
    return result
