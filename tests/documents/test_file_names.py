"""Review finding 1: a document is stored and served under its detected type's extension.

A PDF that arrives as ``faktura.html`` (with a script after the PDF header) must never be
saved by the accountant's browser as an .html file, nor kept under that name in storage.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import accepted_files
from documents.models import Document
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.documents.factories import DocumentFactory, tiny_pdf, tiny_png

PDF_WITH_A_SCRIPT = tiny_pdf() + b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def client_company(db):
    return ClientCompanyFactory()


@pytest.fixture
def client_user(client_company):
    user = UserFactory()
    ClientMembershipFactory(client=client_company, user=user)
    return user


@pytest.fixture
def accountant(client_company):
    accountant = AccountantFactory(firm_membership__firm=client_company.firm)
    ClientRightFactory(accountant=accountant, client=client_company)
    return accountant


def content_disposition_of(client, document) -> str:
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    return response["Content-Disposition"]


@pytest.mark.parametrize(
    ("sent_as", "content", "stored_extension", "served_as"),
    [
        ("faktura.html", PDF_WITH_A_SCRIPT, ".pdf", "faktura.pdf"),
        ("kvitto.svg", tiny_png(), ".png", "kvitto.png"),
        ("kvitto.bat", tiny_pdf(), ".pdf", "kvitto.pdf"),
        ("faktura.hta", PDF_WITH_A_SCRIPT, ".pdf", "faktura.pdf"),
        ("bild.js", tiny_png(), ".png", "bild.png"),
        ("kvitto", tiny_pdf(), ".pdf", "kvitto.pdf"),
        ("IMG_0042.PNG", tiny_png(), ".png", "IMG_0042.png"),
    ],
)
def test_an_upload_is_stored_and_served_under_its_detected_types_extension(
    client, client_user, accountant, client_company, sent_as, content, stored_extension, served_as
):
    client.force_login(client_user)
    client.post(
        reverse("documents:start"),
        {
            "client": client_company.pk,
            "files": [SimpleUploadedFile(sent_as, content, "text/html")],
        },
    )
    document = Document.objects.get()
    assert document.file.name.endswith(stored_extension)
    assert document.original_name == sent_as  # shown to people as it was sent

    for reader in (accountant, client_user):
        client.force_login(reader)
        disposition = content_disposition_of(client, document)
        assert disposition == f'attachment; filename="{served_as}"'


def test_documents_stored_before_the_fix_are_served_under_the_right_name_too(
    client, accountant, client_company
):
    document = DocumentFactory(
        client=client_company, original_name="faktura.html", content_type="application/pdf"
    )
    client.force_login(accountant)
    assert content_disposition_of(client, document) == 'attachment; filename="faktura.pdf"'


@pytest.mark.parametrize(
    ("sent_as", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\anna\\kvitto.pdf", "kvitto.pdf"),
        ("kvitto\u202efdp.exe", "kvittofdp.exe"),  # a right-to-left override removed
        ("rad1\nrad2.pdf", "rad1 rad2.pdf"),
        ("  ...  ", "underlag"),
        ("x" * 300 + ".pdf", "x" * 255),
    ],
)
def test_the_name_kept_for_display_is_sanitised(sent_as, shown):
    assert accepted_files.display_name(sent_as) == shown


def test_the_served_name_is_never_longer_than_a_file_system_allows():
    name = accepted_files.download_name("x" * 300 + ".html", "image/jpeg")
    assert name == "x" * 251 + ".jpg"
