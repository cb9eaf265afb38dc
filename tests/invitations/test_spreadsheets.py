"""Reading pasted rows and files into lines, and telling their columns apart."""

import codecs
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.organisation_numbers import with_check_digit
from invitations.bulk_entry import find_columns
from invitations.spreadsheets import (
    SheetRefused,
    formula_safe,
    read_paste,
    read_upload,
    write_csv,
)
from tests.invitations.sheets import xlsx


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_excel_unicode_text_is_utf16_with_tabs():
    text = "Namn\tE-post\r\nÅsa Öberg\tasa@a.test\r\n"
    sheet = read_upload(upload("lista.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le")))
    assert sheet.lines == [(1, ["Namn", "E-post"]), (2, ["Åsa Öberg", "asa@a.test"])]


def test_lines_keep_their_numbers_past_empty_lines_and_quoted_line_breaks():
    sheet = read_paste('Namn;E-post\n\n"Åsa\nÖberg";a@a.test\nBo;b@b.test\n')
    assert [number for number, _cells in sheet.lines] == [1, 3, 5]
    assert sheet.lines[1][1] == ["Åsa\nÖberg", "a@a.test"]


def test_cells_are_trimmed_and_our_own_apostrophe_comes_off_again():
    sheet = read_paste("\u00a0Åsa Öberg \t'=kalle@a.test\t'vanlig\n")
    assert sheet.lines[0][1] == ["Åsa Öberg", "=kalle@a.test", "'vanlig"]


def test_xlsx_numbers_dates_and_formulas_become_text():
    data = xlsx(
        [["Kundnummer", "Namn", "Datum"], [1001.0, "x", date(2026, 12, 2)]],
        formulas=[(2, 2, "=1+1")],
    )
    sheet = read_upload(upload("a.xlsx", data))
    assert sheet.lines[1] == (2, ["1001", "=1+1", "2026-12-02"])


def test_a_workbook_with_several_sheets_reads_the_active_one_and_says_so():
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Instruktioner"
    data_sheet = workbook.create_sheet("Klienter")
    data_sheet.append(["Namn", "E-post"])
    workbook.active = 1
    out = io.BytesIO()
    workbook.save(out)
    sheet = read_upload(upload("a.xlsx", out.getvalue()))
    assert sheet.sheet_name == "Klienter"
    assert sheet.notes == ["Filen har 2 blad; bladet ”Klienter” lästes in."]


def test_columns_without_a_header_by_their_content():
    alfa, beta = with_check_digit("556677889"), with_check_digit("969612345")
    lines = [
        (1, ["Alfa Bygg AB", "Åsa Öberg", "asa@alfa.test", alfa, "070-123 45 67", "en"]),
        (2, ["Beta HB", "Bo Berg", "bo@beta.test", beta.replace("-", ""), "", "sv"]),
    ]
    columns, header_lines, _ignored = find_columns(lines)
    assert header_lines == 0
    assert columns == {
        "client_name": 0,
        "full_name": 1,
        "email": 2,
        "org_number": 3,
        "mobile": 4,
        "language": 5,
    }


def test_a_header_below_a_title_and_unknown_columns_named():
    lines = [
        (1, ["Klientlista 2026"]),
        (2, ["Org.nr", "Företag", "Kontaktperson", "E-post", "Anteckning"]),
    ]
    columns, header_lines, ignored = find_columns(lines)
    assert header_lines == 2
    assert columns == {"org_number": 0, "client_name": 1, "full_name": 2, "email": 3}
    assert ignored == ["Anteckning"]


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+46", "'+46"), ("-1", "'-1"), ("@x", "'@x"), ("AB", "AB")],
)
def test_formula_safe_cells(value, safe):
    assert formula_safe(value) == safe


def test_the_csv_list_round_trips_through_the_reader():
    content = write_csv(["Klient", "Namn"], [("=HYPERLINK(1)", "")])
    assert read_upload(upload("a.csv", content)).lines == [
        (1, ["Klient", "Namn"]),
        (2, ["=HYPERLINK(1)"]),
    ]


def test_a_paste_of_only_empty_lines_has_nothing_to_read():
    assert read_paste("\n\t\n;\n").lines == []
    with pytest.raises(SheetRefused):
        read_upload(upload("a.csv", b"   \n"))
