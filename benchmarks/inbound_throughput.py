"""How many inbound messages per second one worker process takes, as production runs it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bp_x \
    BENCH_BROKER_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python benchmarks/inbound_throughput.py [--messages 500] [--concurrency 2]

Starts a real worker (`celery -A config worker`, prefork, as `make worker` and compose run it)
on the broker of BENCH_BROKER_URL (a Redis database of the benchmark's own: it is flushed).
It first records ``--messages`` messages from a client user, each with one PDF (as the
webhook does: the raw mail stored), then queues their tasks at once and times from the first
enqueue until every one has its outcome: the worker's rate, apart from the webhook's. The
reference, in the same run: a do-nothing task through the same worker. The worker runs with
the production settings (persistent database connections, local-disk storage); both sides
share a temporary MEDIA_ROOT and the database of DATABASE_URL (migrated). Prints figures;
never fails on time. Target (issue 13): at least 50 a second.
"""

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BROKER_URL = os.environ.get("BENCH_BROKER_URL") or os.environ.get("CELERY_BROKER_URL")
if not BROKER_URL:
    sys.exit("Set BENCH_BROKER_URL to a Redis database of the benchmark's own (it is flushed).")
os.environ["CELERY_BROKER_URL"] = BROKER_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="inbound-bench-")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from benchmarks.inbound_fixtures import clean_up, mail, receipt_pdf, throwaway_client  # noqa: E402
from benchmarks.noop_task import ceiling, tree_cpu_seconds  # noqa: E402
from benchmarks.report import report  # noqa: E402
from config.celery import app  # noqa: E402
from inbound import tasks  # noqa: E402
from inbound.models import InboundMessage, Outcome  # noqa: E402
from inbound.services.receiving import receive_message  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--pool", default="prefork")
    parser.add_argument("--noop", type=int, default=2000)
    args = parser.parse_args()
    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()
    settings.INBOUND_MAX_MESSAGES_PER_CLIENT_PER_DAY = args.messages * 2
    firm, client, user, address = throwaway_client()
    raws = [
        mail(sender=user.email, to=address.email, pdfs=[receipt_pdf(n, 40_000)], number=n)
        for n in range(args.messages)
    ]
    # Recorded first, their tasks held back, so that the worker is timed alone.
    queue_later = tasks.process_inbound_message.delay_on_commit
    tasks.process_inbound_message.delay_on_commit = lambda *a, **k: None
    started = time.monotonic()
    ids = [receive_message(raw=raw, channel="benchmark")[0].message.pk for raw in raws]
    recorded = time.monotonic() - started
    tasks.process_inbound_message.delay_on_commit = queue_later
    node = f"inbound-bench@{socket.gethostname()}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", args.pool,
         "--concurrency", str(args.concurrency), "--loglevel", "WARNING", "--without-heartbeat",
         "--without-gossip", "--without-mingle", "-n", "inbound-bench@%h",
         "-I", "benchmarks.noop_task"],
        cwd=ROOT,
        env={**os.environ, **_production_environment(args.messages)},
    )  # fmt: skip
    try:
        _wait_for_worker(worker, node)
        ceilings = [ceiling(app, node=node, pid=worker.pid, tasks=args.noop) for _ in range(3)]
        noop_rate = statistics.median(rate for rate, _cpu in ceilings)
        noop_cpu = statistics.median(cpu for _rate, cpu in ceilings)
        report(f"Do-nothing Celery task, 1 worker ({args.pool} -c {args.concurrency})", noop_rate,
               "tasks/s")  # fmt: skip
        started, cpu = time.monotonic(), tree_cpu_seconds(worker.pid)
        for message_id in ids:
            tasks.process_inbound_message.delay(message_id)
        pending = InboundMessage.objects.filter(pk__in=ids, outcome=Outcome.RECEIVED)
        while pending.exists():
            time.sleep(0.02)
        elapsed, cpu = time.monotonic() - started, tree_cpu_seconds(worker.pid) - cpu
        accepted = InboundMessage.objects.filter(pk__in=ids, outcome=Outcome.ACCEPTED).count()
        rate = len(ids) / elapsed
        report(
            f"Inbound messages through 1 worker ({args.pool} -c {args.concurrency}), "
            f"{len(ids)} with one 40 kB PDF each",
            rate,
            f"messages/s ({accepted} accepted)",
            target="≥ 50/s",
            reference=noop_rate,
            reference_label="do-nothing tasks/s",
            ratio=rate / noop_rate,
            meets=rate >= 50 and accepted == len(ids),
        )
        report(
            "  worker CPU per inbound message",
            cpu * 1000 / len(ids),
            "ms",
            reference=noop_cpu,
            reference_label="CPU ms per do-nothing task",
            ratio=noop_cpu * len(ids) / (cpu * 1000) if cpu else None,
        )
        print(
            f"  recording them first (the webhook's part, in this process) took {recorded:.2f} s:"
            f" {len(ids) / recorded:.0f} messages/s"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        clean_up(firm, user)


def _production_environment(messages: int) -> dict:
    """What config.settings.production requires, pointed at this machine's services."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "localhost",
        "CACHE_URL": "locmemcache://",
        "EMAIL_URL": "smtp://127.0.0.1:1",
        "INBOUND_EMAIL_DOMAIN": settings.INBOUND_EMAIL_DOMAIN,
        "INBOUND_MAX_MESSAGES_PER_CLIENT_PER_DAY": str(messages * 2),
        "SMS_ENABLED": "false",  # inbound sends none; production asks for Twilio otherwise
    }


def _wait_for_worker(worker: subprocess.Popen, node: str):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and worker.poll() is None:
        if app.control.ping(destination=[node], timeout=0.5):
            return
    sys.exit("The worker did not start within 60 s (or stopped; see its output above).")


if __name__ == "__main__":
    main()
