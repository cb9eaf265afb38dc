"""Bulk entry in step 2: lines pasted or uploaded, matched to the firm's clients awaiting users.

Columns are found by their header, in Swedish or English (``HEADERS``), or without a header
by their content: e-mail addresses, organisation numbers, mobile numbers, a language, and
names. Each line is matched to one of the firm's clients by organisation number (with or
without the dash), else customer number, else client name (any case, any spacing). A
matched line becomes a row of the draft, exactly as if it had been typed: marked, with a
suggested username, up to the 50 of one round; the rest wait in the draft for the next round.
Every other line is refused with its line number and a reason (``REASONS``); a line with a
client but neither a name nor an e-mail (a line of the downloaded list left empty) is counted,
not refused. Nothing is written to the database here.
"""

import re
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.models import Language
from bureau.organisation_numbers import normalise_org_number

from . import selectors
from .drafts import MAX_DRAFT_ROWS, MAX_LENGTHS, WizardDraft
from .spreadsheets import Sheet, SheetRefused
from .usernames import normalise_username, suggest_usernames

COLUMNS = (
    "org_number",
    "customer_number",
    "client_name",
    "full_name",
    "email",
    "mobile",
    "language",
    "username",
)
CLIENT_KEYS = ("org_number", "customer_number", "client_name")

# Header names for each column, compared without case, spaces, "-", "_", "." or ":".
HEADERS = {
    "org_number": {
        "organisationsnummer",
        "organisationsnr",
        "orgnummer",
        "orgnr",
        "orgno",
        "orgnumber",
        "organisationnumber",
        "organizationnumber",
        "corporateid",
        "companynumber",
        "companyregistrationnumber",
        "registrationnumber",
    },
    "customer_number": {
        "kundnummer",
        "kundnr",
        "klientnummer",
        "klientnr",
        "customernumber",
        "customerno",
        "customerid",
        "clientnumber",
        "clientno",
        "clientid",
    },
    "client_name": {
        "klient",
        "klientnamn",
        "klientforetag",
        "företag",
        "foretag",
        "företagsnamn",
        "foretagsnamn",
        "bolag",
        "bolagsnamn",
        "client",
        "clientname",
        "company",
        "companyname",
    },
    "full_name": {
        "namn",
        "fulltnamn",
        "fullständigtnamn",
        "kontaktperson",
        "kontakt",
        "användare",
        "anvandare",
        "name",
        "fullname",
        "contact",
        "contactname",
        "contactperson",
        "user",
    },
    "email": {
        "epost",
        "epostadress",
        "mejl",
        "mejladress",
        "mail",
        "email",
        "emailaddress",
    },
    "mobile": {
        "mobil",
        "mobilnummer",
        "mobilnr",
        "mobiltelefon",
        "telefon",
        "telefonnummer",
        "tel",
        "mobile",
        "mobilenumber",
        "mobilephone",
        "cellphone",
        "phone",
        "phonenumber",
    },
    "language": {"språk", "sprak", "language", "lang"},
    "username": {"användarnamn", "anvandarnamn", "username", "login", "inloggning"},
}
_HEADER_COLUMN = {name: column for column, names in HEADERS.items() for name in names}

LANGUAGE_WORDS = {
    Language.SWEDISH: {"sv", "svenska", "swedish", "svensk", "se", "sv-se"},
    Language.ENGLISH: {"en", "engelska", "english", "engelsk", "eng", "en-gb", "en-us"},
}
_LANGUAGE_OF = {word: code for code, words in LANGUAGE_WORDS.items() for word in words}

# Suffixes of company names: without a header, the text column that ends with them holds
# the clients, the other one the people.
_COMPANY_SUFFIX = re.compile(
    r"\b(ab|hb|kb|aktiebolag|handelsbolag|kommanditbolag|ek\.? ?för\.?|ekonomisk förening|"
    r"enskild firma|ef|ltd|limited|inc|llc|gmbh|as|a/s|oy|oyj|plc|bv|sa)\.?$",
    re.IGNORECASE,
)


def _header_key(value: str) -> str:
    return re.sub(r"[\s\-_.:()*]", "", value.strip().lower())


def name_key(value: str) -> str:
    """A client name as the matching compares it: lower case, without any whitespace."""
    return "".join(value.split()).casefold()


# --- Refused lines -------------------------------------------------------------------------


