"""Sending as deployed: real worker processes, an SMTP server and a Twilio-like server of their own.

    DATABASE_URL=postgres://... BENCH_BROKER_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python benchmarks/delivery_throughput.py [--emails 1000] [--sms 500]

Starts, each as a process of its own: an SMTP server (aiosmtpd) and a server that speaks
Twilio's Messages API on loopback (``servers.py``), and one Celery worker as production runs
it (``celery -A config worker --pool=prefork -c 2``, production settings, the benchmark's
own broker ``BENCH_BROKER_URL``; its Redis database is flushed). Then measures, in the same
run:

- the ceiling: a do-nothing task through that worker, tasks/s;
- ``--emails`` invitation e-mails queued as one batch, from the enqueue until every one is
  accepted by the SMTP server and recorded "sent": e-mails/s, and the worker's peak memory
  (the main process and its children);
- a real "Skapa och bjud in användare" POST of 50 rows: how long after its response the
  last of the 50 e-mails is accepted (``--latency-runs`` POSTs, 5 by default: each run
  printed, the median reported; one sample ranged from 0.3 to 0.9 s between runs);
- ``--sms`` SMS through the Twilio-like server: SMS/s;
- the same e-mail batch with a second worker process sharing the outbox: e-mails/s, and
  how many messages arrived twice or never.

Uses the database of DATABASE_URL (PostgreSQL; run ``manage.py migrate`` first); the
throwaway firm and its rows are deleted at the end. Prints figures; never fails on time.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
os.environ["CELERY_BROKER_URL"] = BROKER_URL  # this process publishes; it never runs tasks
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from benchmarks.database import analyze  # noqa: E402
from benchmarks.noop_task import ceiling as noop_ceiling  # noqa: E402
from benchmarks.noop_task import tree_cpu_seconds  # noqa: E402
from benchmarks.report import report  # noqa: E402
from bureau.models import Firm, FirmMembership  # noqa: E402
from bureau.organisation_numbers import with_check_digit  # noqa: E402
from clients.models import ClientCompany  # noqa: E402
from config.celery import app  # noqa: E402
from invitations import secrets  # noqa: E402
from invitations.delivery.tasks import dispatch_deliveries  # noqa: E402
from invitations.models import Delivery, Invitation, InvitationBatch, InvitationEvent  # noqa: E402

TWILIO_SID = "AC" + "0123456789abcdef" * 2
SECRET_KEY = "benchmark-secret-key-" + "0123456789abcdef" * 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """A provider stand-in in a process of its own; ``lines()`` are the messages it took."""

    def __init__(self, kind: str, folder: Path):
        self.port = free_port()
        self.log = folder / f"{kind}.log"
        self.log.touch()
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "servers.py"),
                kind,
                str(self.port),
                str(self.log),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready", f"{kind} server did not start"

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines()

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class WorkerProcess:
    """``celery -A config worker --pool=prefork -c 2`` with production settings."""

    def __init__(self, name: str, *, smtp: Sink, twilio: Sink, folder: Path):
        self.node = f"{name}@{socket.gethostname()}"
        database = settings.DATABASES["default"]
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": SECRET_KEY,
            # The benchmark made the links under its own key: the worker has rotated since.
            "SECRET_KEY_FALLBACKS": settings.SECRET_KEY,
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "ALLOWED_HOSTS": "localhost",
            "SITE_URL": "http://localhost:8000",
            "CELERY_BROKER_URL": BROKER_URL,
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "TWILIO_ACCOUNT_SID": TWILIO_SID,
            "TWILIO_AUTH_TOKEN": "benchmark-token",
            "TWILIO_FROM": "+46700000000",
            "TWILIO_API_BASE_URL": f"http://127.0.0.1:{twilio.port}",
            "LOG_LEVEL": "INFO",
        }
        environment.pop("DEBUG", None)
        assert database["ENGINE"].endswith("postgresql"), "the benchmark runs on PostgreSQL"
        self.log = open(folder / f"{name}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "-c",
                "2",
                "-n",
                f"{name}@%h",
                "-I",
                "benchmarks.noop_task",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[self.node], timeout=0.5):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"worker {name} did not start; see {self.log.name}")

    def rss_mib(self) -> float:
        """Resident memory of the worker's main process and all its children."""
        total, pids = 0, [self.process.pid]
        while pids:
            pid = pids.pop()
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except FileNotFoundError:
                continue
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
            )
            pids += [int(child) for child in children]
        return total / 1024

    def cpu_seconds(self) -> float:
        """CPU time used so far by the worker and its children (see ``tree_cpu_seconds``)."""
        return tree_cpu_seconds(self.process.pid)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Throwaway:
    """A firm with one client and ``make(...)`` pending deliveries; deleted by ``delete()``."""

    def __init__(self):
        self.stamp = uuid.uuid4().hex[:10]
        number = int(self.stamp, 16) % 10**7
        self.firm = Firm.objects.create(
            name=f"Benchmarkbyrån {self.stamp}", org_number=with_check_digit(f"97{number:07d}")
        )
        self.accountant = User.objects.create(
            username=f"bench-{self.stamp}", email=f"bench-{self.stamp}@benchmark.test"
        )
        FirmMembership.objects.create(firm=self.firm, user=self.accountant)
        self.client = ClientCompany.objects.create(
            firm=self.firm,
            name="Benchmarkklienten AB",
            org_number=with_check_digit(f"55{number:07d}"),
        )
        self.made = 0

    def make(self, count: int, channel: str) -> list[int]:
        first, self.made = self.made, self.made + count
        users = User.objects.bulk_create(
            User(
                username=f"bench-{self.stamp}-{n}",
                email=f"bench-{self.stamp}-{n}@benchmark.test",
                full_name=f"Person {n}",
                mobile=f"+4670{n:07d}",
                is_active=False,
            )
            for n in range(first, self.made)
        )
        now = timezone.now()
        invitations = []
        for user in users:
            nonce = secrets.new_nonce()
            invitations.append(
                Invitation(
                    user=user,
                    client=self.client,
                    invited_by=self.accountant,
                    secret_nonce=nonce,
                    secret_hash=secrets.hash_secret(secrets.secret_for(nonce)),
                    expires_at=now + timezone.timedelta(days=14),
                )
            )
        Invitation.objects.bulk_create(invitations)
        recipient = (
            (lambda user: user.email) if channel == "email" else (lambda user: str(user.mobile))
        )
        deliveries = Delivery.objects.bulk_create(
            Delivery(invitation=i, channel=channel, recipient=recipient(i.user))
            for i in invitations
        )
        analyze(User, Invitation, Delivery, InvitationEvent, ClientCompany, Firm)
        return [d.pk for d in deliveries]

    def delete(self):
        Invitation.objects.filter(client__firm=self.firm).delete()
        InvitationBatch.objects.filter(firm=self.firm).delete()
        User.objects.filter(username__startswith=f"bench-{self.stamp}").delete()
        User.objects.filter(email__endswith=f"{self.stamp}@benchmark.test").delete()
        self.firm.delete()


