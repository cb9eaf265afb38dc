"""Spreadsheets in and out of the wizard: rows pasted from a spreadsheet, CSV and XLSX files
read into lines of text, and the firm's list of clients awaiting users written as CSV or XLSX.

Every file is hostile until read. What it is comes from its content, not its name (a PDF
renamed ``.xlsx`` is named as a PDF); text is UTF-8 (with or without BOM), UTF-16 with a BOM
(Excel's "Unicode text") or Windows-1252 (Swedish Excel's CSV), and a file that mixes them is
refused rather than read as garbled names. Every limit below is stated in the page next to
the upload and checked before the work it bounds.

XLSX is read with openpyxl, in read-only mode: the sheet's XML is streamed row by row, so a
sheet of a million rows is refused after the first few thousand instead of being loaded, and
with defusedxml installed openpyxl refuses XML entity tricks. ``data_only=False`` makes a
formula cell read as the text of its formula, never evaluated and never its cached result.
(python-calamine is faster, but gives only the results a spreadsheet cached for formulas, and
builds the sheet's whole used range in memory, so a cell in the millionth row costs a
million rows.) Before openpyxl sees the file, the zip's own directory is checked: too many
parts or too many bytes once unpacked (a zip bomb) is refused; Python's zipfile never
inflates a part beyond the size its directory states.
"""

import codecs
import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import filetype
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PASTE_CHARS = 1_000_000
# Lines with content, a header included: a firm's whole list of 5,000 clients fits.
MAX_LINES = 5_001
MAX_COLUMNS = 50
# A sheet's rows, empty ones included: a sheet with content far below its data is refused
# before the empty rows between are counted out one by one.
MAX_SHEET_ROWS = 20_000
# Longer than any field of a row, so that a cut value is still refused as too long.
MAX_CELL_CHARS = 1_000
XLSX_MAX_PARTS = 1_000
XLSX_MAX_UNPACKED_BYTES = 30 * 1024 * 1024

# What a spreadsheet would run as a formula; written with a leading apostrophe to CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Bytes of UTF-8 for the letters of Swedish and its neighbours (Ã + a continuation byte):
# in a file that is not valid UTF-8 they mean two encodings mixed, not Windows-1252 text.
_UTF8_LETTER = re.compile(rb"[\xc3\xc5][\x80-\xbf]")


class SheetRefused(Exception):
    """The pasted text or the file cannot be read; ``message`` says why, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    """The lines of one sheet with any content, each with its number as the person sees it
    (the spreadsheet's row, the file's line, the pasted line) and its cells as text."""

    lines: list[tuple[int, list[str]]]
    source: str  # "paste", "csv" or "xlsx"
    sheet_name: str = ""
    sheet_count: int = 1
    notes: list[str] = field(default_factory=list)


# --- Reading -----------------------------------------------------------------------------------


def read_paste(text: str) -> Sheet:
    """Rows pasted from Excel, Numbers or Google Sheets (tab-separated) or CSV text."""
    if len(text) > MAX_PASTE_CHARS:
        raise SheetRefused(
            _(
                "Det inklistrade är för långt (högst %(max)s tecken). Klistra in färre rader "
                "åt gången, eller ladda upp filen i stället."
            )
            % {"max": thousands(MAX_PASTE_CHARS)}
        )
    if "\x00" in text:
        raise SheetRefused(
            _("Det inklistrade innehåller binära data, inte rader ur ett kalkylblad.")
        )
    return Sheet(lines=_read_text(text, source="paste"), source="paste")


def read_upload(upload) -> Sheet:
    """A CSV or XLSX file, told apart by its content; anything else is refused."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise SheetRefused(too_big_message())
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SheetRefused(too_big_message())
    if not data.strip():
        raise SheetRefused(_("Filen är tom."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetRefused(
            _(
                "Filen är i Excels gamla format (.xls). Spara den som Excel-arbetsbok (.xlsx) "
                "eller CSV och ladda upp igen."
            )
        )
    kind = filetype.guess(data[:8192])
    if kind is not None:
        raise SheetRefused(
            _("Filen är en %(kind)s-fil, inte ett kalkylblad. Ladda upp en CSV- eller XLSX-fil.")
            % {"kind": kind.extension.upper()}
        )
    text = _decode(data)
    return Sheet(lines=_read_text(text, source="csv"), source="csv")


def too_big_message() -> str:
    return _(
        "Filen är större än %(max)d MB. Dela upp den, eller ta bort kolumner som inte behövs."
    ) % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)}


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise SheetRefused(_unknown_encoding()) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if _UTF8_LETTER.search(data):
                raise SheetRefused(
                    _(
                        "Filen blandar teckenkodningar (både UTF-8 och Windows-1252), så å, ä "
                        "och ö skulle bli fel. Spara den igen som ”CSV UTF-8” och ladda upp den."
                    )
                ) from None
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise SheetRefused(_unknown_encoding()) from None
    if "\x00" in text:
        raise SheetRefused(_("Filen är inte en textfil (CSV) och inte en XLSX-fil."))
    return text


