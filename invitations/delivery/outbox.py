"""The local outbox of the embedded run: e-mail and SMS written to files, newest first.

Only used when no mail server or SMS provider is configured (``make run``); the
development page /utveckling/utkorg/ reads the same folder.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_binary_file, policy
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.utils import timezone


def _mail_dir() -> Path:
    path = Path(settings.EMAIL_OUTBOX_DIR) / "mail"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sms_dir() -> Path:
    path = Path(settings.SMS_OUTBOX_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stamped_name(suffix: str) -> str:
    return f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}{suffix}"


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message as an .eml file to the outbox and echoes it to the console."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.console = ConsoleEmailBackend(fail_silently=fail_silently, **kwargs)

    def send_messages(self, email_messages):
        folder = _mail_dir()
        for message in email_messages:
            (folder / _stamped_name(".eml")).write_bytes(message.message().as_bytes())
        self.console.send_messages(email_messages)
        return len(email_messages)


def write_sms(*, to: str, body: str, sender: str) -> str:
    """Stores one SMS in the outbox; returns an id in the shape of a provider's."""
    message_id = f"LOCAL{uuid.uuid4().hex}"
    payload = {
        "id": message_id,
        "to": to,
        "from": sender,
        "body": body,
        "sent_at": timezone.now().isoformat(),
    }
    (_sms_dir() / _stamped_name(".json")).write_text(json.dumps(payload, ensure_ascii=False))
    if settings.DEBUG:
        # The console half of the local outbox, for `make run` only: the text holds a live
        # link, which no log of a real installation may show.
        print(f"SMS till {to}: {body}")  # noqa: T201
    return message_id


@dataclass(frozen=True)
class OutboxEntry:
    kind: str  # "email" or "sms"
    sent_at: datetime
    to: str
    subject: str
    body: str
    html: str


def outbox_entries(limit: int = 100) -> list[OutboxEntry]:
    """The newest messages of the local outbox, e-mail and SMS together, newest first."""
    files = sorted(
        [*_mail_dir().glob("*.eml"), *_sms_dir().glob("*.json")],
        key=lambda path: path.name,
        reverse=True,
    )[:limit]
    entries = []
    for path in files:
        stamp = datetime.strptime(path.name[:21], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
        if path.suffix == ".eml":
            with path.open("rb") as handle:
                parsed = message_from_binary_file(handle, policy=policy.default)
            text = parsed.get_body(preferencelist=("plain",))
            html = parsed.get_body(preferencelist=("html",))
            entries.append(
                OutboxEntry(
                    kind="email",
                    sent_at=stamp,
                    to=str(parsed["To"]),
                    subject=str(parsed["Subject"]).strip(),
                    body=text.get_content() if text else "",
                    html=html.get_content() if html else "",
                )
            )
        else:
            data = json.loads(path.read_text())
            entries.append(
                OutboxEntry(
                    kind="sms", sent_at=stamp, to=data["to"], subject="", body=data["body"], html=""
                )
            )
    return entries
