"""The client's app in real Chromium, as a phone: installable, offline, share target (issue 10)."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image
from playwright.sync_api import expect

from documents.models import Document
from tests.accounts.factories import UserFactory
from tests.clients.factories import ClientCompanyFactory, ClientMembershipFactory
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.documents.factories import tiny_pdf
from tests.documents.photos import camera_photo_3mb, photo
from tests.e2e.browser import snapshot
from tests.e2e.client_app import (
    log_in_to_app,
    open_controlled,
    phone_context,
    queue_row,
    wait_for_app,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def client_company(db):
    return ClientCompanyFactory(name="Västkustens Bygg AB")


@pytest.fixture
def client_user(client_company):
    user = UserFactory(username="kim.kvitto", full_name="Kim Kvitto")
    ClientMembershipFactory(client=client_company, user=user)
    return user


@pytest.fixture
def phone(browser, playwright):
    context = phone_context(browser, playwright)
    yield context.new_page()
    context.close()


def choose_photos(page, files):
    page.locator("#id_photo").set_input_files(files=files)


def jpeg(name, data=None):
    return {"name": name, "mimeType": "image/jpeg", "buffer": data or photo()}


def test_the_manifest_has_its_members_and_icons_of_the_sizes_it_states(phone, live_server):
    response = phone.request.get(f"{live_server.url}/underlag/app.webmanifest")
    assert response.ok
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Byråportalen – skicka underlag"
    assert manifest["short_name"] == "Byråportalen"
    assert manifest["start_url"] == "/underlag/"
    assert manifest["scope"] == "/underlag/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5cab"
    purposes = {icon.get("purpose", "any") for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}
    sizes = set()
    for icon in manifest["icons"]:
        picture = phone.request.get(f"{live_server.url}{icon['src']}")
        assert picture.ok and picture.headers["content-type"] == "image/png"
        width, height = Image.open(io.BytesIO(picture.body())).size
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add(width)
    assert {192, 512} <= sizes
    # The firm's pages are outside the scope.
    assert not "/inkommet-underlag/".startswith(manifest["scope"])

    english = phone.request.get(
        f"{live_server.url}/underlag/app.webmanifest", headers={"Accept-Language": "en"}
    ).json()
    assert english["name"] == "Byråportalen – send receipts and invoices"
    assert english["lang"] == "en"


def test_after_a_reload_the_service_worker_controls_the_start_page(phone, live_server, client_user):
    log_in_to_app(phone, live_server, client_user)
    open_controlled(phone)
    scope = phone.evaluate(
        "navigator.serviceWorker.getRegistration().then((r) => new URL(r.scope).pathname)"
    )
    assert scope == "/underlag/"


def test_chromium_finds_the_app_installable(playwright, live_server, client_user, tmp_path):
    # Playwright's ordinary contexts are incognito, where nothing installs: a profile on disk.
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        locale="sv-SE",
        **{k: v for k, v in playwright.devices["Pixel 7"].items() if k != "default_browser_type"},
    )
    try:
        page = context.new_page()
        log_in_to_app(page, live_server, client_user)
        open_controlled(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith("/underlag/app.webmanifest")
        assert manifest.get("errors", []) == []
        # Chromium offers to install it, and the page shows its button for that.
        expect(page.get_by_role("button", name="Installera appen")).to_be_visible()
    finally:
        context.close()


def test_two_photos_taken_offline_wait_on_the_phone_and_are_sent_once_online(
    phone, live_server, client_user
):
    log_in_to_app(phone, live_server, client_user)
    open_controlled(phone)
    phone.context.set_offline(True)

    choose_photos(phone, [jpeg("kvitto-taxi.jpg"), jpeg("kvitto-lunch.jpg", photo(seed=2))])
    chosen = phone.locator("[data-chosen-files] li")
    expect(chosen).to_have_count(2)
    phone.get_by_label("Kommentar (valfri)").fill("Resa till kund")
    phone.get_by_role("button", name="Skicka underlag").click()

    expect(queue_row(phone, "kvitto-taxi.jpg")).to_contain_text("Väntar på anslutning")
    expect(queue_row(phone, "kvitto-lunch.jpg")).to_contain_text("Väntar på anslutning")
    expect(phone.get_by_test_id("queue").locator("img.thumb")).to_have_count(2)
    snapshot(phone, "app-offline-waiting")
    assert Document.objects.count() == 0

    phone.context.set_offline(False)
    expect(queue_row(phone, "kvitto-taxi.jpg")).to_contain_text("Skickat")
    expect(queue_row(phone, "kvitto-lunch.jpg")).to_contain_text("Skickat")
    snapshot(phone, "app-back-online-sent")

    documents = list(Document.objects.order_by("original_name"))
    assert [d.original_name for d in documents] == ["kvitto-lunch.jpg", "kvitto-taxi.jpg"]
    assert all(d.comment == "Resa till kund" and d.uploaded_by == client_user for d in documents)
    assert len({d.upload_id for d in documents}) == 2

    # Opening the app again sends nothing more; the sent files are in the server's list.
    phone.reload()
    wait_for_app(phone)
    expect(phone.get_by_test_id("sent-documents")).to_contain_text("kvitto-taxi.jpg")
    assert Document.objects.count() == 2


def test_a_chosen_photo_can_be_removed_before_sending(phone, live_server, client_user):
    log_in_to_app(phone, live_server, client_user)
    choose_photos(phone, [jpeg("suddig.jpg")])
    choose_photos(phone, [jpeg("skarp.jpg", photo(seed=3))])
    expect(phone.locator("[data-chosen-files] li")).to_have_count(2)
    expect(phone.locator("[data-chosen-files] img.thumb")).to_have_count(2)

    phone.get_by_role("button", name="Ta bort suddig.jpg").click()
    expect(phone.locator("[data-chosen-files] li")).to_have_count(1)
    phone.get_by_role("button", name="Skicka underlag").click()

    expect(queue_row(phone, "skarp.jpg")).to_contain_text("Skickat")
    assert list(Document.objects.values_list("original_name", flat=True)) == ["skarp.jpg"]


def test_an_answer_lost_on_the_way_back_does_not_make_a_second_document(
    browser, playwright, live_server, client_user
):
    # Without the worker, so that Playwright sees the page's own request; the first answer
    # is dropped after the server has stored the file, as a flapping network would.
    context = phone_context(browser, playwright, service_workers="block")
    page = context.new_page()
    lost = []

    def drop_first_answer(route):
        if not lost:
            route.fetch()
            lost.append(True)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/underlag/skicka/", drop_first_answer)
    log_in_to_app(page, live_server, client_user)
    page.get_by_label("Välj kvitton eller fakturor").set_input_files(
        files=[{"name": "faktura-el.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}]
    )
    with page.expect_event("requestfailed"):
        page.get_by_role("button", name="Skicka underlag").click()
    expect(queue_row(page, "faktura-el.pdf")).to_contain_text("Väntar på anslutning")
    assert Document.objects.count() == 1

    page.reload()  # opening the app again sends what waits: the server knows the id
    wait_for_app(page)
    expect(queue_row(page, "faktura-el.pdf")).to_contain_text("Skickat")
    assert Document.objects.count() == 1
    context.close()


def test_a_3_mb_camera_photo_leaves_the_phone_as_at_most_1_mb_and_2500_px(
    phone, live_server, client_user
):
    big = camera_photo_3mb()
    assert len(big) >= 3_000_000
    log_in_to_app(phone, live_server, client_user)
    choose_photos(phone, [jpeg("kvitto-stort.jpg", big)])
    phone.get_by_role("button", name="Skicka underlag").click()
    expect(queue_row(phone, "kvitto-stort.jpg")).to_contain_text("Skickat")

    document = Document.objects.get()
    assert document.content_type == "image/jpeg"
    assert document.size <= 1_000_000
    with default_storage.open(document.file.name) as stored:
        width, height = Image.open(stored).size
    assert max(width, height) == 2500 and (width, height) == (2500, 1875)


def test_a_pdf_goes_as_it_is(phone, live_server, client_user):
    log_in_to_app(phone, live_server, client_user)
    phone.get_by_label("Välj kvitton eller fakturor").set_input_files(
        files=[{"name": "faktura.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}]
    )
    phone.get_by_role("button", name="Skicka underlag").click()
    expect(queue_row(phone, "faktura.pdf")).to_contain_text("Skickat")
    with default_storage.open(Document.objects.get().file.name) as stored:
        assert stored.read() == tiny_pdf()


def share_into_app(page, live_server, files):
    """Posts files to the share target as the phone's share sheet does: a multipart form
    navigation to /underlag/dela/, which the service worker receives."""
    page.evaluate(
        """(action) => {
            const form = document.createElement("form");
            form.method = "post";
            form.enctype = "multipart/form-data";
            form.action = action;
            form.id = "share-sheet";
            const input = document.createElement("input");
            input.type = "file";
            input.name = "files";
            input.multiple = true;
            form.append(input);
            document.body.append(form);
        }""",
        f"{live_server.url}/underlag/dela/",
    )
    page.locator("#share-sheet input").set_input_files(files=files)
    page.evaluate("document.getElementById('share-sheet').submit()")
    expect(page).to_have_url(re.compile(r"/underlag/\?delat="))
    wait_for_app(page)


def test_a_pdf_shared_into_the_app_lands_as_underlag(phone, live_server, client_user):
    log_in_to_app(phone, live_server, client_user)
    open_controlled(phone)

    share_into_app(
        phone,
        live_server,
        [{"name": "faktura-mars.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}],
    )

    expect(queue_row(phone, "faktura-mars.pdf")).to_contain_text("Skickat")
    document = Document.objects.get()
    assert document.original_name == "faktura-mars.pdf"
    assert document.client.name == "Västkustens Bygg AB"
    assert document.content_type == "application/pdf"


def test_a_refused_type_shared_into_the_app_says_so(phone, live_server, client_user):
    log_in_to_app(phone, live_server, client_user)
    open_controlled(phone)

    share_into_app(
        phone,
        live_server,
        [{"name": "anteckning.txt", "mimeType": "text/plain", "buffer": b"inte ett kvitto"}],
    )

    row = queue_row(phone, "anteckning.txt")
    expect(row).to_contain_text("Inte skickat")
    expect(row).to_contain_text(
        "anteckning.txt: filens innehåll är inte PDF, JPEG, PNG eller HEIC."
    )
    assert Document.objects.count() == 0


def test_the_desktop_start_page_shows_the_qr_code_and_the_phone_the_install_steps(
    page, phone, live_server, client_user
):
    log_in_to_app(page, live_server, client_user)
    expect(page.get_by_test_id("app-qr").locator("svg")).to_be_visible()
    snapshot(page, "app-desktop-qr")

    log_in_to_app(phone, live_server, client_user)
    expect(phone.get_by_test_id("app-qr")).to_be_hidden()
    phone.get_by_text("Så gör du på iPhone").click()
    expect(phone.get_by_role("img", name=re.compile("Dela-knapp"))).to_be_visible()
    expect(phone.get_by_text("Välj Lägg till på hemskärmen")).to_be_visible()
    snapshot(phone, "app-phone-install")


def test_logging_out_empties_the_apps_storage_and_the_next_user_sees_nothing_of_it(
    phone, live_server, client_user, client_company
):
    log_in_to_app(phone, live_server, client_user)
    open_controlled(phone)
    assert phone.evaluate("caches.keys().then((names) => names.length)") == 1

    # A file that cannot leave yet (the server is out of reach for it) waits on the phone.
    # (context.route: it also stops the service worker's Background Sync.)
    phone.context.route("**/underlag/skicka/", lambda route: route.abort("internetdisconnected"))
    choose_photos(phone, [jpeg("privat-kvitto.jpg")])
    phone.get_by_role("button", name="Skicka underlag").click()
    expect(queue_row(phone, "privat-kvitto.jpg")).to_contain_text("Väntar på anslutning")

    phone.get_by_role("button", name="Logga ut").click()
    expect(phone).to_have_url(re.compile(r"/logga-in/"))
    phone.context.unroute("**/underlag/skicka/")
    assert phone.evaluate("caches.keys()") == []
    assert phone.evaluate("indexedDB.databases().then((dbs) => dbs.map((db) => db.name))") == []

    other = UserFactory(username="sam.annan", full_name="Sam Annan")
    ClientMembershipFactory(client=client_company, user=other)
    log_in_to_app(phone, live_server, other)
    open_controlled(phone)
    expect(phone.get_by_test_id("queue")).to_be_hidden()
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_role("heading", name="Ingen anslutning just nu")).to_be_visible()
    assert "Kim Kvitto" not in phone.content() and "privat-kvitto" not in phone.content()
    phone.context.set_offline(False)
    assert Document.objects.count() == 0


def test_without_javascript_the_photo_and_the_files_go_as_a_plain_form_post(
    browser, playwright, live_server, client_user
):
    context = phone_context(browser, playwright, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/underlag/")
    page.get_by_label("Användarnamn").fill(client_user.username)
    page.get_by_label("Lösenord").fill("secret-pass-1")
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page.get_by_role("heading", name="Hej Kim!")).to_be_visible()

    choose_photos(page, [jpeg("foto.jpg")])
    page.get_by_label("Välj kvitton eller fakturor").set_input_files(
        files=[{"name": "faktura.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}]
    )
    page.get_by_role("button", name="Skicka underlag").click()

    expect(page.get_by_text("Tack! 2 filer har skickats till")).to_be_visible()
    assert sorted(Document.objects.values_list("original_name", flat=True)) == [
        "faktura.pdf",
        "foto.jpg",
    ]
    context.close()
