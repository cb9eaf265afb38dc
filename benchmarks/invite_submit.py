"""How long "Skapa och bjud in användare" takes for a full batch, and how many queries it costs.

    .venv/bin/python benchmarks/invite_submit.py [--rows 50] [--runs 5]

Uses the database of the current settings (DJANGO_SETTINGS_MODULE, default the local SQLite
run; set DATABASE_URL for PostgreSQL). Each run creates a throwaway firm with ``--rows``
clients inside a transaction that is rolled back at the end, so nothing stays behind and
nothing is sent (the one queued task per batch is counted, not run). Two figures per run:
the service ``invite_new_users`` alone, and the whole final POST through the wizard (the
batch check with username suggestions, then the service). Prints figures; never fails on
time.
"""

import argparse
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

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from bureau.models import Firm, FirmMembership  # noqa: E402
from bureau.organisation_numbers import with_check_digit  # noqa: E402
from clients.models import ClientCompany, ClientRight  # noqa: E402
from invitations.services import NewUserRow, invite_new_users  # noqa: E402


def org_number(n: int, prefix: str) -> str:
    return with_check_digit(f"{prefix}{n:07d}")


def throwaway_firm(rows: int, run: int):
    stamp = int(time.time() * 1000) % 10**6
    firm = Firm.objects.create(
        name="Benchmark-byrån AB", org_number=org_number(stamp * 10 + run, "98")
    )
    accountant = User.objects.create_user(
        username=f"benchmark-{uuid.uuid4().hex[:12]}", email="", password=None
    )
    FirmMembership.objects.create(firm=firm, user=accountant)
    clients = ClientCompany.objects.bulk_create(
        ClientCompany(firm=firm, name=f"Klient {n:03d} AB", org_number=org_number(n, "55"))
        for n in range(rows)
    )
    ClientRight.objects.bulk_create(
        ClientRight(accountant=accountant, client=client, is_system_admin=True)
        for client in clients
    )
    return firm, accountant, clients


def person(n: int, tag: str) -> dict:
    return {
        "full_name": f"Åsa Öberg {tag}{n}",
        "email": f"asa.{tag}{n}@benchmark.test",
        "mobile": "070-123 45 67" if n % 2 else "",
    }


def measure_service(rows: int, run: int) -> tuple[float, int, int]:
    with transaction.atomic():
        firm, accountant, clients = throwaway_firm(rows, run)
        tag = uuid.uuid4().hex[:6]
        batch_rows = [
            NewUserRow(
                client_id=client.pk,
                full_name=person(n, tag)["full_name"],
                email=person(n, tag)["email"],
                username=f"asa.{tag}.{n}",
                mobile="+46701234567" if n % 2 else "",
            )
            for n, client in enumerate(clients)
        ]
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            invite_new_users(
                accountant=accountant, firm=firm, rows=batch_rows, submission_key=uuid.uuid4()
            )
            elapsed = time.perf_counter() - started
        queued = len(connection.run_on_commit)
        transaction.set_rollback(True)
    return elapsed, len(queries), queued


def measure_wizard_post(rows: int, run: int) -> tuple[float, int]:
    with transaction.atomic():
        firm, accountant, clients = throwaway_firm(rows, run)
        http = Client(HTTP_HOST="localhost")
        http.force_login(accountant)
        step = http.post(reverse("invitations:wizard"), {"choice": "new_users"}).url
        tag = uuid.uuid4().hex[:6]
        data = {"action": "review", "marking": "manual", "row": []}
        for n, client in enumerate(clients):
            values = person(n, tag)
            data["row"].append(str(client.pk))
            data[f"r{client.pk}-marked"] = "1"
            for field, value in values.items():
                data[f"r{client.pk}-{field}"] = value
        review = http.post(step, data).url
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = http.post(review)
            elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        transaction.set_rollback(True)
    return elapsed, len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    print(f"{args.rows} rader per inbjudan, {args.runs} körningar, databas {connection.vendor}")
    service = [measure_service(args.rows, run) for run in range(args.runs)]
    times = [elapsed * 1000 for elapsed, _q, _e in service]
    print(
        f"invite_new_users: median {statistics.median(times):.1f} ms "
        f"(min {min(times):.1f}, max {max(times):.1f}), "
        f"{service[0][1]} frågor, {service[0][2]} köad uppgift per inbjudan"
    )
    posts = [measure_wizard_post(args.rows, run) for run in range(args.runs)]
    times = [elapsed * 1000 for elapsed, _q in posts]
    print(
        f"\u201dSkapa och bjud in användare\u201d (hela POST:en): median "
        f"{statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}), "
        f"{posts[0][1]} frågor"
    )


if __name__ == "__main__":
    main()