def _unknown_encoding() -> str:
    return _(
        "Filens teckenkodning känns inte igen. Spara den som ”CSV UTF-8” eller som "
        "Excel-arbetsbok (.xlsx) och ladda upp igen."
    )


def _delimiter(text: str) -> str:
    sample = [line for line in text.splitlines()[:20] if line.strip()]
    if any("\t" in line for line in sample):
        return "\t"
    semicolons = sum(line.count(";") for line in sample)
    commas = sum(line.count(",") for line in sample)
    return ";" if semicolons >= commas else ","


def _read_text(text: str, *, source: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    lines = []
    first_line = 1
    try:
        for cells in reader:
            number, first_line = first_line, reader.line_num + 1
            if len(cells) > MAX_COLUMNS and any(cell.strip() for cell in cells[MAX_COLUMNS:]):
                raise SheetRefused(too_many_columns_message(number))
            cleaned = [clean_cell(cell) for cell in cells[:MAX_COLUMNS]]
            while cleaned and not cleaned[-1]:
                cleaned.pop()
            if cleaned:
                lines.append((number, cleaned))
                if len(lines) > MAX_LINES:
                    raise SheetRefused(too_many_lines_message(source))
    except csv.Error:
        raise SheetRefused(
            _("Rad %(line)d kunde inte läsas: kontrollera citattecknen på raden.")
            % {"line": first_line}
        ) from None
    return lines


def too_many_lines_message(source: str) -> str:
    if source == "paste":
        return _(
            "Du har klistrat in fler än %(max)s rader. Klistra in högst %(max)s åt gången."
        ) % {"max": thousands(MAX_LINES - 1)}
    return _("Filen har fler än %(max)s rader. Dela upp den i filer om högst %(max)s rader.") % {
        "max": thousands(MAX_LINES - 1)
    }


def too_many_columns_message(line: int) -> str:
    return _(
        "Rad %(line)d har fler än %(max)d kolumner. Ta bort kolumner som inte behövs: guiden "
        "läser organisationsnummer, kundnummer, klient, namn, e-post, mobil, språk och "
        "användarnamn."
    ) % {"line": line, "max": MAX_COLUMNS}


def thousands(number: int) -> str:
    """``number`` with Swedish digit groups (a no-break space between them)."""
    return f"{number:,}".replace(",", "\u00a0")


def clean_cell(value: str) -> str:
    """A cell as text: no-break spaces as spaces, trimmed, bounded, and without the apostrophe
    that our own list puts before a cell a spreadsheet would otherwise run as a formula."""
    value = value.replace("\u00a0", " ").strip()[:MAX_CELL_CHARS]
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        value = value[1:]
    return value


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return clean_cell(str(value))


def _read_xlsx(data: bytes) -> Sheet:
    not_xlsx = _(
        "Filen är ingen XLSX-fil som går att läsa. Spara den som Excel-arbetsbok (.xlsx) eller CSV."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise SheetRefused(not_xlsx) from None
    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and "content.xml" in names:
            raise SheetRefused(
                _("Filen är ett OpenDocument-kalkylblad (.ods). Spara den som .xlsx eller CSV.")
            )
        if "word/document.xml" in names:
            raise SheetRefused(_("Filen är ett Word-dokument, inte ett kalkylblad."))
        if "Index/Document.iwa" in names or any(n.startswith("Index/") for n in names):
            raise SheetRefused(
                _("Filen är ett Numbers-dokument. Exportera det som Excel (.xlsx) eller CSV.")
            )
        raise SheetRefused(
            _("Filen är en zip-fil, inte ett kalkylblad. Ladda upp en CSV- eller XLSX-fil.")
        )
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > XLSX_MAX_PARTS or unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise SheetRefused(
            _(
                "Filen packas upp till mer än %(max)d MB och läses inte (den kan vara byggd för "
                "att fylla servern). Spara bladet som en ny XLSX- eller CSV-fil."
            )
            % {"max": XLSX_MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    import openpyxl  # only here: a paste or a CSV file never needs it

    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it skips (data validation, styles): not ours to show.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
            try:
                return _read_worksheet(workbook)
            finally:
                workbook.close()
    except SheetRefused:
        raise
    except Exception:  # noqa: BLE001 - a hostile file may break the parser in any way
        raise SheetRefused(not_xlsx) from None


def _read_worksheet(workbook) -> Sheet:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    worksheets = [sheet for sheet in workbook.worksheets if isinstance(sheet, ReadOnlyWorksheet)]
    if not worksheets:
        raise SheetRefused(_("Filen har inget blad med rader."))
    active = workbook.active
    worksheet = active if active in worksheets else worksheets[0]
    # The stated size of the sheet is the file's claim: rows are read as they come instead.
    worksheet.reset_dimensions()
    lines = []
    rows = worksheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
    for number, values in enumerate(rows, start=1):
        if number > MAX_SHEET_ROWS:
            raise SheetRefused(
                _(
                    "Bladet ”%(sheet)s” har fler än %(max)s rader. Ta bort tomma rader och "
                    "dela upp det."
                )
                % {"sheet": worksheet.title, "max": thousands(MAX_SHEET_ROWS)}
            )
        if not values:
            continue
        if len(values) > MAX_COLUMNS and _cell_text(values[MAX_COLUMNS]):
            raise SheetRefused(too_many_columns_message(number))
        cells = [_cell_text(value) for value in values[:MAX_COLUMNS]]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            lines.append((number, cells))
            if len(lines) > MAX_LINES:
                raise SheetRefused(too_many_lines_message("xlsx"))
    notes = []
    if len(worksheets) > 1:
        notes.append(
            ngettext(
                "Filen har %(count)d blad; bladet ”%(sheet)s” lästes in.",
                "Filen har %(count)d blad; bladet ”%(sheet)s” lästes in.",
                len(worksheets),
            )
            % {"count": len(worksheets), "sheet": worksheet.title}
        )
    return Sheet(
        lines=lines,
        source="xlsx",
        sheet_name=worksheet.title,
        sheet_count=len(worksheets),
        notes=notes,
    )


# --- Writing -----------------------------------------------------------------------------------


def formula_safe(value: str) -> str:
    """``value`` for a CSV cell: one a spreadsheet would run as a formula gets an apostrophe
    first, which spreadsheets show as text (and ``clean_cell`` removes when it comes back)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def write_csv(header: list[str], rows) -> bytes:
    """UTF-8 with a BOM and ``;`` between cells, as Swedish Excel opens it without asking."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        cells = list(row) + [""] * (len(header) - len(row))
        writer.writerow([formula_safe(value or "") for value in cells])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def write_xlsx(header: list[str], rows, *, sheet_title: str, widths: list[int]) -> bytes:
    """One sheet, every cell stored as text (a cell is never a formula, whatever it begins
    with, and shows with Excel's text marker when it would look like one); the empty columns
    are formatted as text too, so that 070… keeps its zero when typed in."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def text_cell(value: str, *, font=None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet)
        cell.value = value or None
        cell.data_type = "s"  # openpyxl would take "=…" for a formula
        cell.number_format = "@"
        if value and value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        if font is not None:
            cell.font = font
        return cell

    sheet.append([text_cell(title, font=bold) for title in header])
    for row in rows:
        cells = list(row) + [""] * (len(header) - len(row))
        sheet.append([text_cell(value) for value in cells])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
