"""Bad input to bulk entry, through HTTP: whatever is pasted or uploaded, the answer is step 2
with a clear message next to the field that caused it, the draft as it was, nothing created,
and never a server error."""

import codecs
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.utils import get_column_letter

from accounts.models import User
from invitations.models import InvitationBatch
from invitations.spreadsheets import MAX_UPLOAD_BYTES
from tests.clients.factories import administered_client
from tests.invitations.sheets import inline, raw_xlsx, sheet_xml
from tests.invitations.wizard import fields, granska, page_text, rows_post, start


def zip_bomb() -> bytes:
    """A valid-looking XLSX whose sheet unpacks to 200 MB of spaces (a few hundred kB packed)."""
    return raw_xlsx(sheet_xml("").encode() + b" " * (200 * 1024 * 1024))


def zip_bomb_by_parts() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(2000):
            archive.writestr(f"xl/parts/{n}.xml", "")
    return out.getvalue()


def million_rows() -> bytes:
    rows = (
        f'<row r="1">{inline("A1", "Namn")}</row><row r="1000000">{inline("A1000000", "x")}</row>'
    )
    return raw_xlsx(sheet_xml(rows))


def ten_thousand_columns_xlsx() -> bytes:
    cells = "".join(inline(f"{get_column_letter(n)}1", "v") for n in range(1, 10_001))
    return raw_xlsx(sheet_xml(f'<row r="1">{cells}</row>'))


def entity_expansion() -> bytes:
    # "Billion laughs": refused by defusedxml before anything expands.
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "hahahahahahahahaha">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData>'
        "</worksheet>"
    )
    return raw_xlsx(laughs)


