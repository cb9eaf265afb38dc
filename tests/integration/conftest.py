"""Real parts for the delivery tests: SMTP on loopback, a local Twilio, a Celery worker."""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import connection

from config.celery import app as celery_app

from .servers import SmtpServer, TwilioServer

TWILIO_SID = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "twilio-test-auth-token"
TWILIO_FROM = "+46701234567"


def wait_until(predicate, *, timeout: float = 10.0, interval: float = 0.05):
    """Polls ``predicate`` until it is truthy; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"not true within {timeout} s: {predicate.__doc__ or predicate}")


class LogRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        # A copy as the portal wrote it: the console handler's masking filter, further up,
        # changes the record itself in place.
        self.records.append(logging.makeLogRecord(dict(vars(record))))


@pytest.fixture
def delivery_log():
    """The delivery log lines, also from the worker thread (whose start re-runs Django's
    logging set-up, which drops pytest's own capture handler from the root logger)."""
    logger = logging.getLogger("invitations.delivery")
    handler = LogRecords()
    previous_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(previous_level)


@pytest.fixture
def fast_backoff(settings):
    """Back-off of a fraction of a second, so that retries take no longer than the test."""
    settings.DELIVERY_RETRY_BASE_SECONDS = 0.1
    settings.DELIVERY_RETRY_MAX_SECONDS = 0.5


@pytest.fixture
def smtp_server(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def twilio_server(settings):
    server = TwilioServer(account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN)
    server.start()
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_FROM = TWILIO_FROM
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE_URL = server.base_url
    settings.TWILIO_TIMEOUT = 2
    yield server
    server.stop()


def _forget_broker_connections():
    # The app caches its connection and producer pools on first use; kombu keeps one per
    # broker URL, so dropping the app's references makes the next publish use the new URL.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str):
    """Points the Celery app's publishing at ``url`` for the block."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    _forget_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        _forget_broker_connections()


@pytest.fixture
def with_broker():
    """Tasks go through the real Redis broker (the tests' own database), not in-process."""
    celery_app.conf.task_always_eager = False
    with celery_app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()
    yield celery_app
    celery_app.conf.task_always_eager = True


@pytest.fixture
def celery_worker(with_broker, transactional_db):
    """A real Celery worker (solo pool, in a thread) consuming from the Redis test broker."""
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=5):
        yield celery_app


class WorkerProcess:
    """``celery -A config worker --pool=prefork -c 2`` as production runs it (production
    settings), on the tests' database and broker, sending to ``smtp_server``."""

    def __init__(self, name: str, *, smtp_port: int, environment: dict[str, str], log_path=None):

        database = connection.settings_dict
        self.node = f"{name}@{socket.gethostname()}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "integration-worker-secret-key-0123456789abcdefghijklmnopqrstu",
            # The tests made the links under their own key: the worker has rotated since.
            "SECRET_KEY_FALLBACKS": django_settings.SECRET_KEY,
            "DATABASE_URL": (
                f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
                f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "ALLOWED_HOSTS": "testserver",
            "SITE_URL": "http://testserver",
            "CELERY_BROKER_URL": celery_app.conf.broker_url,
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "LOG_LEVEL": "WARNING",
            # These workers send e-mail; production refuses SMS without Twilio otherwise.
            "SMS_ENABLED": "false",
            **environment,
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        root = Path(__file__).resolve().parent.parent.parent
        # With ``log_path`` everything the worker prints or logs (at INFO) goes there.
        output = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
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
                *(["--loglevel=INFO"] if log_path else []),
            ],
            cwd=root,
            env=env,
            stdout=output,
            stderr=output,
        )
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[self.node], timeout=0.5):
            assert self.process.poll() is None, "the worker process exited at start"
            assert time.monotonic() < deadline, "the worker process did not start"

    def pids(self) -> list[int]:
        """The main process and its pool's children."""
        found, waiting = [], [self.process.pid]
        while waiting:
            pid = waiting.pop()
            found.append(pid)
            try:
                waiting += map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
            except FileNotFoundError:
                pass
        return found

    def kill(self):
        """SIGKILL to every process of the worker at once: no chance to finish anything."""
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(10)

    def stop(self):

        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_processes(with_broker, transactional_db):
    """Starts real worker processes on demand: ``start(name, smtp_port=..., **environment)``;
    stops every one of them after the test."""
    started = []

    def start(name: str, *, smtp_port: int, log_path=None, **environment: str) -> WorkerProcess:
        worker = WorkerProcess(
            name, smtp_port=smtp_port, environment=environment, log_path=log_path
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
