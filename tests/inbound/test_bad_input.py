"""The bad input of issue 13: each recorded with its reason, no server error, no partial
document."""

import pytest

from documents.models import Document
from inbound.models import InboundMessage, Outcome, Reason
from inbound.services.receiving import receive_message
from tests.documents.factories import windows_program, zip_archive

from .mail import pdf, raw_mime

pytestmark = pytest.mark.django_db(transaction=True)


def receive(raw: bytes) -> InboundMessage:
    [received] = receive_message(raw=raw, channel="test")
    received.message.refresh_from_db()
    return received.message


def test_a_50_mb_mail_is_refused_as_too_large_with_sender_and_subject(address, client_user):
    raw = raw_mime(
        sender=client_user.email,
        to=address.email,
        subject="Stor bilaga",
        files=[("stor.pdf", pdf() + b"0" * (50 * 1024 * 1024), "application/pdf")],
    )

    record = receive(raw)

    assert (record.outcome, record.reason) == (Outcome.REJECTED, Reason.TOO_LARGE)
    assert record.subject == "Stor bilaga"
    assert record.details["size"] == len(raw)
    assert not record.raw
    assert not Document.objects.exists()


def test_100_attachments_are_refused_as_a_whole(address, client_user):
    files = [(f"k{n}.pdf", pdf(n), "application/pdf") for n in range(100)]

    record = receive(raw_mime(sender=client_user.email, to=address.email, files=files))

    assert (record.outcome, record.reason) == (Outcome.REJECTED, Reason.TOO_MANY_ATTACHMENTS)
    assert record.details == {"count": 100, "max": 20}
    assert not Document.objects.exists()


def test_an_executable_named_faktura_pdf_and_a_zip_bomb_are_refused_by_content(
    address, client_user
):
    files = [
        ("faktura.pdf", windows_program(), "application/pdf"),
        ("kvitton.zip", zip_archive(), "application/zip"),
    ]

    record = receive(raw_mime(sender=client_user.email, to=address.email, files=files))

    assert (record.outcome, record.reason) == (Outcome.REJECTED, Reason.NO_ACCEPTED_FILES)
    assert [(r["name"], r["kind"]) for r in record.details["refused"]] == [
        ("faktura.pdf", "type"),
        ("kvitton.zip", "type"),
    ]
    assert not Document.objects.exists()


def test_a_good_pdf_beside_an_executable_is_taken_and_the_executable_named(address, client_user):
    files = [
        ("faktura.pdf", windows_program(), "application/pdf"),
        ("ok.pdf", pdf(), "application/pdf"),
    ]

    record = receive(raw_mime(sender=client_user.email, to=address.email, files=files))

    assert record.outcome == Outcome.ACCEPTED
    assert [d.original_name for d in Document.objects.all()] == ["ok.pdf"]
    assert record.details["refused"][0]["name"] == "faktura.pdf"


def test_broken_mime_is_refused_as_unreadable(address, client_user):
    raw = (
        f"From: {client_user.email}\r\nTo: {address.email}\r\nSubject: Trasig\r\n"
        "Message-ID: <broken@example.test>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="XYZ"\r\n\r\n'
        "--XYZ\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "JVBERi0xLjQK\r\n"
    ).encode()  # the closing boundary never comes: a truncated message

    record = receive(raw)

    assert (record.outcome, record.reason) == (Outcome.REJECTED, Reason.BROKEN_MIME)
    assert not Document.objects.exists()


def test_a_forged_from_with_failing_dkim_waits_whoever_it_claims_to_be(address, client_user):
    raw = raw_mime(
        sender=client_user.email,
        to=address.email,
        files=[("a.pdf", pdf(), "application/pdf")],
        headers=[
            (
                "Authentication-Results",
                "mx.provider.example; dkim=fail header.d=bageriet.example; spf=pass",
            )
        ],
    )

    record = receive(raw)

    assert (record.outcome, record.reason) == (Outcome.QUARANTINED, Reason.AUTHENTICATION_FAILED)
    assert not Document.objects.exists()


def test_a_spam_verdict_of_the_provider_quarantines(address, client_user):
    raw = raw_mime(
        sender=client_user.email, to=address.email, files=[("a.pdf", pdf(), "application/pdf")]
    )

    [received] = receive_message(raw=raw, channel="test", provider_verdicts={"spam": True})
    received.message.refresh_from_db()

    assert received.message.reason == Reason.SPAM


def test_the_daily_limit_per_client_is_recorded_when_exceeded(address, client_user, settings):
    settings.INBOUND_MAX_MESSAGES_PER_CLIENT_PER_DAY = 2
    outcomes = [
        receive(raw_mime(sender=client_user.email, to=address.email, text=f"{n}")).reason
        for n in range(3)
    ]

    assert outcomes == [Reason.CLIENT_USER, Reason.CLIENT_USER, Reason.DAILY_LIMIT]
    assert Document.objects.count() == 2
