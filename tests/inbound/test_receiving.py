"""One service turns one message into underlag: messages from anymail's construct() and from
raw MIME, through ``receive_message`` (tasks run in-process, as without a broker)."""

import pytest

from documents.models import Document, DocumentOrigin
from inbound.models import InboundMessage, Outcome, Reason
from inbound.services.receiving import receive_message
from tests.documents.factories import tiny_png

from .mail import constructed, pdf, raw_mime

pytestmark = pytest.mark.django_db(transaction=True)


def receive(raw: bytes, **kwargs) -> InboundMessage:
    [received] = receive_message(raw=raw, channel="test", **kwargs)
    received.message.refresh_from_db()
    return received.message


def test_a_client_users_mail_with_two_pdfs_is_two_documents(address, client_user):
    message = constructed(
        sender="Anna Svensson <Anna@Bageriet.example>",
        to=address.email,
        subject="Kvitton mars",
        files=[("a.pdf", pdf(1), "application/pdf"), ("b.pdf", pdf(2), "application/pdf")],
    )

    record = receive(message.as_bytes())

    assert (record.outcome, record.reason) == (Outcome.ACCEPTED, Reason.CLIENT_USER)
    documents = Document.objects.filter(client=address.client).order_by("original_name")
    assert [d.original_name for d in documents] == ["a.pdf", "b.pdf"]
    assert {d.comment for d in documents} == {"Kvitton mars"}
    assert {d.origin for d in documents} == {DocumentOrigin.EMAIL}
    assert {d.origin_address for d in documents} == {"anna@bageriet.example"}
    assert {d.uploaded_by for d in documents} == {client_user}
    assert set(record.documents.all()) == set(documents)
    assert not record.raw  # not kept once decided


def test_raw_mime_from_a_stranger_waits_in_quarantine(address, client_user):
    raw = raw_mime(
        sender="Leverantören <faktura@leverantor.example>",
        to=address.email,
        subject="Faktura 123",
        files=[("faktura.pdf", pdf(), "application/pdf")],
    )

    record = receive(raw)

    assert (record.outcome, record.reason) == (Outcome.QUARANTINED, Reason.UNKNOWN_SENDER)
    assert record.sender == "faktura@leverantor.example"
    assert record.subject == "Faktura 123"
    assert record.raw  # kept until someone decides
    assert not Document.objects.exists()


def test_a_providers_retry_of_the_same_message_stores_nothing_new(address, client_user):
    raw = raw_mime(
        sender=client_user.email, to=address.email, files=[("a.pdf", pdf(), "application/pdf")]
    )

    receive(raw)
    [again] = receive_message(raw=raw, channel="test")

    assert not again.created
    assert InboundMessage.objects.count() == 1
    assert Document.objects.count() == 1


def test_the_same_file_twice_in_one_message_is_one_document(address, client_user):
    raw = raw_mime(
        sender=client_user.email,
        to=address.email,
        files=[("a.pdf", pdf(7), "application/pdf"), ("kopia.pdf", pdf(7), "application/pdf")],
    )

    record = receive(raw)

    assert Document.objects.count() == 1
    assert record.details["duplicates"] == 1


def test_small_inline_images_are_skipped_and_a_mail_without_attachments_becomes_a_pdf(
    address, client_user
):
    logo = constructed(sender=client_user.email, to=address.email, text="Lunch med kund, 245 kr")
    related = logo.get_payload()[0]
    related.attach(
        type(logo).construct_attachment(
            "image/png", tiny_png(), filename="logo.png", content_id="l1"
        )
    )

    record = receive(logo.as_bytes())

    [document] = Document.objects.all()
    assert record.outcome == Outcome.ACCEPTED
    assert record.details["skipped_inline"] == 1
    assert record.details["as_pdf"] is True
    assert document.content_type == "application/pdf"
    assert document.file.read().startswith(b"%PDF")


def test_mail_to_a_replaced_address_is_refused_with_its_reason(address, client_user):
    from inbound.services.addresses import replace_address

    new = replace_address(client=address.client, by=client_user)
    raw = raw_mime(
        sender=client_user.email, to=address.email, files=[("a.pdf", pdf(), "application/pdf")]
    )

    record = receive(raw)

    assert (record.outcome, record.reason) == (Outcome.REJECTED, Reason.ADDRESS_REPLACED)
    assert not Document.objects.exists()
    assert new.email != address.email
    assert receive(raw_mime(sender=client_user.email, to=new.email)).outcome == Outcome.ACCEPTED


def test_mail_to_an_unknown_address_is_recorded_as_refused(db):
    record = receive(raw_mime(sender="x@example.test", to="nobody-abc@inkommet.test"))

    assert (record.outcome, record.reason) == (Outcome.REJECTED, Reason.UNKNOWN_ADDRESS)
    assert record.client is None


def test_the_address_has_a_readable_part_and_80_random_bits(address):
    local, _, domain = address.email.partition("@")
    readable, _, random_part = local.rpartition("-")

    assert domain == "inkommet.test"
    assert readable == "bageriet-i-byn-ab"
    assert len(random_part) == 16  # base32: 5 bits a character
