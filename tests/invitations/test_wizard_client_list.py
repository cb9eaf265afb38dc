""" "Ladda ner lista": the firm's clients awaiting users as CSV and XLSX, safe to open in a
spreadsheet, and ready to be filled in and uploaded back."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from invitations.models import Invitation
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
    administered_client,
)
from tests.invitations.wizard import granska, page_text, review_url, start

LIST = "/inbjudningar/bjud-in/klienter-utan-anvandare"
HEADER = ["Organisationsnummer", "Kundnummer", "Klient", "Namn", "E-post", "Mobil", "Språk"]


@pytest.fixture
def clients(accountant, firm):
    alfa = administered_client(accountant, firm, name="Alfa Bygg AB", customer_number="0012")
    evil = administered_client(accountant, firm, name='=HYPERLINK("http://x.test","Klick")')
    plus = administered_client(accountant, firm, name="+46 Konsult AB", customer_number="-1")
    with_users = administered_client(accountant, firm, name="Har Användare AB")
    ClientMembershipFactory(client=with_users)
    not_admin = ClientCompanyFactory(firm=firm, name="Ej Admin AB")
    ClientRightFactory(accountant=accountant, client=not_admin, is_system_admin=False)
    ClientCompanyFactory(name="Annan Byrås Klient AB")
    return alfa, evil, plus


def test_the_csv_list_is_formula_safe_utf8_with_bom_and_semicolons(accountant_client, clients):
    alfa, evil, plus = clients
    response = accountant_client.get(f"{LIST}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="klienter-utan-anvandare-' in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(HEADER)
    text = "\n".join(lines)
    assert f"{alfa.org_number};0012;Alfa Bygg AB;;;;" in text
    assert f'{evil.org_number};{evil.customer_number};"\'=HYPERLINK(""http://x.test""' in text
    assert f"{plus.org_number};'-1;'+46 Konsult AB;;;;" in text
    for absent in ("Har Användare AB", "Ej Admin AB", "Annan Byrås Klient AB"):
        assert absent not in text
    assert len(lines) == 4


def test_the_xlsx_list_stores_every_cell_as_text(accountant_client, clients):
    alfa, evil, plus = clients
    response = accountant_client.get(f"{LIST}.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == HEADER
    cells = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(cells) == {alfa.name, evil.name, plus.name}
    formula_like = cells[evil.name][2]
    assert formula_like.data_type == "s" and formula_like.quotePrefix
    assert cells[alfa.name][1].value == "0012" and cells[alfa.name][1].data_type == "s"
    assert cells[alfa.name][5].number_format == "@"  # a typed 070… keeps its zero


def test_the_list_filled_in_and_uploaded_back_invites_the_users(accountant_client, clients):
    alfa, evil, _plus = clients
    workbook = openpyxl.load_workbook(io.BytesIO(accountant_client.get(f"{LIST}.xlsx").content))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == alfa.name:
            row[3].value, row[4].value, row[5].value = "Åsa Öberg", "asa@alfa.test", "0701234567"
        if row[2].value == evil.name:
            row[3].value, row[4].value, row[6].value = "John Smith", "john@x.test", "Engelska"
    out = io.BytesIO()
    workbook.save(out)
    step = start(accountant_client)

    upload = SimpleUploadedFile("klienter-utan-anvandare.xlsx", out.getvalue())
    review = page_text(granska(accountant_client, step, file=upload))
    assert "Åsa Öberg" in review and "John Smith" in review

    accountant_client.post(review_url(step))
    assert Invitation.objects.filter(client=alfa).count() == 1
    assert Invitation.objects.get(client=evil).user.language == "en"


def test_the_csv_list_opened_in_excel_and_saved_back_matches(accountant_client, clients):
    alfa, evil, _plus = clients
    text = accountant_client.get(f"{LIST}.csv").content.decode("utf-8-sig")
    # Excel drops the leading zeros of the customer number and keeps the apostrophe.
    filled = text.replace(
        f"{alfa.org_number};0012;Alfa Bygg AB;;;;", ";12;Alfa Bygg AB;Åsa Ö;a@a.test;;"
    )
    step = start(accountant_client)
    upload = SimpleUploadedFile("lista.csv", filled.encode("cp1252"))
    review = page_text(granska(accountant_client, step, file=upload))
    assert "Åsa Ö" in review and "Skapa och bjud in" in review


@pytest.mark.parametrize("suffix", ["pdf", "json"])
def test_other_formats_are_not_found(accountant_client, suffix):
    assert accountant_client.get(f"{LIST}.{suffix}").status_code == 404


def test_client_users_cannot_download_the_list(client, db):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(f"{LIST}.csv").status_code == 403
