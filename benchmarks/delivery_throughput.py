"""How fast one Celery worker sends invitation e-mail through the outbox pipeline.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python benchmarks/delivery_throughput.py [--deliveries 200]

Uses the database of the current settings (DJANGO_SETTINGS_MODULE, default the local SQLite
run; set DATABASE_URL for PostgreSQL) and the broker of CELERY_BROKER_URL (required; use a
Redis database of its own: it is flushed). Starts an SMTP server (aiosmtpd) on loopback and
one worker thread (solo pool), writes ``--deliveries`` pending e-mail deliveries for a
throwaway firm, queues them as one batch and times until every row is "sent" and every
message has reached the SMTP server. The throwaway firm and its users are deleted at the
end. Prints figures; never fails on time.
"""

import argparse
import os
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from celery.contrib.testing.worker import start_worker  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bureau.models import Firm, FirmMembership  # noqa: E402
from clients.models import ClientCompany  # noqa: E402
from config.celery import app  # noqa: E402
from invitations import secrets  # noqa: E402
from invitations.delivery import enqueue_deliveries  # noqa: E402
from invitations.models import Delivery, Invitation  # noqa: E402


class Counting:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=200)
    args = parser.parse_args()
    if not settings.CELERY_BROKER_URL:
        sys.exit("Set CELERY_BROKER_URL to a Redis database of the benchmark's own.")

    handler = Counting()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    app.conf.task_always_eager = False
    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()

    stamp = f"{time.time_ns()}"
    firm = Firm.objects.create(
        name=f"Benchmarkbyrån {stamp}", org_number=stamp[-10:-4] + "-" + stamp[-4:]
    )
    accountant = User.objects.create(username=f"bench-{stamp}", email=f"bench-{stamp}@example.test")
    FirmMembership.objects.create(firm=firm, user=accountant)
    client = ClientCompany.objects.create(
        firm=firm, name="Benchmarkklienten AB", org_number="556677-8899"
    )
    users = User.objects.bulk_create(
        User(
            username=f"bench-{stamp}-{n}",
            email=f"bench-{stamp}-{n}@example.test",
            full_name=f"Person {n}",
        )
        for n in range(args.deliveries)
    )
    now = timezone.now()
    invitations = []
    for user in users:
        nonce = secrets.new_nonce()
        invitations.append(
            Invitation(
                user=user,
                client=client,
                invited_by=accountant,
                secret_nonce=nonce,
                secret_hash=secrets.hash_secret(secrets.secret_for(nonce)),
                expires_at=now + timezone.timedelta(days=14),
            )
        )
    invitations = Invitation.objects.bulk_create(invitations)
    deliveries = Delivery.objects.bulk_create(
        Delivery(invitation=i, channel="email", recipient=i.user.email) for i in invitations
    )
    ids = [d.pk for d in deliveries]

    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            started = time.monotonic()
            enqueue_deliveries(ids)  # outside a transaction: queued at once
            while Delivery.objects.filter(pk__in=ids, status="sent").count() < len(ids):
                time.sleep(0.05)
            elapsed = time.monotonic() - started
        print(f"{len(ids)} e-mails sent through SMTP by one solo worker in {elapsed:.2f} s")
        print(f"  {len(ids) / elapsed:.0f} deliveries/s; SMTP server received {handler.received}")
    finally:
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).delete()
        User.objects.filter(username__startswith=f"bench-{stamp}").delete()
        firm.delete()
        smtp.stop()


if __name__ == "__main__":
    main()
