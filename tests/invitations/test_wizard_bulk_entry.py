"""Bulk entry in step 2, through HTTP: rows pasted from a spreadsheet or a CSV/XLSX file,
matched to the firm's clients awaiting users, then reviewed and created as if typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from invitations.models import Invitation, InvitationBatch
from tests.accounts.factories import UserFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
    administered_client,
)
from tests.invitations.sheets import xlsx
from tests.invitations.wizard import (
    fields,
    granska,
    many_clients,
    page_text,
    review_url,
    rows_post,
    start,
)


def tsv(*lines) -> str:
    return "\n".join("\t".join(cells) for cells in lines) + "\n"


def read(http, step, **bulk):
    """ "Läs in" on step 2 with a paste (``paste=``) or a file (``file=``)."""
    return http.post(step, rows_post(action="read", **bulk), follow=True)


@pytest.fixture
def firm_clients(accountant, firm):
    alfa = administered_client(accountant, firm, name="Alfa Bygg AB", customer_number="1001")
    beta = administered_client(accountant, firm, name="Beta Måleri AB", customer_number="0042")
    gamma = administered_client(accountant, firm, name="Gamma Frakt AB", customer_number="K-7")
    return alfa, beta, gamma


def test_pasted_rows_with_a_swedish_header_go_to_the_review_in_one_request(
    accountant_client, firm_clients
):
    alfa, beta, gamma = firm_clients
    step = start(accountant_client)
    paste = tsv(
        ("Organisationsnummer", "Kundnummer", "Klient", "Namn", "E-post", "Mobil", "Språk"),
        (alfa.org_number.replace("-", ""), "", "", "Åsa Öberg", "asa@alfa.test", "0701234567", ""),
        ("", "42", "", "John Smith", "john@beta.test", "", "engelska"),
        ("", "", "  gamma   frakt ab ", "Łukasz Nowak", "lukasz@gamma.test", "", "sv"),
    )

    response = granska(accountant_client, step, paste=paste)

    assert response.status_code == 200
    review = page_text(response)
    assert "Skapa och bjud in användare" in review
    for text in ("asa.oberg", "john.smith", "lukasz.nowak", "+46 70 123 45 67", "Engelska"):
        assert text in review
    assert "3 inklistrade rader matchade en klient var." in review
    assert not User.objects.filter(email="asa@alfa.test").exists()  # nothing saved yet

    accountant_client.post(review_url(step))
    assert User.objects.get(email="asa@alfa.test").client_memberships.get().client == alfa
    assert User.objects.get(email="john@beta.test").language == "en"
    assert User.objects.get(email="lukasz@gamma.test").client_memberships.get().client == gamma
    assert Invitation.objects.count() == 3


def test_lines_without_a_header_are_read_by_their_content(accountant_client, firm_clients):
    alfa, beta, _gamma = firm_clients
    step = start(accountant_client)
    paste = (
        f"Åsa Öberg;asa@alfa.test;{alfa.org_number};070-123 45 67\n"
        f"Bo Berg;bo@beta.test;{beta.org_number};\n"
    )
    review = page_text(granska(accountant_client, step, paste=paste))
    assert "asa.oberg" in review and "bo.berg" in review
    assert "Skapa och bjud in användare" in review


def test_an_english_csv_header_with_commas(accountant_client, firm_clients):
    alfa, _beta, _gamma = firm_clients
    step = start(accountant_client)
    paste = f'Org number,Name,Email,Mobile,Language\n{alfa.org_number},"Smith, John",j@a.test,,en\n'
    review = page_text(granska(accountant_client, step, paste=paste))
    assert "Smith, John" in review and "Engelska" in review


def test_every_line_that_cannot_be_used_is_listed_with_its_number_and_reason(
    accountant_client, accountant, firm, firm_clients
):
    alfa, beta, gamma = firm_clients
    has_users = administered_client(accountant, firm, name="Delta Data AB")
    ClientMembershipFactory(client=has_users)
    not_admin = ClientCompanyFactory(firm=firm, name="Epsilon AB")
    ClientRightFactory(accountant=accountant, client=not_admin, is_system_admin=False)
    other_firm = ClientCompanyFactory(name="Annan Byrås Klient AB")
    administered_client(accountant, firm, name="Tvilling AB")
    administered_client(accountant, firm, name="Tvilling  AB")
    step = start(accountant_client)
    paste = tsv(
        ("Organisationsnummer", "Klient", "Namn", "E-post"),
        (alfa.org_number, "", "Åsa Öberg", "asa@alfa.test"),  # 2: fine
        (other_firm.org_number, "", "Anna Annan", "anna@annan.test"),  # 3
        (has_users.org_number, "", "Dan Data", "dan@delta.test"),  # 4
        (not_admin.org_number, "", "Eva Ek", "eva@eps.test"),  # 5
        (alfa.org_number, "", "Åke Ö", "ake@alfa.test"),  # 6: Alfa again
        ("12345", "", "Fel Nummer", "fel@x.test"),  # 7
        ("", "", "Ingen Klient", "ingen@x.test"),  # 8
        ("", "tvilling ab", "Tina Tvilling", "tina@x.test"),  # 9: two clients with that name
        (beta.org_number, "", "", ""),  # 10: a line of the list left empty: counted, not refused
        ("", "Gamma Frakt AB", "Gun Gamma", "gun@gamma.test"),  # 11: fine
    )

    response = read(accountant_client, step, paste=paste)

    html = page_text(response)
    for line, reason in (
        (3, f"Byrån har ingen klient med organisationsnummer {other_firm.org_number}."),
        (4, "Delta Data AB har redan användare."),
        (5, "Du är inte systemadministratör på Epsilon AB"),
        (6, "Alfa Bygg AB står redan på rad 2."),
        (7, "”12345” är inget giltigt organisationsnummer"),
        (8, "Raden har inget organisationsnummer, kundnummer eller klientnamn."),
        (9, "Flera av byråns klienter heter ”tvilling ab”"),
    ):
        assert f'<td class="line">{line}</td><td>{reason}' in html, (line, reason)
    assert "7 rader kunde inte användas" in html
    assert "1 rad utan namn och e-post hoppades över" in html
    assert "2 markerade för den här omgången" in html
    # The matched lines are marked rows of the draft, shown as typed; nothing is saved.
    assert f'id="r{alfa.pk}-full_name"' in html and 'value="Åsa Öberg"' in html
    assert f'id="r{gamma.pk}-full_name"' in html
    assert "<strong data-marked-count>2</strong>" in html
    assert not User.objects.filter(email__in=["asa@alfa.test", "gun@gamma.test"]).exists()
    assert not InvitationBatch.objects.exists()

    # "Granska" with the paste field empty goes on with the two.
    review = page_text(granska(accountant_client, step, *[]))
    assert "Åsa Öberg" in review and "Gun Gamma" in review and "Skapa och bjud in" in review


def test_a_paste_with_refused_lines_stays_on_step_two_even_with_granska(
    accountant_client, firm_clients
):
    alfa, _beta, _gamma = firm_clients
    step = start(accountant_client)
    paste = tsv(("556000-0000", "X", "x@x.test"), (alfa.org_number, "Åsa", "asa@alfa.test"))
    html = page_text(granska(accountant_client, step, paste=paste))
    assert "Skapa och bjud in användare" not in html
    assert "1 rad kunde inte användas" in html


def test_a_file_upload_in_windows_1252_with_semicolons(accountant_client, firm_clients):
    alfa, beta, _gamma = firm_clients
    step = start(accountant_client)
    content = (
        "Organisationsnummer;Namn;E-post\r\n"
        f"{alfa.org_number};Åsa Öberg;asa@alfa.test\r\n"
        f"{beta.org_number};Östen Ärlig;osten@beta.test\r\n"
    ).encode("cp1252")
    upload = SimpleUploadedFile("klienter.csv", content, content_type="text/csv")
    review = page_text(granska(accountant_client, step, file=upload))
    assert "Östen Ärlig" in review and "osten.arlig" in review
    assert "2 rader från klienter.csv matchade en klient var." in review


def test_a_utf8_file_with_bom_and_an_xlsx_file(accountant_client, firm_clients):
    alfa, beta, gamma = firm_clients
    step = start(accountant_client)
    content = f"Org.nr;Namn;E-post\n{alfa.org_number};Åsa Öberg;asa@alfa.test\n".encode("utf-8-sig")
    html = page_text(read(accountant_client, step, file=SimpleUploadedFile("a.csv", content)))
    assert 'value="Åsa Öberg"' in html

    data = xlsx(
        [
            ["Klientlista december"],  # a title above the header is skipped
            ["Kundnummer", "Namn", "E-post", "Mobil"],
            [1001, "Åsa Öberg", "asa@alfa.test", 701234567],  # numbers, as Excel keeps them
            ["0042", None, "b@beta.test", None],
            ["K-7", "Gun Gamma", "gun@gamma.test", None],
        ],
        formulas=[(4, 2, '=CONCAT("Bo"," Berg")')],
    )
    upload = SimpleUploadedFile("lista.xlsx", data)
    review = page_text(granska(accountant_client, step, file=upload))
    # A formula is read as its text, never evaluated.
    assert "=CONCAT(&quot;Bo&quot;,&quot; Berg&quot;)" in review
    assert "Bo Berg" not in review
    assert "+46 70 123 45 67" in review


def test_more_than_fifty_rows_go_in_rounds_of_fifty(accountant_client, accountant, firm):
    clients = many_clients(accountant, firm, 62)
    step = start(accountant_client)
    paste = tsv(
        ("Kundnummer", "Namn", "E-post"),
        *[(c.customer_number, f"Person {n:02d}", f"p{n}@k.test") for n, c in enumerate(clients)],
    )

    review = page_text(granska(accountant_client, step, paste=paste))
    assert "Här är de 50 första; 12 rader väntar och kommer i nästa omgång." in review
    assert "Person 00" in review and "Person 49" in review and "Person 50" not in review

    result = page_text(accountant_client.post(review_url(step), follow=True))
    assert "50 användare skapade och inbjudna" in result
    assert "Fortsätt med nästa 12" in result
    assert User.objects.filter(email__endswith="@k.test").count() == 50

    next_review = result.split("Fortsätt med nästa 12")[0].rsplit('href="', 1)[1].split('"')[0]
    review = page_text(accountant_client.get(next_review))
    assert "Person 50" in review and "Person 61" in review and "Skapa och bjud in" in review
    result = page_text(accountant_client.post(next_review, follow=True))
    assert "12 användare skapade och inbjudna" in result
    assert "Fortsätt med nästa" not in result
    assert User.objects.filter(email__endswith="@k.test").count() == 62
    assert InvitationBatch.objects.count() == 2


def test_waiting_rows_are_not_marked_by_a_post_without_javascript(
    accountant_client, accountant, firm
):
    clients = many_clients(accountant, firm, 55)
    step = start(accountant_client)
    paste = tsv(*[(c.org_number, f"Person {n}", f"p{n}@k.test") for n, c in enumerate(clients)])
    read(accountant_client, step, paste=paste)
    # Page 3 shows five waiting rows, filled; posting it without a script marks nothing more.
    waiting = clients[50:]
    data = rows_post(
        *[
            fields(c, name=f"Person {n}", email=f"p{n}@k.test", marked=False)
            for n, c in enumerate(waiting, start=50)
        ],
        action="save",
        marking="auto",
    )
    accountant_client.post(step, data)
    html = page_text(accountant_client.get(step))
    assert "<strong data-marked-count>50</strong>" in html
    assert "5 rader väntar på nästa omgång" in html


def test_a_paste_into_a_draft_with_typed_rows_fills_up_to_fifty(
    accountant_client, accountant, firm
):
    clients = many_clients(accountant, firm, 60)
    step = start(accountant_client)
    typed = [fields(c, name=f"Typed {n}", email=f"t{n}@k.test") for n, c in enumerate(clients[:45])]
    accountant_client.post(step, rows_post(*typed, action="save"))
    paste = tsv(
        *[(c.org_number, f"Pasted {n}", f"p{n}@k.test") for n, c in enumerate(clients[45:])]
    )
    html = page_text(read(accountant_client, step, paste=paste))
    assert "5 markerade för den här omgången" in html and "10 väntar på nästa omgång" in html
    assert "<strong data-marked-count>50</strong>" in html


def test_pasted_usernames_avoid_taken_ones_and_each_other(accountant_client, accountant, firm):
    UserFactory(username="asa.oberg")
    a = administered_client(accountant, firm, name="A AB")
    b = administered_client(accountant, firm, name="B AB")
    step = start(accountant_client)
    paste = tsv(
        (a.org_number, "Åsa Öberg", "asa1@k.test"), (b.org_number, "Åsa Öberg", "asa2@k.test")
    )
    html = page_text(read(accountant_client, step, paste=paste))
    # Shown on step 2 already as they will be: the server suggested them.
    assert 'value="asa.oberg2"' in html and 'value="asa.oberg3"' in html


@pytest.mark.parametrize("count", [5, 50])
def test_a_paste_to_the_review_costs_at_most_fifteen_queries(
    accountant_client, accountant, firm, count, django_assert_max_num_queries
):
    clients = many_clients(accountant, firm, 120)
    step = start(accountant_client)
    paste = tsv(
        ("Organisationsnummer", "Namn", "E-post", "Mobil"),
        *[
            (c.org_number, f"Person {n}", f"p{n}@k.test", "0701234567")
            for n, c in enumerate(clients[:count])
        ],
    )
    with django_assert_max_num_queries(15):
        response = granska(accountant_client, step, paste=paste)
    assert "Skapa och bjud in användare" in page_text(response)
