"""The client app's figures (issue 10): the size of the app shell, and what a camera photo
weighs when it leaves the phone.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/byraportalen \\
        .venv/bin/python benchmarks/client_app.py [--user demo.klient1] [--runs 3]

1. The app shell: the HTML of /underlag/ as the client user gets it, plus the CSS and every
   JavaScript module that page loads, each compressed as WhiteNoise serves it (gzip, and
   Brotli when the package is installed), summed. The user is ``--user`` (after
   ``manage.py seed_demo``, demo.klient1), else a throwaway client user, deleted afterwards.
2. A 4,000 × 3,000 photo of about 3 MB goes through ``static/app/photos.js`` in Debian's
   Chromium (the same code the app runs before queueing), and its size and dimensions
   before and after are printed. Without Chromium at its path this part says so and is left
   out.

Prints figures; never fails on time or size.
"""

import argparse
import gzip
import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from benchmarks.inbound_fixtures import clean_up, throwaway_client  # noqa: E402
from benchmarks.report import report  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.documents.photos import camera_photo_3mb  # noqa: E402

try:
    import brotli  # noqa: E402
except ImportError:  # WhiteNoise serves Brotli only with the package; gzip is the floor
    brotli = None

IMPORT = re.compile(r"""(?:import|from)\s*(?:[^'"]*?from\s*)?["'](\./[\w.-]+\.js)["']""")


def static_bytes(url: str) -> bytes:
    path = finders.find(url.removeprefix("/static/"))
    return Path(path).read_bytes()


def modules_of(url: str, seen: set[str]) -> None:
    """``url`` and every module it imports, relative imports followed."""
    if url in seen:
        return
    seen.add(url)
    source = static_bytes(url).decode()
    folder = url.rsplit("/", 1)[0]
    for relative in IMPORT.findall(source):
        modules_of(f"{folder}/{relative[2:]}", seen)


def compressed(data: bytes) -> tuple[int, int | None]:
    return len(gzip.compress(data, 9)), (len(brotli.compress(data)) if brotli else None)


def app_shell(username: str | None) -> None:
    if username is None:
        firm, _client, user, _address = throwaway_client()
        try:
            return _app_shell_of(user)
        finally:
            clean_up(firm, user)
    user = User.objects.filter(username=username).first()
    if user is None:
        sys.exit(f"No user {username!r}: run `manage.py seed_demo` first.")
    return _app_shell_of(user)


def _app_shell_of(user: User) -> None:
    username = user.username
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    response = client.get("/underlag/")
    if response.status_code != 200:
        sys.exit(f"/underlag/ answered {response.status_code} for {username}.")
    html = response.content
    page = html.decode()
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    scripts = re.findall(r'<script type="module" src="([^"]+)"', page)
    modules: set[str] = set()
    for script in scripts:
        modules_of(script, modules)

    rows = [("HTML /underlag/", html)]
    rows += [(url, static_bytes(url)) for url in styles]
    rows += [(url, static_bytes(url)) for url in sorted(modules)]
    print(f"App shell of /underlag/ for {username}:")
    print(f"  {'file':<34}{'raw':>10}{'gzip':>10}{'brotli':>10}")
    totals = [0, 0, 0]
    for name, data in rows:
        gz, br = compressed(data)
        totals[0] += len(data)
        totals[1] += gz
        totals[2] += br or 0
        print(f"  {name:<34}{len(data):>10,}{gz:>10,}{(br if br else '-'):>10}")
    brotli_total = f"{totals[2]:>10,}" if brotli else f"{'-':>10}"
    print(f"  {'total':<34}{totals[0]:>10,}{totals[1]:>10,}{brotli_total}")
    report(
        "Client app shell of /underlag/, gzip-compressed",
        totals[1] / 1024,
        "KB",
        target="≤ 100 KB",
        meets=totals[1] / 1024 <= 100,
    )


PAGE = """<!doctype html><meta charset="utf-8"><input type="file" id="photo">
<script type="module">
import { shrinkPhoto } from "/static/app/photos.js";
window.shrinkChosen = async () => {
  const file = document.getElementById("photo").files[0];
  const started = performance.now();
  const out = await shrinkPhoto(file);
  const took = performance.now() - started;
  const bitmap = await createImageBitmap(out);
  return { type: out.type, size: out.size, width: bitmap.width, height: bitmap.height, took };
};
document.body.dataset.ready = "true";
</script>"""


def photo_leaving_the_phone(runs: int) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"\nThe photo leaving the phone: not measured here (no Chromium at {CHROMIUM}).")
        return
    photo = camera_photo_3mb()
    width, height = Image.open(io.BytesIO(photo)).size
    origin = "http://localhost:8999"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(**playwright.devices["Pixel 7"])
        page = context.new_page()
        page.route(f"{origin}/", lambda route: route.fulfill(body=PAGE, content_type="text/html"))
        page.route(
            f"{origin}/static/app/photos.js",
            lambda route: route.fulfill(
                body=static_bytes("/static/app/photos.js"), content_type="text/javascript"
            ),
        )
        page.goto(f"{origin}/")
        page.wait_for_selector("body[data-ready=true]")
        results = []
        for _ in range(runs):
            page.set_input_files(
                "#photo",
                files=[{"name": "IMG_4000.jpg", "mimeType": "image/jpeg", "buffer": photo}],
            )
            results.append(page.evaluate("shrinkChosen()"))
        browser.close()
    out = results[-1]
    print(f"\nA camera photo through static/app/photos.js in Chromium ({runs} runs):")
    print(f"  before: {width} x {height} px, {len(photo):,} bytes ({len(photo) / 1e6:.2f} MB)")
    print(f"  after:  {out['width']} x {out['height']} px, {out['type']}")
    report(
        "A 3 MB camera photo as it leaves the phone (photos.js in Chromium)",
        out["size"] / 1e6,
        "MB",
        target="≤ 1 MB",
        meets=out["size"] <= 1e6,
    )
    print(f"  median time in the browser: {statistics.median(r['took'] for r in results):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--user", default=None, help="a client user (default: a throwaway)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    app_shell(args.user)
    photo_leaving_the_phone(args.runs)
    print(f"\n(done in {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
