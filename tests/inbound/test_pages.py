"""The accountant's quarantine under "Inkommet underlag", the client's mail page, and the
client user's address card; every action checked against the accountant's right."""

import pytest
from django.urls import reverse

from documents.models import Document
from inbound.models import InboundMessage, Outcome, Reason, TrustedSender
from inbound.services.receiving import receive_message

from .mail import pdf, raw_mime

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def waiting(address, client_user):
    raw = raw_mime(
        sender="Lev AB <faktura@leverantor.example>",
        to=address.email,
        subject="Faktura 991",
        files=[("faktura.pdf", pdf(9), "application/pdf")],
    )
    [received] = receive_message(raw=raw, channel="test")
    received.message.refresh_from_db()
    assert received.message.outcome == Outcome.QUARANTINED
    return received.message


def decide(client, message, decision):
    return client.post(reverse("inbound:decide", args=[message.pk]), {"beslut": decision})


def test_waiting_mail_shows_under_inkommet_underlag_with_sender_and_subject(
    client, accountant_with_right, waiting
):
    client.force_login(accountant_with_right)

    page = client.get(reverse("documents:firm_list")).content.decode()

    assert "Väntar på godkännande" in page
    assert "faktura@leverantor.example" in page
    assert "Faktura 991" in page


def test_an_accountant_without_a_right_on_the_client_neither_sees_nor_decides(
    client, accountant_without_right, waiting
):
    client.force_login(accountant_without_right)

    page = client.get(reverse("documents:firm_list")).content.decode()
    decide(client, waiting, "godkann")

    assert "Faktura 991" not in page
    waiting.refresh_from_db()
    assert waiting.outcome == Outcome.QUARANTINED
    assert client.get(reverse("inbound:client", args=[waiting.client_id])).status_code == 404


def test_accept_once_makes_the_document_and_trusts_nobody(client, accountant_with_right, waiting):
    client.force_login(accountant_with_right)

    decide(client, waiting, "godkann")

    waiting.refresh_from_db()
    assert (waiting.outcome, waiting.reason) == (Outcome.ACCEPTED, Reason.APPROVED)
    assert waiting.decided_by == accountant_with_right
    assert Document.objects.get().origin_address == "faktura@leverantor.example"
    assert not TrustedSender.objects.exists()


def test_trusting_the_sender_lets_this_and_the_next_mail_straight_in(
    client, accountant_with_right, waiting, address
):
    client.force_login(accountant_with_right)

    decide(client, waiting, "avsandare")
    [next_one] = receive_message(
        raw=raw_mime(
            sender="faktura@leverantor.example",
            to=address.email,
            files=[("b.pdf", pdf(10), "application/pdf")],
        ),
        channel="test",
    )

    waiting.refresh_from_db()
    next_one.message.refresh_from_db()
    assert waiting.reason == Reason.TRUSTED_SENDER
    assert next_one.message.reason == Reason.TRUSTED_SENDER
    assert Document.objects.count() == 2


def test_trusting_the_domain_and_removing_it_again(client, accountant_with_right, waiting, address):
    client.force_login(accountant_with_right)
    decide(client, waiting, "doman")
    trust = TrustedSender.objects.get()
    assert (trust.kind, trust.value) == ("domain", "leverantor.example")

    page = client.get(reverse("inbound:client", args=[address.client_id])).content.decode()
    assert "leverantor.example" in page
    client.post(reverse("inbound:remove_trust", args=[address.client_id, trust.pk]))
    [later] = receive_message(
        raw=raw_mime(sender="ekonomi@leverantor.example", to=address.email), channel="test"
    )

    later.message.refresh_from_db()
    assert not TrustedSender.objects.exists()
    assert later.message.outcome == Outcome.QUARANTINED


def test_reject_deletes_the_content_and_keeps_the_record(client, accountant_with_right, waiting):
    client.force_login(accountant_with_right)

    decide(client, waiting, "avvisa")

    waiting.refresh_from_db()
    assert (waiting.outcome, waiting.reason) == (Outcome.REJECTED, Reason.REJECTED_BY_FIRM)
    assert not waiting.raw
    assert not Document.objects.exists()


def test_mail_that_failed_dkim_can_be_let_in_once_but_its_sender_never_trusted(
    client, accountant_with_right, address, client_user
):
    raw = raw_mime(
        sender=client_user.email,
        to=address.email,
        headers=[("Authentication-Results", "mx.example; dkim=fail")],
    )
    [received] = receive_message(raw=raw, channel="test")
    client.force_login(accountant_with_right)

    decide(client, received.message, "avsandare")

    assert not TrustedSender.objects.exists()
    assert InboundMessage.objects.get().outcome == Outcome.QUARANTINED


def test_a_decision_junk_value_or_an_unknown_message_changes_nothing(
    client, accountant_with_right, waiting
):
    client.force_login(accountant_with_right)

    assert decide(client, waiting, "allt").status_code == 302
    assert (
        client.post(reverse("inbound:decide", args=[999999]), {"beslut": "godkann"}).status_code
        == 302
    )

    waiting.refresh_from_db()
    assert waiting.outcome == Outcome.QUARANTINED


def test_replacing_the_address_from_the_client_page(client, accountant_with_right, address):
    client.force_login(accountant_with_right)

    client.post(reverse("inbound:replace_address", args=[address.client_id]))

    address.refresh_from_db()
    assert address.replaced_at is not None
    page = client.get(reverse("inbound:client", args=[address.client_id])).content.decode()
    assert address.email in page  # listed under the earlier addresses


def test_the_client_user_sees_the_address_a_contact_card_and_their_mails_outcome(
    client, client_user, address
):
    receive_message(
        raw=raw_mime(
            sender=client_user.email,
            to=address.email,
            subject="Mitt kvitto",
            files=[("a.pdf", pdf(), "application/pdf")],
        ),
        channel="test",
    )
    client.force_login(client_user)

    page = client.get(reverse("documents:start")).content.decode()
    card = client.get(reverse("inbound:contact_card", args=[address.client_id]))

    assert "Mejla kvitton och fakturor till" in page
    assert address.email in page
    assert "Mitt kvitto" in page
    assert card["Content-Type"].startswith("text/vcard")
    assert address.email in card.content.decode()


def test_nobody_else_gets_the_contact_card(client, address):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get(reverse("inbound:contact_card", args=[address.client_id])).status_code == 404


def test_the_client_card_shows_the_address_to_an_accountant_with_a_right(
    client, accountant_with_right, address
):
    client.force_login(accountant_with_right)

    page = client.get(reverse("clients:detail", args=[address.client_id])).content.decode()

    assert address.email in page
    assert reverse("inbound:client", args=[address.client_id]) in page
