"""How long `manage.py import_clients` takes for a 10,000-line file: first run and re-run.

    .venv/bin/python benchmarks/import_clients.py [--rows 10000]

Uses the database of the current settings (DJANGO_SETTINGS_MODULE, default the local SQLite
run; set DATABASE_URL for PostgreSQL). A throwaway firm is created and deleted afterwards.
Prints figures; never fails on time.
"""

import argparse
import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks.report import report  # noqa: E402
from bureau.models import Firm  # noqa: E402
from bureau.organisation_numbers import with_check_digit  # noqa: E402


def org_number(n: int, prefix: str) -> str:
    return with_check_digit(f"{prefix}{n:07d}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows

    firm = Firm.objects.create(
        name="Benchmark-byrån AB", org_number=org_number(int(time.time()) % 10**7, "99")
    )
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "klienter.csv"
            lines = ["Namn;Organisationsnummer;Kundnummer"]
            lines += [f"Klient {n} AB;{org_number(n, '55')};{n}" for n in range(rows)]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(f"{rows} rader, databas {connection.vendor}")
            for label in ("första körningen", "andra körningen"):
                reset_queries()
                out = StringIO()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    call_command("import_clients", str(path), "--firm", str(firm.pk), stdout=out)
                    elapsed = time.perf_counter() - started
                summary = out.getvalue().strip().splitlines()[-1]
                print(
                    f"{label}: {elapsed:.2f} s, {rows / elapsed:,.0f} rader/s, "
                    f"{len(queries)} frågor. {summary}"
                )
                report(f"import_clients, {rows:,} lines, {label}", elapsed, "s")
    finally:
        firm.delete()


if __name__ == "__main__":
    main()
