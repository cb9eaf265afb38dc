"""How long one e-mail with three PDF attachments takes to become three documents.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bp_x .venv/bin/python \
        benchmarks/inbound_message.py [--runs 30]

Uses the database of the current settings (the local run's by default; set DATABASE_URL for
PostgreSQL; migrated) and a temporary MEDIA_ROOT. Each run is the whole path of one message:
``receive_message`` (record, store the raw mail) and ``process_message`` (parse, the upload's
checks on each attachment, three stored files and rows, in one transaction), as a worker runs
it. Prints figures; never fails on time. Target (issue 13): at most 300 ms.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="inbound-bench-")
os.environ.pop("CELERY_BROKER_URL", None)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from benchmarks.inbound_fixtures import clean_up, mail, receipt_pdf, throwaway_client  # noqa: E402
from benchmarks.report import report  # noqa: E402
from documents.models import Document  # noqa: E402
from inbound import tasks  # noqa: E402
from inbound.models import Outcome  # noqa: E402
from inbound.services.processing import process_message  # noqa: E402
from inbound.services.receiving import receive_message  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    firm, client, user, address = throwaway_client()
    # The benchmark calls the processing itself, so that its time is measured apart.
    tasks.process_inbound_message.delay_on_commit = lambda *a, **k: None
    timings, receive_times = [], []
    try:
        for run in range(args.runs + 1):
            raw = mail(
                sender=user.email,
                to=address.email,
                pdfs=[receipt_pdf(run * 3 + n) for n in range(3)],
                number=run,
            )
            started = time.perf_counter()
            [received] = receive_message(raw=raw, channel="benchmark")
            recorded = time.perf_counter()
            message = process_message(message_id=received.message.pk)
            finished = time.perf_counter()
            assert message.outcome == Outcome.ACCEPTED, message.reason
            assert Document.objects.filter(pk__in=message.documents.all()).count() == 3
            if run:  # the first run warms imports and connections
                timings.append(finished - started)
                receive_times.append(recorded - started)
        ms = sorted(t * 1000 for t in timings)
        median = statistics.median(ms)
        report(
            f"One inbound message with 3 PDFs (3 × 60 kB) → 3 documents, {connection.vendor} "
            f"(median of {len(ms)})",
            median,
            f"ms (p95 {ms[int(len(ms) * 0.95) - 1]:.1f}, max {ms[-1]:.1f})",
            target="≤ 300 ms",
            meets=median <= 300,
        )
        print(
            f"  of which recording (the webhook's part): median "
            f"{statistics.median(receive_times) * 1000:.1f} ms"
        )
    finally:
        clean_up(firm, user)


if __name__ == "__main__":
    main()
