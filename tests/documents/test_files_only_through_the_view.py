"""Underlag reach a browser only through the view that checks access, never as /media/."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches, reverse

import config.urls
from tests.clients.factories import ClientCompanyFactory, ClientRightFactory
from tests.documents.factories import DocumentFactory, tiny_pdf


@pytest.fixture
def stored_on_disk(settings, tmp_path, firm):
    """A document written by the local disk storage that `make run` and production use."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    document = DocumentFactory(original_name="kvitto.pdf", client__firm=firm)
    assert (tmp_path / document.file.name).read_bytes() == tiny_pdf()
    return document


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["production", "make run"])
def test_the_file_is_not_served_under_media_url(client, accountant, stored_on_disk, debug):
    document = stored_on_disk
    ClientRightFactory(accountant=accountant, client=document.client, is_system_admin=True)
    client.force_login(accountant)

    try:
        with override_settings(DEBUG=debug):
            # The URL patterns read anew with DEBUG as `make run` or production has it.
            importlib.reload(config.urls)
            clear_url_caches()
            by_media_url = client.get(document.file.url)
            by_media_path = client.get(f"/media/{document.file.name}")
            through_view = client.get(reverse("documents:download", args=[document.pk]))
    finally:
        importlib.reload(config.urls)  # as the rest of the suite has them
        clear_url_caches()

    assert document.file.url.startswith("/media/") or document.file.url.startswith("media/")
    assert by_media_url.status_code == 404
    assert by_media_path.status_code == 404
    assert through_view.status_code == 200
    assert b"".join(through_view.streaming_content) == tiny_pdf()


@pytest.mark.django_db
def test_an_accountant_without_a_right_gets_nothing_through_the_view(
    client, accountant, stored_on_disk
):
    ClientRightFactory(
        accountant=accountant, client=ClientCompanyFactory(firm=accountant.firm_membership.firm)
    )
    client.force_login(accountant)

    assert client.get(reverse("documents:download", args=[stored_on_disk.pk])).status_code == 404
