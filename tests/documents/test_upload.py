"""The client user's start page and "Skicka underlag": files judged by their content."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document, DocumentStatus
from inbound.services.addresses import address_for
from tests.accounts.factories import UserFactory
from tests.clients.factories import ClientCompanyFactory, ClientMembershipFactory
from tests.documents.factories import (
    DocumentFactory,
    tiny_heic,
    tiny_jpeg,
    tiny_pdf,
    tiny_png,
    windows_program,
    zip_archive,
)

START = "documents:start"


@pytest.fixture
def client_company(db):
    return ClientCompanyFactory(name="Bageriet i Byn AB")


@pytest.fixture
def client_user(client_company):
    user = UserFactory(full_name="Anna Svensson")
    ClientMembershipFactory(client=client_company, user=user)
    return user


@pytest.fixture
def logged_in(client, client_user):
    client.force_login(client_user)
    return client


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_start_page_shows_company_firm_and_the_app(
    logged_in, client_company, settings, django_assert_num_queries
):
    DocumentFactory.create_batch(3, client=client_company)
    address_for(client=client_company)  # made on the first visit; here before counting

    # session, user, firm membership (nav), firm membership (view), clients, documents,
    # passkeys, the e-mail address and the user's own mails (inbound's card)
    with django_assert_num_queries(9):
        response = logged_in.get(reverse(START))

    page = response.content.decode()
    assert "Bageriet i Byn AB" in page
    assert client_company.firm.name in page
    assert "Skicka underlag" in page
    assert '<link rel="manifest" href="/underlag/app.webmanifest">' in page
    assert "Installera appen" in page and "Lägg till på hemskärmen" in page
    assert 'data-testid="app-qr"' in page and "<svg" in page
    for store in ("App Store", "Google Play", "apps.apple.com", "play.google.com"):
        assert store not in page
    # No inline script: the page's scripts are modules from our own origin.
    assert "<script>" not in page and 'type="module" src="/static/app/start.js"' in page


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("kvitto.pdf", tiny_pdf(), "application/pdf"),
        ("kvitto.jpg", tiny_jpeg(), "image/jpeg"),
        ("kvitto.png", tiny_png(), "image/png"),
        ("IMG_0042.HEIC", tiny_heic(), "image/heic"),
    ],
)
def test_each_accepted_type_is_stored_and_listed(
    logged_in, client_user, client_company, name, content, content_type
):
    response = logged_in.post(
        reverse(START),
        {"client": client_company.pk, "files": [upload(name, content)], "comment": "Lunch"},
        follow=True,
    )

    document = Document.objects.get()
    assert (document.client, document.uploaded_by) == (client_company, client_user)
    assert (document.original_name, document.content_type) == (name, content_type)
    assert (document.size, document.comment, document.status) == (
        len(content),
        "Lunch",
        DocumentStatus.RECEIVED,
    )
    with default_storage.open(document.file.name) as stored:
        assert stored.read() == content
    assert name not in document.file.name  # stored under a token, not the uploaded name
    page = response.content.decode()
    assert "Tack! 1 fil har skickats" in page
    assert name in page and "Mottaget" in page


def test_several_files_go_in_one_submission(logged_in, client_company):
    logged_in.post(
        reverse(START),
        {
            "client": client_company.pk,
            "files": [upload("a.pdf", tiny_pdf()), upload("b.png", tiny_png())],
        },
    )

    assert sorted(Document.objects.values_list("original_name", flat=True)) == ["a.pdf", "b.png"]


@pytest.mark.parametrize(
    "content", [windows_program(), zip_archive(), b"<html><script>alert(1)</script></html>"]
)
def test_a_disguised_file_is_refused_by_its_content(logged_in, client_company, content):
    response = logged_in.post(
        reverse(START), {"client": client_company.pk, "files": [upload("faktura.pdf", content)]}
    )

    assert response.status_code == 200
    assert "faktura.pdf: filens innehåll är inte PDF, JPEG, PNG eller HEIC." in (
        response.content.decode()
    )
    assert not Document.objects.exists()


def test_one_bad_file_stops_the_whole_submission_and_each_problem_names_its_file(
    logged_in, client_company, settings
):
    settings.DOCUMENT_MAX_BYTES = 100

    response = logged_in.post(
        reverse(START),
        {
            "client": client_company.pk,
            "files": [
                upload("bra.pdf", tiny_pdf()[:90]),
                upload("program.pdf", windows_program()[:50]),
                upload("stor.png", tiny_png() + b"\x00" * 200),
                upload("tom.jpg", b""),
            ],
        },
    )

    page = response.content.decode()
    assert "Inget skickades" in page
    assert "program.pdf: filens innehåll är inte PDF" in page
    assert "stor.png: filen är" in page and "största tillåtna storlek är 100" in page
    assert "tom.jpg: filen är tom." in page
    assert "bra.pdf:" not in page
    assert not Document.objects.exists()


def test_choosing_no_file_says_so(logged_in, client_company):
    response = logged_in.post(reverse(START), {"client": client_company.pk, "comment": "Hej"})

    assert "Välj minst en fil att skicka." in response.content.decode()
    assert not Document.objects.exists()


def test_a_client_user_cannot_send_to_another_company(logged_in):
    other = ClientCompanyFactory()

    response = logged_in.post(
        reverse(START), {"client": other.pk, "files": [upload("kvitto.pdf", tiny_pdf())]}
    )

    assert response.status_code == 200
    assert not Document.objects.exists()


def test_a_client_user_sees_only_their_own_companys_documents(logged_in, client_company):
    DocumentFactory(client=client_company, original_name="mitt-kvitto.pdf")
    DocumentFactory(original_name="grannens-kvitto.pdf")

    page = logged_in.get(reverse(START)).content.decode()

    assert "mitt-kvitto.pdf" in page
    assert "grannens-kvitto.pdf" not in page


def test_client_users_cannot_reach_the_firm_pages(logged_in):
    for url in [
        reverse("clients:list"),
        reverse("documents:firm_list"),
        reverse("invitations:overview"),
        reverse("invitations:adoption"),
    ]:
        assert logged_in.get(url).status_code == 403, url


def test_an_accountant_opening_the_start_page_goes_to_the_firms_documents(accountant_client):
    response = accountant_client.get(reverse(START))

    assert response.url == reverse("documents:firm_list")


def test_a_user_of_no_company_gets_403(client, db):
    client.force_login(UserFactory())

    assert client.get(reverse(START)).status_code == 403


def test_the_start_page_needs_login_on_the_apps_own_login_page(client, db):
    response = client.get(reverse(START))

    assert response.status_code == 302
    assert response.url == reverse("documents:app_login") + "?next=/underlag/"


def test_a_user_of_two_companies_chooses_which_one_the_file_is_for(client, client_user):
    second = ClientCompanyFactory(name="Andra Bolaget AB")
    ClientMembershipFactory(client=second, user=client_user)
    client.force_login(client_user)

    page = client.get(reverse(START)).content.decode()
    client.post(reverse(START), {"client": second.pk, "files": [upload("k.pdf", tiny_pdf())]})

    assert '<select name="client"' in page and "Andra Bolaget AB" in page
    assert Document.objects.get().client == second