def refused_reason(code: str, value: str = "", other_line: int | None = None) -> str:
    """The reason a line was refused, in the active language (stored as a code, shown later)."""
    texts = {
        "no_client_key": _("Raden har inget organisationsnummer, kundnummer eller klientnamn."),
        "bad_org_number": _("”%(value)s” är inget giltigt organisationsnummer (NNNNNN-NNNN)."),
        "unknown_org_number": _("Byrån har ingen klient med organisationsnummer %(value)s."),
        "unknown_customer_number": _("Byrån har ingen klient med kundnummer %(value)s."),
        "unknown_client_name": _("Byrån har ingen klient som heter ”%(value)s”."),
        "ambiguous_client_name": _(
            "Flera av byråns klienter heter ”%(value)s”: ange organisationsnumret."
        ),
        "has_users": _(
            "%(value)s har redan användare. Bjud in dem under ”Bjud in befintliga användare”."
        ),
        "not_system_admin": _(
            "Du är inte systemadministratör på %(value)s och kan inte skapa användare där."
        ),
        "repeated_client": _("%(value)s står redan på rad %(other)d."),
        "draft_full": _(
            "Guiden rymmer %(max)d rader åt gången. Läs in resten när de här är inbjudna."
        ),
    }
    return texts[code] % {"value": value, "other": other_line or 0, "max": MAX_DRAFT_ROWS}


@dataclass
class BulkReport:
    """What one paste or upload did, as the page tells it; kept in the draft until the next."""

    source: str  # "paste", or the uploaded file's name
    lines: int = 0
    matched: int = 0
    marked: int = 0
    waiting: int = 0
    blank: int = 0
    refused: list[tuple[int, str, str, int | None]] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_data(self) -> dict:
        return {
            "source": self.source,
            "lines": self.lines,
            "matched": self.matched,
            "marked": self.marked,
            "waiting": self.waiting,
            "blank": self.blank,
            "refused": [list(line) for line in self.refused],
            "ignored_headers": self.ignored_headers,
            "notes": self.notes,
        }

    @classmethod
    def from_data(cls, data: dict) -> "BulkReport":
        report = cls(**{k: v for k, v in data.items() if k != "refused"})
        report.refused = [tuple(line) for line in data.get("refused", [])]
        return report

    @property
    def refused_lines(self) -> list[tuple[int, str]]:
        return [
            (line, refused_reason(code, value, other)) for line, code, value, other in self.refused
        ]


# --- Columns -------------------------------------------------------------------------------


def _is_email(value: str) -> bool:
    if "@" not in value:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _is_org_number(value: str) -> bool:
    if not re.fullmatch(r"(16|19|20)?\d{6}[-+ ]?\d{4}", value.strip()):
        return False
    try:
        normalise_org_number(value)
    except ValidationError:
        return False
    return True


