"""From the delivered e-mail to the firm: accept the invitation, send a receipt, be seen."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from invitations.tasks import send_delivery
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory, FirmFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.documents.factories import tiny_pdf
from tests.e2e.browser import log_in, log_out
from tests.e2e.client_app import queue_row, wait_for_app
from tests.invitations.factories import DeliveryFactory, InvitationFactory

NEW_PASSWORD = "Solros-Kvitto-2026"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_invited_user_accepts_sends_a_receipt_and_the_accountant_sees_it(live_server, page):
    firm = FirmFactory(name="Byrå Ekonomi AB")
    accountant = AccountantFactory(firm_membership__firm=firm, full_name="Karin Konsult")
    client_company = ClientCompanyFactory(firm=firm, name="Solrosens Bageri AB")
    ClientRightFactory(accountant=accountant, client=client_company, is_system_admin=True)
    invited = UserFactory(
        password=None, is_active=False, username="sara.solros", full_name="Sara Solros"
    )
    ClientMembershipFactory(client=client_company, user=invited)
    invitation = InvitationFactory(user=invited, client=client_company, invited_by=accountant)
    sent = DeliveryFactory(invitation=invitation)

    send_delivery(sent.pk)
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/inbjudan/[\w-]+/", message.body).group(0)
    link = re.sub(r"^https?://[^/]+", live_server.url, link)

    page.goto(link)
    expect(page.get_by_role("heading", name="Välkommen till Byråportalen")).to_be_visible()
    expect(page.get_by_test_id("username")).to_have_text("sara.solros")
    expect(page.get_by_text("Solrosens Bageri AB").first).to_be_visible()
    page.get_by_label("Välj lösenord").fill(NEW_PASSWORD)
    page.get_by_label("Upprepa lösenordet").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Aktivera kontot och logga in").click()

    expect(page).to_have_url(f"{live_server.url}/underlag/")
    expect(page.get_by_role("heading", name="Hej Sara!")).to_be_visible()
    wait_for_app(page)
    page.get_by_label("Välj kvitton eller fakturor").set_input_files(
        files=[{"name": "kvitto-lunch.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}]
    )
    page.get_by_label("Kommentar (valfri)").fill("Lunch med kund")
    page.get_by_role("button", name="Skicka underlag").click()
    # The app's script sends it from the phone's queue and says so in the list.
    expect(queue_row(page, "kvitto-lunch.pdf")).to_contain_text("Skickat")
    page.reload()
    expect(page.get_by_test_id("sent-documents")).to_contain_text("kvitto-lunch.pdf")
    log_out(page)

    log_in(page, live_server, accountant)
    page.get_by_role("link", name="Inkommet underlag").click()
    row = page.get_by_role("row", name=re.compile("kvitto-lunch.pdf"))
    expect(row).to_contain_text("Solrosens Bageri AB")
    expect(row).to_contain_text("Lunch med kund")
    expect(row).to_contain_text("Mottaget")

    page.get_by_role("link", name="Införande").click()
    expect(page.locator('[data-step="accepted"] strong')).to_have_text("1")
    expect(page.locator('[data-step="first_document"] strong')).to_have_text("1")
