"""Messages for the inbound tests, built the ways they arrive: anymail's construct() (as a
provider's parsed payload becomes), and raw MIME (as the local receiver gets it)."""

import itertools
from email.message import EmailMessage
from email.policy import SMTP

from anymail.inbound import AnymailInboundMessage

from tests.documents.factories import tiny_pdf

_numbers = itertools.count(1)


def pdf(number: int = 0) -> bytes:
    """A small PDF whose bytes differ by ``number`` (so two are two files)."""
    return tiny_pdf() + f"% {number}\n".encode()


def constructed(
    *, sender: str, to: str, subject: str = "Kvitto", files=(), text: str = "Hej!", headers=()
) -> AnymailInboundMessage:
    attachments = [
        AnymailInboundMessage.construct_attachment(content_type, content, filename=name)
        for name, content, content_type in files
    ]
    return AnymailInboundMessage.construct(
        from_email=sender,
        to=to,
        subject=subject,
        text=text,
        headers=[("Message-ID", f"<m{next(_numbers)}@example.test>"), *headers],
        attachments=attachments,
    )


def raw_mime(
    *,
    sender: str,
    to: str,
    subject: str = "Kvitto",
    files=(),
    text: str = "Hej!",
    headers=(),
    message_id: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<r{next(_numbers)}@example.test>"
    for name, value in headers:
        message[name] = value
    message.set_content(text)
    for name, content, content_type in files:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    # As on the wire: CRLF line ends (smtplib sends bytes as they are).
    return message.as_bytes(policy=SMTP)