def broker_client():
    return app.connection_for_write().default_channel.client


def ceiling(worker: WorkerProcess, tasks: int) -> tuple[float, float]:
    """Do-nothing tasks/s through ``worker`` and its CPU milliseconds per task."""
    return noop_ceiling(app, node=worker.node, pid=worker.process.pid, tasks=tasks)


def send_batch(ids: list[int], sink: Sink, workers: list[WorkerProcess], timeout: float = 300):
    """Queues ``ids`` as one batch; returns (seconds until all accepted and recorded, the
    recipients' counts at the sink, the peak memory of the first worker, the workers' CPU
    milliseconds per message)."""
    before = len(sink.lines())
    peak, last_sample = 0.0, 0.0
    cpu = sum(worker.cpu_seconds() for worker in workers)
    started = time.monotonic()
    dispatch_deliveries.apply_async((ids,))
    while True:
        now = time.monotonic()
        if now - last_sample > 0.1:
            peak, last_sample = max(peak, workers[0].rss_mib()), now
        arrived = sink.lines()[before:]
        if (
            len(arrived) >= len(ids)
            and not Delivery.objects.filter(pk__in=ids).exclude(status="sent").exists()
        ):
            break
        if now - started > timeout:
            print(f"  timed out: {len(arrived)} of {len(ids)} arrived")
            break
        time.sleep(0.01)
    elapsed = time.monotonic() - started
    cpu = sum(worker.cpu_seconds() for worker in workers) - cpu
    return elapsed, Counter(line.split("\t")[0] for line in arrived), peak, cpu * 1000 / len(ids)


