"""Underlag on shared object storage (django-storages against S3), for real: SeaweedFS.

With more than one web container, a file uploaded through one must be served by any
other. Here the store is a real S3 server on loopback; "another container" is a storage
object made anew from the same settings, sharing nothing with the first but the bucket.
"""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import empty

from documents.models import Document
from documents.services import submit_documents
from privacy.services import erase_client_user
from tests.accounts.factories import UserFactory
from tests.bureau.factories import AccountantFactory
from tests.clients.factories import (
    ClientCompanyFactory,
    ClientMembershipFactory,
    ClientRightFactory,
)
from tests.documents.factories import tiny_pdf

from .object_storage import ACCESS_KEY, REGION, SECRET_KEY, SeaweedFS

BUCKET = "underlag-test"


@pytest.fixture(scope="module")
def object_store(tmp_path_factory):
    store = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    store.start(bucket=BUCKET)
    yield store
    store.stop()


@pytest.fixture
def on_object_storage(settings, object_store):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            # What production gets from FILE_STORAGE_BACKEND and FILE_STORAGE_OPTIONS.
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": object_store.endpoint_url,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "region_name": REGION,
                "file_overwrite": False,
            },
        },
    }
    return object_store


def objects_in(store) -> set[str]:
    listing = store.client().list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listing.get("Contents", [])}


@pytest.mark.django_db
def test_an_upload_lands_in_the_bucket_and_any_web_container_serves_it(client, on_object_storage):
    company = ClientCompanyFactory()
    sender = UserFactory()
    ClientMembershipFactory(client=company, user=sender)
    accountant = AccountantFactory(firm_membership__firm=company.firm)
    ClientRightFactory(accountant=accountant, client=company)

    client.force_login(sender)
    client.post(
        reverse("documents:start"),
        {"client": company.pk, "files": [SimpleUploadedFile("faktura.html", tiny_pdf())]},
    )
    document = Document.objects.get()
    assert document.file.name in objects_in(on_object_storage)
    assert document.file.name.endswith(".pdf")
    body = on_object_storage.client().get_object(Bucket=BUCKET, Key=document.file.name)["Body"]
    assert body.read() == tiny_pdf()

    # Another web container: nothing shared with the first but the settings and the bucket.
    storages._storages.clear()
    default_storage._wrapped = empty
    client.force_login(accountant)
    response = client.get(reverse("documents:download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == tiny_pdf()
    assert response["Content-Disposition"] == 'attachment; filename="faktura.pdf"'


@pytest.mark.django_db
def test_the_health_check_writes_and_reads_the_bucket(client, on_object_storage):
    assert client.get("/healthz").status_code == 200
    assert type(storages["default"]).__name__ == "S3Storage"
    assert not any(key.startswith("healthz/") for key in objects_in(on_object_storage))


@pytest.mark.django_db(transaction=True)
def test_erasing_a_client_user_deletes_underlag_past_retention_from_the_bucket(
    on_object_storage,
):
    company = ClientCompanyFactory()
    sender = UserFactory()
    ClientMembershipFactory(client=company, user=sender)
    old, young = submit_documents(
        uploader=sender,
        client=company,
        files=[
            SimpleUploadedFile("gammal.pdf", tiny_pdf()),
            SimpleUploadedFile("ny.pdf", tiny_pdf()),
        ],
    )
    Document.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3000))

    erase_client_user(user=sender, now=timezone.now())

    keys = objects_in(on_object_storage)
    assert old.file.name not in keys
    assert young.file.name in keys
