"""Personal data and live links kept out of every log line.

The portal's own lines name deliveries and invitations by id, never by address, number or
link. What others write (Django's "Not Found: /inbjudan/<secret>/", a provider's refusal
text, gunicorn's access log, a traceback) goes through ``mask`` on its way out:

- the secret of an invitation link, ``/inbjudan/<secret>/`` (also URL-encoded, as in a
  ``next=`` parameter), becomes ``/inbjudan/***/``;
- an e-mail address keeps only its domain, ``***@example.se`` (a client company's inbound
  address is itself a secret: its local part is what a sender must know);
- a phone number in international form becomes ``+***``, a Swedish mobile number as people
  type it (070-123 45 67) ``07***``.

A client's IP address is personal data too: the access logs keep only its network
(``client_network``: 192.0.2.0 for 192.0.2.41, the first 48 bits of an IPv6 address), which
still tells an operator where a wave of requests comes from.

``MaskPersonalData`` is the logging filter (on the console handler of ``LOGGING``, on the
Celery worker's handlers and on gunicorn's loggers, see ``gunicorn_logging``).
"""

import ipaddress
import logging
import re

_SLASH = r"(?:/|%2[Ff])"
_INVITATION_SECRET = re.compile(
    rf"({_SLASH}inbjudan{_SLASH})(?!ny-lank-begard(?:{_SLASH}|\b))[A-Za-z0-9_-]+"
)
_EMAIL_ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$&'*+=?^_`{|}~-]+(?:@|%40)((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})"
)
_PHONE_NUMBER = re.compile(r"(?:\+|%2[Bb])\d[\d ]{5,16}\d")
# A Swedish mobile number as people type it: 070-123 45 67, 0701234567 (07, then 8 digits).
_NATIONAL_MOBILE = re.compile(r"(?<![\d-])07\d(?:[- ]?\d){7}(?![\d-])")

MASK = "***"


def mask(text: str) -> str:
    """``text`` with link secrets, e-mail addresses and phone numbers masked."""
    if not text:
        return text
    text = _INVITATION_SECRET.sub(rf"\g<1>{MASK}", text)
    text = _EMAIL_ADDRESS.sub(rf"{MASK}@\g<1>", text)
    text = _PHONE_NUMBER.sub(f"+{MASK}", text)
    return _NATIONAL_MOBILE.sub(f"07{MASK}", text)


def client_network(address: str) -> str:
    """The network of a client's IP ``address`` as the access logs keep it: IPv4 with its
    last byte zeroed (a /24), IPv6 cut to its /48; "-" for anything else."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "-"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


# The attributes every LogRecord has; anything else came in ``extra`` and may be formatted too.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class MaskPersonalData(logging.Filter):
    """Masks the formatted message, the traceback and string ``extra`` fields of each record
    (in place: every handler after this one sees the masked record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, name, mask(value))
        return True


def mask_handlers(logger: logging.Logger) -> None:
    """Adds the filter to each of ``logger``'s handlers that has none yet."""
    for handler in logger.handlers:
        if not any(isinstance(existing, MaskPersonalData) for existing in handler.filters):
            handler.addFilter(MaskPersonalData())