def _is_mobile(value: str) -> bool:
    if not re.fullmatch(r"[+\d][\d\s\-()]{6,20}", value.strip()):
        return False
    try:
        number = phonenumbers.parse(value, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _is_customer_number(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]{0,3}[-\s]?\d{1,12}", value.strip()))


def _is_company_name(value: str) -> bool:
    return bool(_COMPANY_SUFFIX.search(value))


def _is_text(value: str) -> bool:
    return bool(re.search(r"[^\W\d_]{2}", value)) and "@" not in value


def find_columns(lines: list[tuple[int, list[str]]]) -> tuple[dict[str, int], int, list[str]]:
    """Which cell of a line holds which column: ``(columns, header lines, ignored headers)``.

    A header is the first line (of the first five) where at least two cells name a known
    column, or one does and no cell looks like an e-mail address or organisation number.
    Lines above it (a title) are skipped. Without a header, columns go by their content.
    Raises ``SheetRefused`` when no column says which client a line is for, or none holds
    e-mail addresses.
    """
    for position, (_number, cells) in enumerate(lines[:5]):
        known = {}
        for index, cell in enumerate(cells):
            column = _HEADER_COLUMN.get(_header_key(cell))
            if column and column not in known:
                known[column] = index
        data_like = any(_is_email(cell) or _is_org_number(cell) for cell in cells)
        if len(known) >= 2 or (known and not data_like):
            ignored = [
                cell for index, cell in enumerate(cells) if cell and index not in known.values()
            ]
            _check_columns(known, header=True)
            return known, position + 1, ignored
    columns = _columns_by_content(lines)
    _check_columns(columns, header=False)
    return columns, 0, []


def _check_columns(columns: dict[str, int], *, header: bool) -> None:
    expected = _(
        "Väntade kolumner: organisationsnummer (eller kundnummer eller klient), namn, e-post, "
        "och gärna mobil och språk."
    )
    if not any(key in columns for key in CLIENT_KEYS):
        if header:
            message = _("Rubrikraden saknar en kolumn som säger vilken klient raden gäller.")
        else:
            message = _(
                "Hittade ingen kolumn med organisationsnummer. Lägg till en rubrikrad, eller "
                "utgå från listan under ”Ladda ner lista”."
            )
        raise SheetRefused(f"{message} {expected}")
    if "email" not in columns:
        if header:
            message = _("Rubrikraden saknar en kolumn för e-post.")
        else:
            message = _("Hittade ingen kolumn med e-postadresser.")
        raise SheetRefused(f"{message} {expected}")


def _columns_by_content(lines: list[tuple[int, list[str]]]) -> dict[str, int]:
    sample = [cells for _number, cells in lines[:200]]
    width = max((len(cells) for cells in sample), default=0)

    def share(index: int, test) -> float:
        values = [cells[index] for cells in sample if index < len(cells) and cells[index]]
        return sum(1 for value in values if test(value)) / len(values) if values else 0.0

    columns: dict[str, int] = {}
    free = set(range(width))
    for column, test in (
        ("email", _is_email),
        ("org_number", _is_org_number),
        ("mobile", _is_mobile),
        ("language", lambda value: value.strip().lower() in _LANGUAGE_OF),
        ("customer_number", _is_customer_number),
    ):
        scores = {index: share(index, test) for index in free}
        best = max(scores, key=lambda index: (scores[index], -index), default=None)
        if best is not None and scores[best] >= 0.5:
            columns[column] = best
            free.discard(best)
    texts = sorted(index for index in free if share(index, _is_text) >= 0.5)
    companies = [index for index in texts if share(index, _is_company_name) >= 0.5]
    if companies:
        columns["client_name"] = companies[0]
        texts.remove(companies[0])
    if texts:
        columns["full_name"] = texts[0]
    return columns


# --- Matching -------------------------------------------------------------------------------


def _cell(cells: list[str], columns: dict[str, int], column: str) -> str:
    index = columns.get(column)
    return cells[index] if index is not None and index < len(cells) else ""


def _language(value: str) -> str:
    if not value:
        return ""
    # An unknown word is kept as written, so that the row's check names it.
    return _LANGUAGE_OF.get(value.strip().lower(), value[:10])


def _customer_key(value: str) -> str:
    # Excel drops the leading zeros of a number in a CSV it opens: 0012 comes back as 12.
    if value.isdigit():
        return value.lstrip("0") or value
    return value


def read_into_draft(
    *, accountant, firm, draft: WizardDraft, sheet: Sheet, source: str, suggest: bool = True
) -> BulkReport:
    """Matches the lines of ``sheet`` to the firm's clients and puts the matched ones into
    ``draft`` (not saved), marked up to the round's limit; returns what happened.

    Costs at most three queries whatever the number of lines: the clients by name (only
    when some line names its client and gives no number), the clients matched, and the
    usernames the suggestions must avoid (not with ``suggest=False``, when the batch's check
    that follows suggests them). Raises ``SheetRefused`` when the columns cannot be told
    apart.
    """
    report = BulkReport(source=source, notes=list(sheet.notes))
    if not sheet.lines:
        raise SheetRefused(_("Hittade inga rader att läsa in."))
    columns, header_lines, report.ignored_headers = find_columns(sheet.lines)
    lines = sheet.lines[header_lines:]
    report.lines = len(lines)
    if not lines:
        raise SheetRefused(_("Det finns bara en rubrikrad, inga rader med användare."))

    wanted = []  # (line number, key kind, key, shown value, values)
    for number, cells in lines:
        values = {column: _cell(cells, columns, column) for column in COLUMNS}
        if not values["full_name"] and not values["email"]:
            report.blank += 1
            continue
        if values["org_number"]:
            try:
                org_number = normalise_org_number(values["org_number"])
            except ValidationError:
                report.refused.append((number, "bad_org_number", values["org_number"], None))
                continue
            wanted.append((number, "org_number", org_number, org_number, values))
        elif values["customer_number"]:
            key = _customer_key(values["customer_number"])
            wanted.append((number, "customer_number", key, values["customer_number"], values))
        elif values["client_name"]:
            key = name_key(values["client_name"])
            wanted.append((number, "client_name", key, values["client_name"], values))
        else:
            report.refused.append((number, "no_client_key", "", None))

    keys = {kind: {key for _n, k, key, _s, _v in wanted if k == kind} for kind in CLIENT_KEYS}
    clients = selectors.clients_for_bulk_entry(
        accountant=accountant,
        firm=firm,
        org_numbers=keys["org_number"],
        customer_keys=keys["customer_number"],
        name_keys=keys["client_name"],
        name_key=name_key,
    )
    found = {
        "org_number": {client.org_number: [client] for client in clients},
        "customer_number": {},
        "client_name": {},
    }
    for client in clients:
        if client.customer_number:
            found["customer_number"].setdefault(_customer_key(client.customer_number), []).append(
                client
            )
        found["client_name"].setdefault(name_key(client.name), []).append(client)

    seen: dict[int, int] = {}
    matched: list[tuple[int, int, dict]] = []  # line, client id, values
    for number, kind, key, shown, values in wanted:
        candidates = found[kind].get(key, [])
        if not candidates:
            report.refused.append((number, f"unknown_{kind}", shown, None))
            continue
        if len(candidates) > 1:
            report.refused.append((number, "ambiguous_client_name", shown, None))
            continue
        client = candidates[0]
        if client.has_own_users:
            report.refused.append((number, "has_users", client.name, None))
        elif not client.accountant_is_system_admin:
            report.refused.append((number, "not_system_admin", client.name, None))
        elif client.pk in seen:
            report.refused.append((number, "repeated_client", client.name, seen[client.pk]))
        else:
            seen[client.pk] = number
            matched.append((number, client.pk, values))

    _fill_draft(draft, matched, report, suggest=suggest)
    report.refused.sort()
    return report


def _fill_draft(
    draft: WizardDraft, matched: list[tuple[int, int, dict]], report: BulkReport, *, suggest: bool
):
    limit = settings.INVITATION_BATCH_MAX_ROWS
    incoming = {client_id for _number, client_id, _values in matched}
    room = MAX_DRAFT_ROWS - len(set(draft.rows) - incoming)
    marked_before = sum(1 for client_id in draft.marked_ids if client_id not in incoming)
    to_mark = max(0, limit - marked_before)
    rows = {}
    for number, client_id, values in matched:
        if len(rows) >= room:
            report.refused.append((number, "draft_full", "", None))
            continue
        username = normalise_username(values["username"])[: MAX_LENGTHS["username"] + 1]
        marked = len(rows) < to_mark
        rows[client_id] = {
            # One past each limit: a value that was cut is still refused as too long.
            "full_name": values["full_name"][: MAX_LENGTHS["full_name"] + 1],
            "email": values["email"][: MAX_LENGTHS["email"] + 1],
            "mobile": values["mobile"][: MAX_LENGTHS["mobile"] + 1],
            "username": username,
            "language": _language(values["language"]),
            "marked": marked,
            "username_auto": not username,
            "waiting": not marked,
            "line": number,
        }
    if suggest:
        suggest_for_marked(rows, reserved=draft.usernames(exclude=set(rows)))
    for client_id, values in rows.items():
        draft.rows.pop(client_id, None)
        draft.rows[client_id] = values
    report.matched = len(rows)
    report.marked = sum(1 for values in rows.values() if values["marked"])
    report.waiting = len(rows) - report.marked


def suggest_for_marked(rows: dict[int, dict], *, reserved) -> None:
    """Gives each marked row without a username of its own a free suggestion (one query)."""
    wanting = [
        client_id
        for client_id, values in rows.items()
        if values.get("marked") and values.get("username_auto") and values.get("full_name")
    ]
    if not wanting:
        return
    own = [values["username"] for values in rows.values() if not values.get("username_auto")]
    suggestions = suggest_usernames(
        [rows[client_id]["full_name"] for client_id in wanting], reserved=[*reserved, *own]
    )
    for client_id, username in zip(wanting, suggestions, strict=True):
        rows[client_id]["username"] = username
