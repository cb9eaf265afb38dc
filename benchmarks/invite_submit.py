""""Skapa och bjud in användare" for a full batch: time, queries, and the usual way beside it.

    DATABASE_URL=postgres://... BENCH_BROKER_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python benchmarks/invite_submit.py [--rows 50] [--runs 7]

Measured as deployed: every write is committed (a throwaway firm per run, deleted
afterwards), and the one task a batch queues is published to the benchmark's own broker
``BENCH_BROKER_URL`` (its Redis database is flushed; no worker reads it). Per run:

- the whole final POST through the wizard (the batch checked, then ``invite_new_users``),
  with its queries, for ``--rows`` rows and for 5 rows (the count must not grow);
- the service ``invite_new_users`` alone;
- the reference, in the same run: what django-invitations' view does for the same
  addresses, one after the other: an invitation row, the e-mail rendered and sent at once
  over a fresh SMTP connection (to an SMTP server of its own process on loopback), the
  row marked sent.

Uses the database of DATABASE_URL (PostgreSQL; run ``manage.py migrate`` first). Prints
figures; never fails on time.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
os.environ["CELERY_BROKER_URL"] = BROKER_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.mail import EmailMultiAlternatives  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from benchmarks.report import report  # noqa: E402
from bureau.models import Firm, FirmMembership  # noqa: E402
from bureau.organisation_numbers import with_check_digit  # noqa: E402
from clients.models import ClientCompany, ClientRight  # noqa: E402
from config.celery import app  # noqa: E402
from invitations.links import give_new_secret, invitation_link  # noqa: E402
from invitations.models import Invitation, InvitationBatch  # noqa: E402
from invitations.services import NewUserRow, invite_new_users  # noqa: E402


def org_number(n: int, prefix: str) -> str:
    return with_check_digit(f"{prefix}{n:07d}")


class ThrowawayFirm:
    def __init__(self, rows: int):
        self.tag = uuid.uuid4().hex[:8]
        self.firm = Firm.objects.create(
            name=f"Benchmark-byrån {self.tag} AB",
            org_number=org_number(int(self.tag, 16) % 10**7, "98"),
        )
        self.accountant = User.objects.create_user(
            username=f"benchmark-{self.tag}", email=f"konsult-{self.tag}@benchmark.test"
        )
        FirmMembership.objects.create(firm=self.firm, user=self.accountant)
        self.clients = ClientCompany.objects.bulk_create(
            ClientCompany(firm=self.firm, name=f"Klient {n:03d} AB", org_number=org_number(n, "55"))
            for n in range(rows)
        )
        ClientRight.objects.bulk_create(
            ClientRight(accountant=self.accountant, client=client, is_system_admin=True)
            for client in self.clients
        )

    def person(self, n: int) -> dict:
        return {
            "full_name": f"Åsa Öberg {self.tag}{n}",
            "email": f"asa.{self.tag}{n}@benchmark.test",
            "mobile": "070-123 45 67" if n % 2 else "",
        }

    def delete(self):
        Invitation.objects.filter(client__firm=self.firm).delete()
        InvitationBatch.objects.filter(firm=self.firm).delete()
        User.objects.filter(email__contains=f"{self.tag}").delete()
        self.firm.delete()


def measure_wizard_post(rows: int) -> tuple[float, int]:
    firm = ThrowawayFirm(rows)
    try:
        http = Client(HTTP_HOST="localhost")
        http.force_login(firm.accountant)
        step = http.post(reverse("invitations:wizard"), {"choice": "new_users"}).url
        data = {"action": "review", "marking": "manual", "row": []}
        for n, client in enumerate(firm.clients):
            data["row"].append(str(client.pk))
            data[f"r{client.pk}-marked"] = "1"
            for field, value in firm.person(n).items():
                data[f"r{client.pk}-{field}"] = value
        review = http.post(step, data).url
        assert http.get(review).status_code == 200  # the review page, as the person sees it
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = http.post(review)
            elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        assert Invitation.objects.filter(client__firm=firm.firm).count() == rows
        return elapsed, len(queries)
    finally:
        firm.delete()


def measure_service(rows: int) -> tuple[float, int]:
    firm = ThrowawayFirm(rows)
    try:
        batch_rows = [
            NewUserRow(
                client_id=client.pk,
                full_name=firm.person(n)["full_name"],
                email=firm.person(n)["email"],
                username=f"asa.{firm.tag}.{n}",
                mobile="+46701234567" if n % 2 else "",
            )
            for n, client in enumerate(firm.clients)
        ]
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            invite_new_users(
                accountant=firm.accountant,
                firm=firm.firm,
                rows=batch_rows,
                submission_key=uuid.uuid4(),
            )
            elapsed = time.perf_counter() - started
        return elapsed, len(queries)
    finally:
        firm.delete()


def measure_reference(rows: int) -> float:
    """django-invitations' way: per address an invitation row, its e-mail rendered and sent
    at once with a fresh SMTP connection, the row marked sent. The users exist beforehand
    (django-invitations makes none), so they are not timed."""
    firm = ThrowawayFirm(rows)
    try:
        users = User.objects.bulk_create(
            User(
                username=f"ref-{firm.tag}-{n}",
                email=firm.person(n)["email"],
                full_name=firm.person(n)["full_name"],
                is_active=False,
            )
            for n in range(rows)
        )
        started = time.perf_counter()
        for user, client in zip(users, firm.clients, strict=True):
            invitation = Invitation(user=user, client=client, invited_by=firm.accountant)
            give_new_secret(invitation, now=timezone.now())
            invitation.save()
            context = {
                "invitation": invitation,
                "user": user,
                "client": client,
                "firm": firm.firm,
                "inviter": firm.accountant,
                "link": invitation_link(invitation),
                "expires_at": invitation.expires_at,
                "site_url": settings.SITE_URL,
            }
            message = EmailMultiAlternatives(
                subject=f"{firm.firm.name} har bjudit in dig till Byråportalen",
                body=render_to_string("invitations/email/invitation.txt", context),
                to=[user.email],
            )
            message.attach_alternative(
                render_to_string("invitations/email/invitation.html", context), "text/html"
            )
            message.send()  # a new SMTP connection for each message, as send_mail() does
            invitation.last_sent_at = timezone.now()
            invitation.save(update_fields=["last_sent_at"])
        return time.perf_counter() - started
    finally:
        firm.delete()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (migrated).")

    folder = Path(tempfile.mkdtemp(prefix="byraportalen-bench-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "servers.py"),
            "smtp",
            str(port),
            str(folder / "smtp.log"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert smtp.stdout.readline().strip() == "ready"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    app.conf.task_always_eager = False
    database = settings.DATABASES["default"]["NAME"]
    print(f"{args.rows} rows a batch, {args.runs} runs, database {database}")
    try:
        measure_wizard_post(args.rows)  # warm up: templates, connections, caches
        posts, services, references = [], [], []
        for _run in range(args.runs):  # interleaved, so that a busy moment hits all three
            posts.append(measure_wizard_post(args.rows))
            services.append(measure_service(args.rows))
            references.append(measure_reference(args.rows))
        few = measure_wizard_post(5)
    finally:
        smtp.terminate()
        smtp.wait(10)
        with app.connection_for_write() as broker:
            broker.default_channel.client.flushdb()

    post_ms = statistics.median(elapsed * 1000 for elapsed, _q in posts)
    service_ms = statistics.median(elapsed * 1000 for elapsed, _q in services)
    reference_ms = statistics.median(elapsed * 1000 for elapsed in references)
    ratio = reference_ms / post_ms
    report(
        f"Submit, whole POST, {args.rows} rows (median of {args.runs})",
        post_ms,
        "ms",
        target="≤ 25 ms and ≥ 8 × the reference",
        reference=reference_ms,
        reference_label="django-invitations way, ms",
        ratio=ratio,
        meets=post_ms <= 25 and ratio >= 8,
    )
    queries = max(count for _elapsed, count in posts)
    report(
        f"Submit, queries for {args.rows} rows / for 5 rows",
        queries,
        f"queries (5 rows: {few[1]})",
        target="≤ 20, the same for any number of rows",
        meets=queries <= 20 and few[1] == queries,
    )
    report(
        f"invite_new_users alone, {args.rows} rows",
        service_ms,
        f"ms, {services[0][1]} queries",
        reference=reference_ms,
        reference_label="django-invitations way, ms",
        ratio=reference_ms / service_ms,
    )


if __name__ == "__main__":
    main()
