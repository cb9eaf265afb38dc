"""How many inbound messages per second one worker process takes, as production runs it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bp_x \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python benchmarks/inbound_throughput.py [--messages 500] [--concurrency 2]

Starts a real worker (`celery -A config worker`, prefork, as `make worker` and compose run it)
on the broker of CELERY_BROKER_URL (required; a Redis database of the benchmark's own: it is
flushed). It first records ``--messages`` messages from a client user, each with one PDF (as
the webhook does: the raw mail stored), then queues their tasks at once and times from the
first enqueue until every one has its outcome: the worker's rate, apart from the webhook's.
The worker runs with the production settings (persistent database connections, local-disk
storage); both sides share a temporary MEDIA_ROOT and the database of DATABASE_URL (migrated).
Prints figures; never fails on time. Target (issue 13): at least 50 a second.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="inbound-bench-")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from benchmarks.inbound_fixtures import clean_up, mail, receipt_pdf, throwaway_client  # noqa: E402
from config.celery import app  # noqa: E402
from inbound import tasks  # noqa: E402
from inbound.models import InboundMessage, Outcome  # noqa: E402
from inbound.services import receive_message  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--pool", default="prefork")
    args = parser.parse_args()
    if not settings.CELERY_BROKER_URL:
        sys.exit("Set CELERY_BROKER_URL to a Redis database of the benchmark's own.")
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
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", args.pool,
         "--concurrency", str(args.concurrency), "--loglevel", "WARNING", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env={**os.environ, **_production_environment(args.messages)},
    )  # fmt: skip
    try:
        _wait_for_worker()
        started = time.monotonic()
        for message_id in ids:
            tasks.process_inbound_message.delay(message_id)
        pending = InboundMessage.objects.filter(pk__in=ids, outcome=Outcome.RECEIVED)
        while pending.exists():
            time.sleep(0.02)
        elapsed = time.monotonic() - started
        accepted = InboundMessage.objects.filter(pk__in=ids, outcome=Outcome.ACCEPTED).count()
        print(
            f"{len(ids)} inbound messages (one 40 kB PDF each) through one worker process "
            f"({args.pool}, concurrency {args.concurrency}, production settings) "
            f"in {elapsed:.2f} s: "
            f"{len(ids) / elapsed:.0f} messages/s (target ≥ 50); {accepted} accepted"
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
    }


def _wait_for_worker():
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5)
        if replies:
            return
    sys.exit("The worker did not start within 60 s.")


if __name__ == "__main__":
    main()
