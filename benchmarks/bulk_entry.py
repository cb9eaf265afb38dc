"""Bulk entry in the wizard's step 2: how long a paste or a file takes, and how many queries.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/bulk_entry.py [--clients N] [--runs N]

Two figures (issue 9), on a throwaway firm with ``--clients`` clients awaiting users (the
accountant system administrator on all), inside a transaction rolled back at the end:

- a 50-line paste (tab-separated, with a header) to the review page: the one POST of
  "Granska" that reads the paste, matches it, checks the batch and renders the review;
  server time and SQL queries;
- a 1,000-line XLSX file read and matched (openpyxl's read-only reader, then the matching
  and the draft's rows with username suggestions for the first 50), and the whole "Läs in"
  POST that carries it.

The first paste after the process starts also loads templates and phone-number metadata;
it is printed apart. Prints figures; never fails on time (on a shared machine, run it
when nothing else does: the load average is printed too).
"""

import argparse
import gc
import io
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from benchmarks.report import report as report_figure  # noqa: E402
from bureau.models import Firm, FirmMembership  # noqa: E402
from bureau.organisation_numbers import with_check_digit  # noqa: E402
from clients.models import ClientCompany, ClientRight  # noqa: E402
from invitations.bulk_entry import read_into_draft  # noqa: E402
from invitations.drafts import WizardDraft  # noqa: E402
from invitations.models import BatchKind  # noqa: E402
from invitations.spreadsheets import read_upload  # noqa: E402


def throwaway_firm(count: int):
    stamp = int(time.time() * 1000) % 10**6
    firm = Firm.objects.create(
        name="Benchmark-byrån AB", org_number=with_check_digit(f"97{stamp:07d}")
    )
    accountant = User.objects.create_user(
        username=f"benchmark-{uuid.uuid4().hex[:12]}", email="", password=None
    )
    FirmMembership.objects.create(firm=firm, user=accountant)
    clients = ClientCompany.objects.bulk_create(
        ClientCompany(
            firm=firm,
            name=f"Klient {n:05d} AB",
            org_number=with_check_digit(f"55{n:07d}"),
            customer_number=str(10000 + n),
        )
        for n in range(count)
    )
    ClientRight.objects.bulk_create(
        ClientRight(accountant=accountant, client=client, is_system_admin=True)
        for client in clients
    )
    # Only the numbers are kept: 5,000 model instances alive in this process would make
    # each garbage collection in a measured request slower than in a server's.
    numbers = [client.org_number for client in clients]
    del clients
    gc.collect()
    return firm, accountant, numbers


def lines(org_numbers, tag: str) -> list[tuple[str, ...]]:
    return [
        (org_number, f"Åsa Öberg {n}", f"asa.{tag}{n}@benchmark.test", "070-123 45 67")
        for n, org_number in enumerate(org_numbers)
    ]


HEADER = ("Organisationsnummer", "Namn", "E-post", "Mobil")


def start(http) -> str:
    return http.post(reverse("invitations:wizard"), {"choice": "new_users"}).url


def review_url(step: str) -> str:
    return step.replace("/nya/", "/granska/")


def measure_paste(http, clients, runs: int) -> list[tuple[float, int]]:
    results = []
    for run in range(runs):
        step = start(http)
        chosen = clients[run * 50 : run * 50 + 50]
        paste = "\n".join("\t".join(cells) for cells in [HEADER, *lines(chosen, f"p{run}")])
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = http.post(review_url(step), {"action": "review", "paste": paste})
            elapsed = time.perf_counter() - started
        assert b"Skapa och bjud in" in response.content, response.content[:2000]
        results.append((elapsed, len(queries)))
    return results


def xlsx_file(clients, tag: str) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in lines(clients, tag):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def measure_xlsx(http, firm, accountant, clients, runs: int) -> tuple[list, list]:
    reading, posting = [], []
    for run in range(runs):
        data = xlsx_file(clients[:1000], f"x{run}")
        draft = WizardDraft({}.copy(), uuid.uuid4(), {"kind": BatchKind.NEW_USERS})
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            sheet = read_upload(SimpleUploadedFile("lista.xlsx", data))
            report = read_into_draft(
                accountant=accountant, firm=firm, draft=draft, sheet=sheet, source="lista.xlsx"
            )
            elapsed = time.perf_counter() - started
        assert report.matched == 1000 and report.marked == 50, report
        reading.append((elapsed, len(queries)))

        step = start(http)
        upload = SimpleUploadedFile("lista.xlsx", data)
        started = time.perf_counter()
        response = http.post(step, {"action": "read", "file": upload})
        posting.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
    return reading, posting


def summary(values_ms: list[float]) -> str:
    return (
        f"median {statistics.median(values_ms):.1f} ms "
        f"(min {min(values_ms):.1f}, max {max(values_ms):.1f})"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with transaction.atomic():
        firm, accountant, clients = throwaway_firm(args.clients)
        http = Client(HTTP_HOST="localhost")
        http.force_login(accountant)
        print(
            f"{args.clients} klienter utan användare, {args.runs} körningar, "
            f"databas {connection.vendor}, belastning {os.getloadavg()[0]:.2f}"
        )
        first, *paste = measure_paste(http, clients, args.runs + 1)
        print(
            "50 inklistrade rader → granskningssidan (en POST): "
            f"{summary([t * 1000 for t, _q in paste])}, {max(q for _t, q in paste)} frågor "
            "(mål: högst 100 ms och 15 frågor)"
        )
        paste_ms = statistics.median(t * 1000 for t, _q in paste)
        paste_queries = max(q for _t, q in paste)
        report_figure(
            f"50 pasted rows → review page, {args.clients} clients awaiting users",
            paste_ms,
            f"ms, {paste_queries} queries",
            target="≤ 100 ms and ≤ 15 queries",
            meets=paste_ms <= 100 and paste_queries <= 15,
        )
        print(
            f"… första POST:en efter start (mallar och telefonnummerdata laddas): "
            f"{first[0] * 1000:.1f} ms, {first[1]} frågor"
        )
        reading, posting = measure_xlsx(http, firm, accountant, clients, args.runs)
        print(
            "XLSX med 1 000 rader läst och matchad: "
            f"{summary([t * 1000 for t, _q in reading])}, {reading[0][1]} frågor "
            "(mål: högst 1 s)"
        )
        reading_ms = statistics.median(t * 1000 for t, _q in reading)
        report_figure(
            "XLSX of 1,000 lines read and matched",
            reading_ms,
            "ms",
            target="≤ 1000 ms",
            meets=reading_ms <= 1000,
        )
        print(f"… hela POST:en ”Läs in” med filen: {summary([t * 1000 for t in posting])}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
