"""`make bench`: every benchmark on PostgreSQL and Redis, then one table of their figures.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/byraportalen_bench \\
    BENCH_BROKER_URL=redis://127.0.0.1:6379/7 .venv/bin/python benchmarks/run_all.py

Creates the database if it is missing and migrates it, then runs each script in a process
of its own (its own output is printed as it comes) and collects the figures they report
(``benchmarks/report.py``). The table gives each figure, its target, the reference measured
in the same run and the ratio to it. Prints; never fails on time (a script that breaks is
named, and the others still run).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/byraportalen_bench"
)
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
SCRIPTS = [
    ["invite_submit.py"],
    ["delivery_throughput.py"],
    ["bulk_entry.py"],
    ["import_clients.py"],
    ["large_firm_pages.py"],
    ["inbound_message.py"],
    ["inbound_throughput.py"],
    ["client_app.py"],
]


def ensure_database() -> None:
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    ensure_database()
    environment = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "BENCH_BROKER_URL": BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    load = os.getloadavg()
    print(f"database {DATABASE_URL}, broker {BROKER_URL}, load average {load[0]:.2f}", flush=True)
    broken = []
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as collected:
        environment["BENCH_REPORT"] = collected.name
        for script in SCRIPTS:
            print(f"\n== {script[0]} ==", flush=True)
            finished = subprocess.run(
                [sys.executable, str(ROOT / "benchmarks" / script[0]), *script[1:]],
                cwd=ROOT,
                env=environment,
            )
            if finished.returncode:
                broken.append(script[0])
        figures = [json.loads(line) for line in collected.read().splitlines() if line]
    print_table(figures)
    after = os.getloadavg()
    print(
        f"\nLoad average before {load[0]:.2f}, after {after[0]:.2f} on {os.cpu_count()} cores: "
        "on a shared machine the times move with the load; the ratios to the references "
        "measured in the same run move less."
    )
    if broken:
        print(f"These benchmarks broke (see their output above): {', '.join(broken)}")
    return 0


def print_table(figures: list[dict]) -> None:
    rows = [("Figure", "Measured", "Target", "Reference (same run)", "Ratio", "")]
    for figure in figures:
        reference = ""
        if figure["reference"] is not None:
            reference = f"{figure['reference']:,.1f} ({figure['reference_label']})"
        rows.append(
            (
                figure["figure"],
                f"{figure['value']:,.1f} {figure['unit']}",
                figure["target"] or "",
                reference,
                f"{figure['ratio']:.2f}" if figure["ratio"] is not None else "",
                {True: "met", False: "NOT met", None: ""}[figure["meets"]],
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    print()
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))


if __name__ == "__main__":
    sys.exit(main())