def submit_latency(sink: Sink) -> float:
    """Seconds from the response of a real 50-row "Skapa och bjud in användare" POST until
    the SMTP server has accepted the last of its 50 e-mails."""
    from django.test import Client
    from django.urls import reverse

    from clients.models import ClientRight

    throwaway = Throwaway()
    tag = throwaway.stamp
    try:
        clients = ClientCompany.objects.bulk_create(
            ClientCompany(
                firm=throwaway.firm,
                name=f"Latensklient {n:02d} AB",
                org_number=with_check_digit(f"56{int(tag, 16) % 10**5:05d}{n:02d}"),
            )
            for n in range(50)
        )
        ClientRight.objects.bulk_create(
            ClientRight(accountant=throwaway.accountant, client=c, is_system_admin=True)
            for c in clients
        )
        http = Client(HTTP_HOST="localhost")
        http.force_login(throwaway.accountant)
        step = http.post(reverse("invitations:wizard"), {"choice": "new_users"}).url
        data = {"action": "review", "marking": "manual", "row": []}
        for n, client in enumerate(clients):
            data["row"].append(str(client.pk))
            data[f"r{client.pk}-marked"] = "1"
            data[f"r{client.pk}-full_name"] = f"Latens Person {n}"
            data[f"r{client.pk}-email"] = f"latens{n}.{tag}@benchmark.test"
            data[f"r{client.pk}-mobile"] = "070-123 45 67" if n % 2 else ""
        review = http.post(step, data).url
        assert http.get(review).status_code == 200  # the review page, as the person sees it
        before = len(sink.lines())
        response = http.post(review)
        answered = time.monotonic()
        assert response.status_code == 302, response.status_code
        while len([line for line in sink.lines()[before:] if tag in line]) < 50:
            if time.monotonic() - answered > 30:
                break
            time.sleep(0.002)
        return time.monotonic() - answered
    finally:
        throwaway.delete()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--sms", type=int, default=500)
    parser.add_argument("--noop", type=int, default=3000)
    parser.add_argument("--latency-runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (migrated).")

    broker_client().flushdb()
    folder = Path(tempfile.mkdtemp(prefix="byraportalen-bench-"))
    print(
        f"broker {BROKER_URL}, database {settings.DATABASES['default']['NAME']}, logs in {folder}"
    )
    stoppable, workers, throwaway = [], [], None
    try:
        smtp, twilio = Sink("smtp", folder), Sink("twilio", folder)
        stoppable += [smtp, twilio]
        throwaway = Throwaway()
        workers.append(WorkerProcess("bench1", smtp=smtp, twilio=twilio, folder=folder))
        idle_rss = workers[0].rss_mib()
        ceilings = [ceiling(workers[0], args.noop) for _ in range(3)]
        noop_rate = statistics.median(rate for rate, _cpu in ceilings)
        noop_cpu = statistics.median(cpu for _rate, cpu in ceilings)
        report("Do-nothing Celery task, 1 worker (prefork -c 2)", noop_rate, "tasks/s")

        ids = throwaway.make(args.emails, "email")
        elapsed, arrived, peak, email_cpu = send_batch(ids, smtp, workers)
        rate = len(ids) / elapsed
        ratio = rate / noop_rate
        report(
            f"E-mail end to end, {len(ids)} as one batch, 1 worker",
            rate,
            "e-mails/s",
            target="≥ 150/s and ≥ 0.30 × do-nothing",
            reference=noop_rate,
            reference_label="do-nothing tasks/s",
            ratio=ratio,
            meets=rate >= 150 and ratio >= 0.30,
        )
        report(
            "  worker CPU per e-mail",
            email_cpu,
            "ms",
            reference=noop_cpu,
            reference_label="CPU ms per do-nothing task",
            ratio=noop_cpu / email_cpu,
        )
        lost = len(ids) - len(arrived)
        twice = sum(count - 1 for count in arrived.values())
        report(
            "  lost / sent twice (1 worker)",
            lost + twice,
            "messages",
            target="0",
            meets=lost + twice == 0,
        )
        peak = max(peak, workers[0].rss_mib())
        report(
            "Worker memory, main process + 2 children (peak)",
            peak,
            "MiB",
            target="≤ 300 MiB",
            meets=peak <= 300,
        )
        print(f"  (idle after start: {idle_rss:.0f} MiB)")

        latencies = [submit_latency(smtp) for _run in range(args.latency_runs)]
        latency = statistics.median(latencies)
        print("  each run: " + ", ".join(f"{seconds:.2f} s" for seconds in latencies))
        report(
            f"50 invitations: last e-mail accepted after the submit's response "
            f"(median of {args.latency_runs})",
            latency,
            "s",
            target="≤ 1 s",
            meets=latency <= 1,
        )

        ids = throwaway.make(args.sms, "sms")
        elapsed, arrived, _peak, _cpu = send_batch(ids, twilio, workers)
        sms_rate = len(ids) / elapsed
        report(
            f"SMS end to end through a local Twilio-like server, {len(ids)}",
            sms_rate,
            "SMS/s",
            target="≥ 100/s",
            reference=noop_rate,
            reference_label="do-nothing tasks/s",
            ratio=sms_rate / noop_rate,
            meets=sms_rate >= 100,
        )

        workers.append(WorkerProcess("bench2", smtp=smtp, twilio=twilio, folder=folder))
        ids = throwaway.make(args.emails, "email")
        elapsed, arrived, _peak, _cpu = send_batch(ids, smtp, workers)
        rate_two = len(ids) / elapsed
        report(
            f"E-mail end to end, {len(ids)}, 2 worker processes sharing the outbox",
            rate_two,
            "e-mails/s",
            reference=rate,
            reference_label="1 worker e-mails/s",
            ratio=rate_two / rate,
        )
        lost = len(ids) - len(arrived)
        twice = sum(count - 1 for count in arrived.values())
        report(
            "  lost / sent twice (2 workers)",
            lost + twice,
            "messages",
            target="0",
            meets=lost + twice == 0,
        )
    finally:
        for running in [*workers, *stoppable]:
            running.stop()
        if throwaway is not None:
            throwaway.delete()
        broker_client().flushdb()


if __name__ == "__main__":
    main()
