"""The client app's server side: one-file sends by id, share target, manifest, worker (issue 10)."""

import threading
import uuid

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from documents import client_app, services
from documents.models import Document
from tests.accounts.factories import UserFactory
from tests.clients.factories import ClientCompanyFactory, ClientMembershipFactory
from tests.documents.factories import tiny_jpeg, tiny_pdf, windows_program

SEND = "documents:send_one"
SHARE = "documents:share"


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


def one_file(client_user, client_company, *, upload_id=None, name="kvitto.pdf", content=None):
    return {
        "upload_id": str(upload_id or uuid.uuid4()),
        "user_key": client_app.user_key(client_user),
        "client": str(client_company.pk),
        "comment": "Taxi",
        "file": SimpleUploadedFile(name, content or tiny_pdf()),
    }


def test_a_file_sent_twice_with_the_same_id_is_stored_once(logged_in, client_user, client_company):
    upload_id = uuid.uuid4()

    first = logged_in.post(
        reverse(SEND), one_file(client_user, client_company, upload_id=upload_id)
    )
    again = logged_in.post(
        reverse(SEND), one_file(client_user, client_company, upload_id=upload_id)
    )

    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["document"] == again.json()["document"]
    document = Document.objects.get()
    assert (document.upload_id, document.comment, document.uploaded_by) == (
        upload_id,
        "Taxi",
        client_user,
    )


@pytest.mark.django_db(transaction=True)
def test_the_same_id_arriving_at_the_same_moment_makes_one_document(client_user, client_company):
    upload_id = uuid.uuid4()
    start = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            start.wait()
            upload = SimpleUploadedFile("kvitto.pdf", tiny_pdf())
            outcomes.append(
                services.submit_document_once(
                    uploader=client_user, client=client_company, upload=upload, upload_id=upload_id
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Document.objects.count() == 1
    assert sorted(created for _doc, created in outcomes) == [False, True]
    assert {doc.pk for doc, _created in outcomes} == {Document.objects.get().pk}


def test_two_users_may_use_the_same_id_each_for_their_own_file(client, client_user, client_company):
    other = UserFactory()
    ClientMembershipFactory(client=client_company, user=other)
    upload_id = uuid.uuid4()
    for user in (client_user, other):
        client.force_login(user)
        response = client.post(reverse(SEND), one_file(user, client_company, upload_id=upload_id))
        assert response.status_code == 201
    assert Document.objects.count() == 2


def test_a_file_queued_by_another_user_on_the_phone_is_not_taken(
    client, client_user, client_company
):
    other = UserFactory()
    ClientMembershipFactory(client=client_company, user=other)
    client.force_login(other)

    response = client.post(reverse(SEND), one_file(client_user, client_company))

    assert response.status_code == 409
    assert not Document.objects.exists()


def test_the_server_judges_an_apps_file_exactly_as_a_form_post(
    logged_in, client_user, client_company
):
    response = logged_in.post(
        reverse(SEND),
        one_file(client_user, client_company, name="kvitto.pdf", content=windows_program()),
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        "kvitto.pdf: filens innehåll är inte PDF, JPEG, PNG eller HEIC. "
        "Skicka kvitton och fakturor som PDF eller bild."
    ]
    assert not Document.objects.exists()


def test_an_apps_file_for_another_company_is_refused(logged_in, client_user):
    elsewhere = ClientCompanyFactory()

    response = logged_in.post(reverse(SEND), one_file(client_user, elsewhere))

    assert response.status_code == 403
    assert not Document.objects.exists()


def test_a_bad_id_is_refused_with_a_message(logged_in, client_user, client_company):
    data = one_file(client_user, client_company)
    data["upload_id"] = "inte-ett-id"

    response = logged_in.post(reverse(SEND), data)

    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Document.objects.exists()


def test_the_app_send_needs_the_csrf_token(client, client_user, client_company):
    strict = type(client)(enforce_csrf_checks=True)
    strict.force_login(client_user)

    response = strict.post(reverse(SEND), one_file(client_user, client_company))

    assert response.status_code == 403
    assert not Document.objects.exists()


def test_a_share_sheet_post_without_the_worker_creates_the_documents(logged_in, client_company):
    response = logged_in.post(
        reverse(SHARE),
        {
            "title": "Faktura",
            "files": [
                SimpleUploadedFile("faktura.pdf", tiny_pdf(), content_type="application/pdf"),
                SimpleUploadedFile("kvitto.jpg", tiny_jpeg(), content_type="image/jpeg"),
            ],
        },
        headers={"Sec-Fetch-Site": "none"},
    )

    assert response.status_code == 302 and response.url == reverse("documents:start")
    assert sorted(Document.objects.values_list("original_name", flat=True)) == [
        "faktura.pdf",
        "kvitto.jpg",
    ]
    assert all(doc.client == client_company for doc in Document.objects.all())


def test_a_refused_type_shared_without_the_worker_says_so_on_the_start_page(logged_in):
    response = logged_in.post(
        reverse(SHARE),
        {"files": [SimpleUploadedFile("program.pdf", windows_program())]},
        headers={"Sec-Fetch-Site": "none"},
        follow=True,
    )

    assert "program.pdf: filens innehåll är inte PDF, JPEG, PNG eller HEIC." in (
        response.content.decode()
    )
    assert not Document.objects.exists()


def test_a_share_post_from_another_site_is_refused(logged_in):
    response = logged_in.post(
        reverse(SHARE),
        {"files": [SimpleUploadedFile("faktura.pdf", tiny_pdf())]},
        headers={"Sec-Fetch-Site": "cross-site"},
    )

    assert response.status_code == 403
    assert not Document.objects.exists()


def test_the_manifest_speaks_english_to_an_english_visitor(client, db):
    response = client.get(reverse("documents:manifest"), headers={"Accept-Language": "en"})

    assert response.json()["short_name"] == "Byråportalen"
    assert response.json()["name"] == "Byråportalen – send receipts and invoices"
    assert response.json()["share_target"]["action"] == "/underlag/dela/"


def test_the_service_worker_is_served_at_its_scope_and_names_the_shell(client, db):
    response = client.get(reverse("documents:service_worker"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert '"/underlag/offline/"' in body and '"/static/app/queue.js"' in body
    assert reverse("documents:service_worker").startswith(client_app.scope())


def test_the_offline_page_names_no_one_even_when_fetched_signed_in(logged_in, client_user):
    page = logged_in.get(reverse("documents:offline")).content.decode()

    assert "Ingen anslutning just nu" in page
    assert client_user.get_full_name() not in page and client_user.username not in page


def test_the_qr_code_on_the_start_page_is_the_apps_address(logged_in, settings):
    settings.SITE_URL = "https://portal.example"

    page = logged_in.get(reverse("documents:start")).content.decode()

    expected = segno.make("https://portal.example/underlag/", error="m").svg_inline(
        scale=5, border=2, dark="#1d2733", light="#ffffff", omitsize=True
    )
    assert expected in page


def test_the_firms_list_moved_out_of_the_apps_scope_and_the_old_address_redirects(
    accountant_client,
):
    assert not reverse("documents:firm_list").startswith(client_app.scope())
    response = accountant_client.get("/underlag/inkommet/?status=received")
    assert response.status_code == 302
    assert response.url == reverse("documents:firm_list") + "?status=received"