UPLOADS = {
    "a PDF renamed .xlsx": (
        "klienter.xlsx",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" * 20,
        "Filen är en PDF-fil",
    ),
    "a PNG": ("lista.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "Filen är en PNG-fil"),
    "old Excel": (
        "lista.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "gamla format (.xls)",
    ),
    "a zip that is no sheet": ("lista.xlsx", None, "Filen är en zip-fil"),
    "a broken xlsx": (
        "lista.xlsx",
        b"PK\x03\x04" + b"\x00" * 100,
        "ingen XLSX-fil som går att läsa",
    ),
    "a zip bomb": ("bomb.xlsx", zip_bomb, "packas upp till mer än 30 MB"),
    "a zip of 2,000 parts": ("parts.xlsx", zip_bomb_by_parts, "packas upp till mer än 30 MB"),
    "entity expansion": ("laughs.xlsx", entity_expansion, "ingen XLSX-fil som går att läsa"),
    "1,000,000 rows": ("stor.xlsx", million_rows, "fler än 20\u00a0000 rader"),
    "10,000 columns in XLSX": (
        "bred.xlsx",
        ten_thousand_columns_xlsx,
        "Rad 1 har fler än 50 kolumner",
    ),
    "10,000 columns in CSV": (
        "bred.csv",
        (";".join(["v"] * 10_000) + "\n").encode(),
        "Rad 1 har fler än 50 kolumner",
    ),
    "10,000 lines of CSV": (
        "lang.csv",
        ("Namn;E-post\n" + "Åsa;a@b.test\n" * 10_000).encode(),
        "Filen har fler än 5\u00a0000 rader",
    ),
    "mixed encodings": (
        "blandad.csv",
        "Namn;E-post\nÅsa;a@b.test\n".encode() + "Östen;o@b.test\n".encode("cp1252"),
        "blandar teckenkodningar",
    ),
    "an unknown encoding": (
        "okand.csv",
        b"Namn;E-post\n\x81\x8d\x8f\x90;a@b.test\n",
        "teckenkodning känns inte igen",
    ),
    "UTF-16 gone wrong": (
        "fel.csv",
        codecs.BOM_UTF16_LE + b"\x00\xd8",
        "teckenkodning känns inte igen",
    ),
    "an empty file": ("tom.csv", b"\n\n", "Filen är tom."),
    "only a header": ("rubrik.csv", b"Organisationsnummer;Namn;E-post\n", "bara en rubrikrad"),
    "no e-mail column": (
        "utan.csv",
        "Organisationsnummer;Namn\n556677-8899;Åsa\n".encode(),
        "saknar en kolumn för e-post",
    ),
    "an unterminated quote": (
        "citat.csv",
        b'Namn;E-post\n"\xc3\x85sa;a@b.test\n',
        "Rubrikraden saknar",
    ),
    "an ODS file": ("lista.xlsx", None, "OpenDocument-kalkylblad"),
}


def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hej")
    return out.getvalue()


def _content(case: str) -> tuple[str, bytes, str]:
    name, content, message = UPLOADS[case]
    if case == "an ODS file":
        content = _ods()
    elif case == "a zip that is no sheet":
        content = _plain_zip()
    elif callable(content):
        content = content()
    return name, content, message


@pytest.fixture
def step_with_a_typed_row(accountant_client, accountant, firm):
    client = administered_client(accountant, firm)
    step = start(accountant_client)
    typed = fields(client, name="Kalle Ek", email="kalle@ek.test")
    accountant_client.post(step, rows_post(typed, action="save"))
    return step, client, typed


def assert_refused_next_to(html: str, field: str, message: str):
    assert f'id="{field}-error" role="alert">' in html, html[:3000]
    error = html.split(f'id="{field}-error" role="alert">')[1].split("</p>")[0]
    assert message in error, error
    assert f'id="{field}" ' in html and 'aria-invalid="true"' in html


@pytest.mark.parametrize("case", list(UPLOADS))
@pytest.mark.parametrize("button", ["read", "review"])
def test_a_bad_upload_is_named_next_to_the_upload_and_nothing_changes(
    accountant_client, step_with_a_typed_row, case, button
):
    step, client, typed = step_with_a_typed_row
    name, content, message = _content(case)
    users = User.objects.count()
    upload = SimpleUploadedFile(name, content)
    if button == "review":
        response = granska(accountant_client, step, typed, file=upload)
    else:
        response = accountant_client.post(step, rows_post(typed, action="read", file=upload))

    assert response.status_code == 200
    html = page_text(response)
    assert_refused_next_to(html, "file", message)
    assert "Skapa och bjud in användare" not in html
    assert User.objects.count() == users and not InvitationBatch.objects.exists()
    # The row typed before is still there, marked.
    assert 'value="Kalle Ek"' in html and "<strong data-marked-count>1</strong>" in html


def test_a_file_over_the_size_limit_is_not_even_taken_in(accountant_client, step_with_a_typed_row):
    step, _client, typed = step_with_a_typed_row
    upload = SimpleUploadedFile("stor.csv", b"Namn;E-post\n" + b"x" * MAX_UPLOAD_BYTES)
    response = granska(accountant_client, step, typed, file=upload)
    assert response.status_code == 200
    assert_refused_next_to(page_text(response), "file", "Filen är större än 5 MB")


@pytest.mark.parametrize(
    ("paste", "message"),
    [
        ("Namn\tE-post\n" + "Åsa\ta@b.test\n" * 10_000, "fler än 5\u00a0000 rader"),
        ("x" * 1_000_001, "för långt (högst 1\u00a0000\u00a0000 tecken)"),
        ("a\x00b\n", "binära data"),
        ("\t".join(["v"] * 10_000), "Rad 1 har fler än 50 kolumner"),
        ("bara text utan kolumner\n", "Hittade ingen kolumn"),
    ],
    ids=["10,000 lines", "1 MB", "binary", "10,000 columns", "one column"],
)
def test_a_bad_paste_is_named_next_to_the_field_and_kept_there(
    accountant_client, step_with_a_typed_row, paste, message
):
    step, _client, typed = step_with_a_typed_row
    response = granska(accountant_client, step, typed, paste=paste)
    assert response.status_code == 200
    html = page_text(response)
    assert_refused_next_to(html, "paste", message)
    assert not InvitationBatch.objects.exists()


def test_a_paste_and_a_file_at_once_are_refused(accountant_client, step_with_a_typed_row):
    step, _client, typed = step_with_a_typed_row
    upload = SimpleUploadedFile("a.csv", b"Namn;E-post\n")
    response = granska(accountant_client, step, typed, paste="Åsa\ta@b.test", file=upload)
    assert_refused_next_to(page_text(response), "paste", "inte båda på en gång")


def test_read_with_nothing_to_read_says_so(accountant_client, step_with_a_typed_row):
    step, _client, typed = step_with_a_typed_row
    response = accountant_client.post(step, rows_post(typed, action="read"))
    assert_refused_next_to(
        page_text(response), "paste", "Klistra in rader eller välj en fil först."
    )
