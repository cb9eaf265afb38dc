"""`manage.py receive_mail`: the local receiver of e-mailed underlag (inbound.smtp_receiver)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inbound.smtp_receiver import start_receiver


class Command(BaseCommand):
    help = "Receives underlag by e-mail over SMTP (or LMTP) on a loopback address."
    # Tests stop the command through this event instead of a signal.
    stealth_options = ("stop_event",)

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument("--lmtp", action="store_true", help="speak LMTP (behind Postfix)")

    def handle(self, *args, host, port, lmtp, stop_event=None, **options):
        if not settings.INBOUND_EMAIL_DOMAIN:
            raise CommandError("Set INBOUND_EMAIL_DOMAIN: the clients' addresses are there.")
        if host not in {"127.0.0.1", "::1", "localhost"}:
            self.stderr.write(
                "Not a loopback address: put a real MTA (with SPF/DKIM/DMARC checks) in front."
            )
        stop = stop_event or threading.Event()
        if stop_event is None:
            for number in (signal.SIGINT, signal.SIGTERM):
                signal.signal(number, lambda *_: stop.set())
        controller = start_receiver(host=host, port=port, lmtp=lmtp)
        self.stdout.write(
            f"{'LMTP' if lmtp else 'SMTP'} on {host}:{port} for *@{settings.INBOUND_EMAIL_DOMAIN}"
        )
        try:
            stop.wait()
        finally:
            controller.stop()
