"""A throwaway firm, client, client user and realistic receipts for the inbound benchmarks."""

import os
import time
from email.message import EmailMessage
from email.policy import SMTP

from accounts.models import User
from bureau.models import Firm
from bureau.organisation_numbers import with_check_digit
from clients.models import ClientCompany, ClientMembership
from inbound.services.addresses import address_for


def receipt_pdf(number: int, size: int = 60_000) -> bytes:
    """A PDF-shaped file of ``size`` bytes (a scanned receipt is 50-200 kB)."""
    head = f"%PDF-1.4\n% kvitto {number} {time.time_ns()}\n".encode()
    return head + os.urandom(size - len(head) - 6) + b"\n%%EOF"


def mail(*, sender: str, to: str, pdfs: list[bytes], number: int) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, to
    message["Subject"] = f"Kvitton {number}"
    message["Message-ID"] = f"<bench-{number}-{time.time_ns()}@example.test>"
    message.set_content("Hej! Här kommer kvitton.")
    for index, content in enumerate(pdfs):
        message.add_attachment(
            content, maintype="application", subtype="pdf", filename=f"kvitto-{index}.pdf"
        )
    return message.as_bytes(policy=SMTP)


def throwaway_client():
    stamp = f"{time.time_ns()}"
    firm = Firm.objects.create(
        name=f"Benchmarkbyrån {stamp}", org_number=with_check_digit(stamp[-9:])
    )
    client = ClientCompany.objects.create(
        firm=firm, name="Benchmarkklienten AB", org_number=with_check_digit("556677889")
    )
    user = User.objects.create(
        username=f"bench-{stamp}", email=f"bench-{stamp}@example.test", full_name="Bänk Mark"
    )
    ClientMembership.objects.create(client=client, user=user)
    return firm, client, user, address_for(client=client)


def clean_up(firm, user) -> None:
    from documents.models import Document

    for document in Document.objects.filter(client__firm=firm):
        document.file.delete(save=False)
    firm.delete()
    user.delete()
