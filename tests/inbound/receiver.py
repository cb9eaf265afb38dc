"""`manage.py receive_mail` running in a thread on a free loopback port, for a test."""

import smtplib
import socket
import threading
from contextlib import contextmanager

from django.core.management import call_command

from tests.inbound.mail import pdf, raw_mime
from tests.integration.conftest import wait_until


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


@contextmanager
def running_receiver():
    port, stop = _free_port(), threading.Event()
    thread = threading.Thread(
        target=call_command, args=("receive_mail",), kwargs={"port": port, "stop_event": stop}
    )
    thread.start()
    wait_until(lambda: _listening(port), timeout=10)
    try:
        yield port
    finally:
        stop.set()
        thread.join(timeout=10)


def send(port: int, *, sender: str, to: str, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.sendmail(sender, [to], raw)


def send_invoice(port: int, *, sender: str, to: str, subject: str, number: int = 1) -> None:
    """A mail from ``sender`` with one PDF, faktura-<number>.pdf, through the receiver."""
    name = f"faktura-{number}.pdf"
    raw = raw_mime(
        sender=sender, to=to, subject=subject, files=[(name, pdf(number), "application/pdf")]
    )
    send(port, sender=sender, to=to, raw=raw)
