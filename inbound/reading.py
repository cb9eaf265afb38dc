"""What one e-mail says: its sender, its attachments, its body, what the receiving side
thought of it, and whether a machine sent it. Reads only; decides nothing.

Messages are parsed with anymail's ``AnymailInboundMessage`` (Python's e-mail parser with the
modern policy), whichever way they came: a provider's webhook or raw MIME from the local
receiver.
"""

import hashlib
import re
from dataclasses import dataclass, field
from email import errors as email_errors
from email.utils import getaddresses
from html import unescape

from anymail.inbound import AnymailInboundMessage
from django.core.files.base import ContentFile
from django.utils.html import strip_tags

# Inline images smaller than this are logos and signatures, not receipts.
INLINE_IMAGE_SKIP_BYTES = 50 * 1024
# Defects after which the message's structure cannot be trusted (a truncated multipart).
_BROKEN = (
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.CloseBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
    email_errors.NoBoundaryInMultipartDefect,
)
_DAMAGED_PAYLOAD = (
    email_errors.InvalidBase64CharactersDefect,
    email_errors.InvalidBase64LengthDefect,
    email_errors.InvalidBase64PaddingDefect,
)
_AUTH_FAILURE = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*(fail|permerror)\b", re.IGNORECASE)
_AUTOMATIC_SENDERS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+-].*)?@", re.IGNORECASE
)


class BrokenMessage(Exception):
    """The bytes are not a readable e-mail."""


def parse(raw: bytes) -> AnymailInboundMessage:
    try:
        message = AnymailInboundMessage.parse_raw_mime_bytes(raw)
        for part in message.walk():
            if any(isinstance(defect, _BROKEN) for defect in part.defects):
                raise BrokenMessage
        return message
    except (RecursionError, LookupError, ValueError, TypeError, IndexError) as error:
        raise BrokenMessage from error


def dedup_key(message_id: str, raw: bytes) -> str:
    """Same message, same key: by its Message-ID, else (no Message-ID) by its bytes."""
    basis = message_id.strip().encode() if message_id.strip() else raw
    return hashlib.sha256(basis).hexdigest()


def header(message, name: str) -> str:
    """A header's value as text, never raising on a malformed one."""
    try:
        value = message.get(name)
    except (IndexError, ValueError, TypeError, AttributeError):
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def sender_of(message) -> tuple[str, str]:
    """(address in lower case, display name) of the From header; empty when there is none."""
    pairs = getaddresses([header(message, "From")])
    for name, address in pairs:
        if "@" in address:
            return address.strip().lower()[:320], name.strip()[:200]
    return "", ""


def recipients_at(message, domain: str) -> list[str]:
    """The addresses at ``domain`` the headers name (To, Cc, Delivered-To), in lower case."""
    found = []
    for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
        for _, address in getaddresses([header(message, name)]):
            address = address.strip().lower()
            if address.endswith("@" + domain) and address not in found:
                found.append(address)
    return found


def authentication_failed(message) -> bool:
    """Did the receiving side find SPF, DKIM or DMARC failing?

    Only failures are read. A sender can write any header, but a forged "pass" changes
    nothing here, and a forged "fail" only quarantines the forger's own mail; a failure the
    provider (or the MTA in front of the local receiver) added is always seen.
    """
    for name in ("Authentication-Results", "ARC-Authentication-Results"):
        for value in message.get_all(name) or []:
            if _AUTH_FAILURE.search(str(value)):
                return True
    for name in ("Received-SPF", "X-Mailgun-Spf"):
        for value in message.get_all(name) or []:
            if str(value).strip().lower().startswith("fail"):
                return True
    if header(message, "X-Mailgun-Dkim-Check-Result").lower() == "fail":
        return True
    return header(message, "X-SES-Virus-Verdict").upper() == "FAIL"


def is_automatic(message, envelope_sender: str | None = None) -> bool:
    """Mail a machine sent: auto-replies, bounces, lists, bulk. Never replied to (RFC 3834)."""
    auto_submitted = header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if header(message, "Precedence").lower() in {"bulk", "list", "junk", "auto_reply"}:
        return True
    if any(
        header(message, name)
        for name in (
            "List-Id",
            "List-Unsubscribe",
            "X-Autoreply",
            "X-Autorespond",
            "X-Auto-Response-Suppress",
        )
    ):
        return True
    if message.get_content_type() == "multipart/report":
        return True
    if envelope_sender is not None and envelope_sender.strip() in {"", "<>"}:
        return True
    address, _ = sender_of(message)
    return not address or bool(_AUTOMATIC_SENDERS.match(address))


@dataclass
class Contents:
    files: list[ContentFile] = field(default_factory=list)
    skipped_inline: int = 0
    duplicates: int = 0
    damaged: list[str] = field(default_factory=list)
    text: str = ""


def contents_of(message) -> Contents:
    """The attachments that may be underlag, each once, and the body as plain text.

    Every non-text part with a file name, or marked as an attachment, counts; so do images in
    the body larger than a signature logo (a phone's photo pasted into the mail). The same
    bytes twice in one message count once.
    """
    contents = Contents()
    seen = set()
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        maintype = part.get_content_maintype()
        if disposition != "attachment" and not filename and maintype == "text":
            if not contents.text or part.get_content_subtype() == "plain":
                contents.text = (
                    _text_of(part)
                    if part.get_content_subtype() == "plain"
                    else (contents.text or _text_of_html(part))
                )
            continue
        if any(isinstance(defect, _DAMAGED_PAYLOAD) for defect in part.defects):
            contents.damaged.append(filename or part.get_content_type())
            continue
        payload = part.get_payload(decode=True) or b""
        if (
            maintype == "image"
            and disposition != "attachment"
            and (part["Content-ID"] or disposition == "inline")
            and len(payload) < INLINE_IMAGE_SKIP_BYTES
        ):
            contents.skipped_inline += 1
            continue
        digest = hashlib.sha256(payload).digest()
        if digest in seen:
            contents.duplicates += 1
            continue
        seen.add(digest)
        name = filename or f"bilaga-{len(contents.files) + 1}"
        contents.files.append(ContentFile(payload, name=name))
    return contents


def _text_of(part) -> str:
    try:
        return part.get_content_text() or ""
    except (LookupError, ValueError, AssertionError):
        return ""


def _text_of_html(part) -> str:
    html = _text_of(part)
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>", "\n", html)
    text = strip_tags(html)
    return re.sub(r"\n\s*\n+", "\n\n", unescape(text)).strip()
