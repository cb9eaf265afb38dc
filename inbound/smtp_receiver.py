"""The local receiver: an SMTP (or LMTP) server on loopback, aiosmtpd, that hands each
message to ``services.receive_message``, the same first step as a provider's webhook.

For self-hosting put it behind the MTA that receives the domain's mail (Postfix relaying to
it over LMTP, with its SPF/DKIM/DMARC checks writing Authentication-Results); for `make run`
mail is sent to it directly with smtplib.
"""

import logging

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

from .models import Outcome
from .outcomes import why
from .services.receiving import receive_message

logger = logging.getLogger("inbound.smtp")


def _receive(raw: bytes, recipients: list[str], envelope_sender: str | None) -> str:
    try:
        results = receive_message(
            raw=raw,
            channel="smtp",
            envelope_recipients=recipients,
            envelope_sender=envelope_sender,
        )
    finally:
        # This thread is the receiver's, not a request's: nothing else closes its connection.
        connection.close()
    refused = [r.message for r in results if r.message.outcome == Outcome.REJECTED]
    if refused and len(refused) == len(results):
        # Every recipient refused it at once (an unknown or replaced address, too large):
        # say why, so the sending server bounces with our reason. Recorded all the same.
        reason = why(refused[0]).encode("ascii", "replace").decode()
        return f"550 5.1.1 {reason}"
    return "250 2.0.0 OK"


class Handler:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        status = await sync_to_async(_receive, thread_sensitive=True)(
            raw, list(envelope.rcpt_tos), envelope.mail_from
        )
        logger.info("inbound smtp message", extra={"status": status[:3]})
        return status


class _Controller(Controller):
    def __init__(self, *, lmtp: bool, **kwargs):
        self.lmtp = lmtp
        super().__init__(Handler(), **kwargs)

    def factory(self):
        protocol = LMTP if self.lmtp else SMTP
        # Up to twice the message limit is read and recorded (as too large when over it);
        # beyond that the session is refused with 552 and the sender's server bounces.
        return protocol(
            self.handler,
            data_size_limit=settings.INBOUND_MAX_MESSAGE_BYTES * 2,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=self.hostname,
        )


def start_receiver(*, host: str = "127.0.0.1", port: int = 2525, lmtp: bool = False):
    """Starts the receiver in a thread of its own; returns the controller (``stop()``)."""
    controller = _Controller(lmtp=lmtp, hostname=host, port=port, ready_timeout=10)
    controller.start()
    return controller
