"""How the pages of a large firm behave: 10,000 clients, 5,000 of them still without users.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/byraportalen_bench \\
        .venv/bin/python benchmarks/large_firm_pages.py [--clients 10000] [--runs 5]

Builds a throwaway firm inside a transaction that is rolled back at the end, then times
"Hantera klienter" (first page, a search, a late page), the selector
``clients_awaiting_users`` and the wizard's step 2 (first page and a search), printing the
median time and the number of queries of each. Prints figures; never fails on time. Run
``manage.py migrate`` on the database first.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from benchmarks.database import analyze  # noqa: E402
from benchmarks.report import report  # noqa: E402
from bureau.models import Firm, FirmMembership  # noqa: E402
from bureau.organisation_numbers import with_check_digit  # noqa: E402
from clients.models import ClientCompany, ClientMembership, ClientRight  # noqa: E402
from clients.selectors import clients_awaiting_users  # noqa: E402


def org_number(n: int, prefix: str) -> str:
    return with_check_digit(f"{prefix}{n:07d}")


def large_firm(size: int) -> tuple[Firm, User]:
    firm = Firm.objects.create(name="Storbyrån AB", org_number=org_number(4242, "97"))
    accountant = User.objects.create_user(username="bench.accountant", password="x")
    FirmMembership.objects.create(firm=firm, user=accountant)
    clients = ClientCompany.objects.bulk_create(
        ClientCompany(firm=firm, name=f"Klient {n:05d} AB", org_number=org_number(n, "55"))
        for n in range(size)
    )
    ClientRight.objects.bulk_create(
        ClientRight(accountant=accountant, client=client, is_system_admin=n % 7 != 0)
        for n, client in enumerate(clients)
    )
    # Every other client already has a user of its own.
    users = User.objects.bulk_create(
        User(username=f"bench.user{n}", email=f"bench{n}@example.test") for n in range(0, size, 2)
    )
    ClientMembership.objects.bulk_create(
        ClientMembership(client=clients[n * 2], user=user) for n, user in enumerate(users)
    )
    return firm, accountant


def measure(label: str, runs: int, action) -> None:
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    print(
        f"{label:<48} median {statistics.median(times):7.1f} ms "
        f"(min {min(times):6.1f}, max {max(times):6.1f}), {queries} frågor"
    )
    report(f"Large firm: {label}", statistics.median(times), f"ms, {queries} queries")


def get(http: Client, url: str) -> None:
    response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with transaction.atomic():
        started = time.perf_counter()
        firm, accountant = large_firm(args.clients)
        analyze(ClientCompany, ClientRight, ClientMembership, User, FirmMembership)
        print(
            f"{args.clients} klienter ({args.clients // 2} utan egna användare) skapade på "
            f"{time.perf_counter() - started:.1f} s, databas {connection.vendor}"
        )
        http = Client(HTTP_HOST="localhost")
        http.force_login(accountant)
        clients_url = reverse("clients:list")
        measure("Hantera klienter, första sidan", args.runs, lambda: get(http, clients_url))
        measure(
            "Hantera klienter, sökning på namn",
            args.runs,
            lambda: get(http, clients_url + "?q=Klient+0420"),
        )
        measure(
            "Hantera klienter, sida 150",
            args.runs,
            lambda: get(http, clients_url + "?sida=150"),
        )
        measure(
            "clients_awaiting_users, antal + 25 första",
            args.runs,
            lambda: (
                (queryset := clients_awaiting_users(accountant=accountant, firm=firm)).count(),
                list(queryset[:25]),
            ),
        )
        step = http.post(reverse("invitations:wizard"), {"choice": "new_users"}).url
        measure("Bjud in klientanvändare, steg 2", args.runs, lambda: get(http, step))
        measure(
            "Bjud in klientanvändare, steg 2 med sökning",
            args.runs,
            lambda: get(http, step + "?q=Klient+0421"),
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
