import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import User
from bureau.models import Firm
from bureau.organisation_numbers import normalise_org_number
from clients.services import ClientRow, import_clients

# Header names accepted for each column, compared without case, spaces, "-", "_" or ".".
HEADERS = {
    "name": {"name", "namn", "foretagsnamn", "företagsnamn", "klient", "klientnamn"},
    "org_number": {
        "orgnumber",
        "organisationnumber",
        "organisationsnummer",
        "orgnr",
        "organisationsnr",
        "orgnummer",
    },
    "customer_number": {"customernumber", "kundnummer", "kundnr"},
}


def _header_key(value: str) -> str:
    return "".join(ch for ch in value.strip().lower() if ch not in " -_.")


class Command(BaseCommand):
    help = (
        "Creates or updates a firm's client companies from a CSV file with a header row and the "
        "columns name, organisation number, customer number (';' or ',' separated, UTF-8). "
        "Clients are matched by organisation number; bad lines are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--firm", required=True, help="The firm's organisation number or database id."
        )
        parser.add_argument(
            "--system-admin",
            action="append",
            default=[],
            metavar="USERNAME",
            help="An accountant of the firm who becomes system administrator on new clients "
            "(repeatable).",
        )

    # Everything it prints is Swedish, the reasons from the services included, whatever
    # language is active (issue 9: a command prints in one language).
    @translation.override("sv")
    def handle(self, *args, file, firm, system_admin, **options):
        firm = self._firm(firm)
        admins = self._admins(firm, system_admin)
        try:
            handle = file.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise CommandError(f"Kan inte läsa {file}: {error.strerror}") from None
        with handle:
            try:
                rows, read_errors = self._read(handle)
            except UnicodeDecodeError:
                raise CommandError(f"{file} är inte UTF-8.") from None
            result = import_clients(
                firm=firm,
                rows=rows,
                system_admins=admins,
                on_progress=lambda n: self.stdout.write(f"… {n} rader kontrollerade"),
            )
        errors = sorted(read_errors + result.errors)
        for line_number, reason in errors:
            self.stderr.write(f"rad {line_number}: {reason}")
        self.stdout.write(
            f"{firm.name}: {result.created} nya, {result.updated} uppdaterade, "
            f"{result.unchanged} oförändrade, {len(errors)} fel."
        )
        if errors:
            raise CommandError(
                f"{len(errors)} rader hade fel och lästes inte in; övriga är sparade.",
                returncode=1,
            )

    def _firm(self, value: str) -> Firm:
        firms = Firm.objects.all()
        if value.isdigit() and len(value) < 10:
            firm = firms.filter(pk=int(value)).first()
        else:
            try:
                firm = firms.filter(org_number=normalise_org_number(value)).first()
            except ValidationError:
                firm = None
        if firm is None:
            raise CommandError(f"Ingen byrå med id eller organisationsnummer {value}.")
        return firm

    def _admins(self, firm: Firm, usernames: list[str]) -> list[User]:
        admins = list(
            User.objects.filter(username__in=usernames, firm_membership__firm=firm).distinct()
        )
        missing = set(usernames) - {user.username for user in admins}
        if missing:
            raise CommandError(f"Inga konsulter på {firm.name} med användarnamnet: {missing}.")
        return admins

    def _read(self, handle) -> tuple[list[ClientRow], list[tuple[int, str]]]:
        header_line = handle.readline()
        if not header_line.strip():
            raise CommandError("Filen är tom: första raden ska vara kolumnrubrikerna.")
        delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
        header = next(csv.reader([header_line], delimiter=delimiter))
        columns = {}
        for position, title in enumerate(header):
            for column, names in HEADERS.items():
                if _header_key(title) in names:
                    columns[column] = position
        if "name" not in columns or "org_number" not in columns:
            raise CommandError(
                "Rubrikraden ska ha kolumnerna namn, organisationsnummer och (frivilligt) "
                f"kundnummer; filen har {header}."
            )
        rows, errors = [], []
        reader = csv.reader(handle, delimiter=delimiter)
        for fields in reader:
            # The header was read apart from the reader, so its line counts are one short.
            line_number = reader.line_num + 1
            if not any(value.strip() for value in fields):
                continue
            if len(fields) < max(columns.values()) + 1:
                errors.append((line_number, f"För få kolumner ({len(fields)})."))
                continue
            rows.append(
                ClientRow(
                    line_number=line_number,
                    name=fields[columns["name"]],
                    org_number=fields[columns["org_number"]],
                    customer_number=(
                        fields[columns["customer_number"]] if "customer_number" in columns else ""
                    ),
                )
            )
        return rows, errors
