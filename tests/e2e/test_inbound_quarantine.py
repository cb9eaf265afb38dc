"""Quarantine in Chromium: a stranger's mail waits under "Inkommet underlag", the accountant
trusts the sender, and the next mail from them goes straight in; the client user sees the
address on the start page (phone size)."""

import pytest
from playwright.sync_api import expect

from documents.models import Document
from inbound.models import InboundMessage, Outcome
from inbound.services.addresses import address_for
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.e2e.browser import log_in, log_out, snapshot
from tests.inbound.mail import pdf, raw_mime
from tests.inbound.receiver import running_receiver, send

STRANGER = "faktura@leverantoren.example"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_strangers_mail_waits_until_the_sender_is_trusted(live_server, page):
    firm = FirmFactory(name="Byrå Ekonomi AB")
    accountant = AccountantFactory(firm_membership__firm=firm, full_name="Karin Konsult")
    client_company = ClientCompanyFactory(firm=firm, name="Solrosens Bageri AB")
    ClientRightFactory(accountant=accountant, client=client_company, is_system_admin=False)
    address = address_for(client=client_company)

    with running_receiver() as port:
        first = raw_mime(
            sender=f"Leverantören AB <{STRANGER}>",
            to=address.email,
            subject="Faktura 4711",
            files=[("faktura-4711.pdf", pdf(1), "application/pdf")],
        )
        send(port, sender=STRANGER, to=address.email, raw=first)
        assert not Document.objects.exists()

        log_in(page, live_server, accountant)
        page.goto(f"{live_server.url}/underlag/inkommet/")
        waiting = page.get_by_test_id("waiting-for-approval")
        expect(waiting).to_contain_text("Väntar på godkännande")
        expect(waiting).to_contain_text(STRANGER)
        expect(waiting).to_contain_text("Faktura 4711")
        snapshot(page, "inbound-waiting-for-approval")

        waiting.get_by_role("button", name="Lita på avsändaren").click()
        expect(page.get_by_text("Avsändaren är betrodd")).to_be_visible()
        expect(page.get_by_test_id("firm-documents")).to_contain_text("faktura-4711.pdf")
        expect(page.get_by_test_id("waiting-for-approval")).to_have_count(0)

        second = raw_mime(
            sender=STRANGER,
            to=address.email,
            subject="Faktura 4712",
            files=[("faktura-4712.pdf", pdf(2), "application/pdf")],
        )
        send(port, sender=STRANGER, to=address.email, raw=second)

    assert InboundMessage.objects.get(subject="Faktura 4712").outcome == Outcome.ACCEPTED
    page.reload()
    expect(page.get_by_test_id("firm-documents")).to_contain_text("faktura-4712.pdf")
    snapshot(page, "inbound-documents-after-trust")

    page.goto(f"{live_server.url}/e-post/klient/{client_company.pk}/")
    expect(page.get_by_test_id("trusted-senders")).to_contain_text(STRANGER)
    expect(page.get_by_test_id("client-address")).to_have_text(address.email)
    snapshot(page, "inbound-client-mail-page")
    log_out(page)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_client_user_sees_where_to_mail_on_the_phone(live_server, browser):
    client_company = ClientCompanyFactory(name="Solrosens Bageri AB")
    user = UserFactory(full_name="Sara Solros", email="sara@solros.example")
    ClientMembershipFactory(client=client_company, user=user)
    address = address_for(client=client_company)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="sv-SE"
    )
    phone = context.new_page()

    log_in(phone, live_server, user)
    phone.goto(f"{live_server.url}/underlag/")

    card = phone.get_by_test_id("mail-in")
    expect(card).to_contain_text("Mejla kvitton och fakturor till")
    expect(card.get_by_test_id("mail-address")).to_have_text(address.email)
    expect(card.get_by_role("link", name="Spara som kontakt")).to_be_visible()
    snapshot(phone, "inbound-start-page-phone")
    context.close()
