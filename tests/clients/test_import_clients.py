"""`manage.py import_clients`: bad lines reported by number, good ones written, idempotent."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clients.models import ClientCompany, ClientRight
from tests.bureau.factories import AccountantFactory, valid_org_number
from tests.clients.factories import ClientCompanyFactory


def run_import(path, firm, *extra):
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "import_clients", str(path), "--firm", str(firm), *extra, stdout=out, stderr=err
        )
        failed = False
    except CommandError as error:
        err.write(str(error))
        failed = True
    return out.getvalue(), err.getvalue(), failed


def write(tmp_path, text, encoding="utf-8") -> str:
    path = tmp_path / "klienter.csv"
    path.write_bytes(text.encode(encoding))
    return path


GOOD_AND_BAD = (
    "Namn;Organisationsnummer;Kundnummer\n"  # line 1
    "Alfa Bygg AB;5566778899;K1\n"  # 2 good, hyphen added
    "Beta AB;556677-8898;K2\n"  # 3 wrong check digit
    ";556000-0001;K3\n"  # 4 no name
    "Gamma AB;556000-0001;K4\n"  # 5 good
    "Gamma Kopia AB;556000 0001;K5\n"  # 6 same org number as line 5
    "Delta AB;123;K6\n"  # 7 bad format
    "\n"  # 8 blank, skipped
    "Epsilon AB;556036-0793;K4\n"  # 9 customer number of line 5
    "Zeta AB\n"  # 10 too few columns
)


@pytest.mark.django_db
def test_good_lines_are_written_and_bad_ones_reported_with_line_numbers(tmp_path, firm):
    # As Excel saves it: a byte-order mark and CRLF line ends.
    path = write(tmp_path, "\ufeff" + GOOD_AND_BAD.replace("\n", "\r\n"))

    out, err, failed = run_import(path, firm.org_number)

    assert failed
    assert sorted(ClientCompany.objects.filter(firm=firm).values_list("name", "org_number")) == [
        ("Alfa Bygg AB", "556677-8899"),
        ("Gamma AB", "556000-0001"),
    ]
    lines = err.splitlines()
    assert lines[0] == "rad 3: Organisationsnumret 556677-8898 har fel kontrollsiffra."
    assert lines[1] == "rad 4: Namn saknas."
    assert lines[2] == "rad 6: Organisationsnumret 556000-0001 finns redan på rad 5."
    assert lines[3] == "rad 7: Ange organisationsnumret som NNNNNN-NNNN (tio siffror)."
    assert lines[4] == "rad 9: Kundnumret K4 finns redan på rad 5."
    assert lines[5].startswith("rad 10: För få kolumner")
    assert "2 nya, 0 uppdaterade, 0 oförändrade, 6 fel." in out


@pytest.mark.django_db
def test_second_run_changes_nothing(tmp_path, firm):
    path = write(tmp_path, GOOD_AND_BAD)
    run_import(path, firm.pk)
    before = list(ClientCompany.objects.order_by("id").values_list())

    out, _, _ = run_import(path, firm.pk)

    assert "0 nya, 0 uppdaterade, 2 oförändrade, 6 fel." in out
    assert list(ClientCompany.objects.order_by("id").values_list()) == before


@pytest.mark.django_db
def test_updates_matched_by_org_number_and_keeps_other_firms_apart(tmp_path, firm):
    ours = ClientCompanyFactory(firm=firm, name="Gammalt Namn AB", org_number="556677-8899")
    theirs = ClientCompanyFactory(name="Annan Byrås AB", org_number="556677-8899")
    kept_customer_number = ours.customer_number
    path = write(
        tmp_path,
        "name,org_number,customer_number\n"
        '"Nytt Namn, AB",556677-8899,\n'
        "Ny Klient AB,556000-0001,K9\n",
    )

    out, err, failed = run_import(path, firm.org_number.replace("-", ""))

    assert not failed, err
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.name == "Nytt Namn, AB"
    assert ours.customer_number == kept_customer_number  # empty in the file: kept
    assert theirs.name == "Annan Byrås AB"
    assert "1 nya, 1 uppdaterade, 0 oförändrade, 0 fel." in out


@pytest.mark.django_db
def test_customer_number_held_by_another_client_is_an_error(tmp_path, firm):
    ClientCompanyFactory(firm=firm, org_number="556677-8899", customer_number="K1")
    path = write(tmp_path, "Namn;Organisationsnummer;Kundnummer\nNy AB;556000-0001;K1\n")

    _, err, failed = run_import(path, firm.pk)

    assert failed
    assert "rad 2: Byrån har redan en klient med kundnumret K1." in err
    assert ClientCompany.objects.filter(firm=firm).count() == 1


@pytest.mark.django_db
def test_system_admin_option_grants_the_right_on_new_clients(tmp_path, firm):
    accountant = AccountantFactory(firm_membership__firm=firm)
    path = write(tmp_path, "Namn;Organisationsnummer\nNy AB;556000-0001\n")

    run_import(path, firm.pk, "--system-admin", accountant.username)

    right = ClientRight.objects.get()
    assert (right.accountant, right.client.name, right.is_system_admin) == (
        accountant,
        "Ny AB",
        True,
    )


@pytest.mark.django_db
def test_progress_is_shown_on_large_files_with_a_fixed_number_of_queries(
    tmp_path, firm, django_assert_max_num_queries
):
    lines = ["Namn;Organisationsnummer;Kundnummer"]
    lines += [f"Klient {n} AB;{valid_org_number(n, prefix='77')};{n}" for n in range(2500)]
    path = write(tmp_path, "\n".join(lines) + "\n")

    with django_assert_max_num_queries(12):
        out, err, failed = run_import(path, firm.pk)

    assert not failed, err
    assert "… 1000 rader kontrollerade" in out and "… 2000 rader kontrollerade" in out
    assert ClientCompany.objects.filter(firm=firm).count() == 2500


@pytest.mark.django_db
def test_unknown_firm_and_unknown_columns_are_refused(tmp_path, firm):
    good = write(tmp_path, "Namn;Organisationsnummer\nA AB;556000-0001\n")
    _, err, failed = run_import(good, "999999")
    assert failed and "Ingen byrå" in err

    bad = write(tmp_path, "Företag;Nummer\nA AB;556000-0001\n")
    _, err, failed = run_import(bad, firm.pk)
    assert failed and "Rubrikraden" in err
    assert not ClientCompany.objects.exists()


@pytest.mark.django_db
def test_the_import_service_gives_rights_only_to_the_firms_own_accountants(firm):
    from django.core.exceptions import PermissionDenied

    from clients.services import ClientRow, import_clients

    outsider = AccountantFactory()  # an accountant of another firm

    with pytest.raises(PermissionDenied):
        import_clients(
            firm=firm,
            rows=[ClientRow(line_number=2, name="Ny AB", org_number=valid_org_number(1))],
            system_admins=[outsider],
        )

    assert not ClientCompany.objects.filter(firm=firm).exists()
    assert not ClientRight.objects.filter(accountant=outsider).exists()


@pytest.mark.django_db
def test_it_prints_swedish_only_even_when_english_is_active(tmp_path, firm):
    from django.utils import translation

    path = write(tmp_path, "namn;organisationsnummer\n;556677-8899\n")

    with translation.override("en"):
        out, err, failed = run_import(path, firm.pk)

    assert err.splitlines()[0] == "rad 2: Namn saknas."
    assert "0 nya, 0 uppdaterade, 0 oförändrade, 1 fel." in out
