"""The client's app: the portal's client pages made installable (issue 10).

What the browser needs besides the pages themselves: the web app manifest, the list of
files the service worker keeps for offline use, the key that ties queued files on a phone
to one user, and the QR code that brings a computer's visitor to the phone.
"""

import hashlib
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext

from .accepted_files import ACCEPTED_TYPES

THEME_COLOUR = "#0b5cab"
BACKGROUND_COLOUR = "#f5f7fa"

# The app's own scripts and style: what the service worker caches on install. Never a page
# with a user's data in it: those always come from the network.
SHELL_STATIC_FILES = [
    "css/portal.css",
    "app/start.js",
    "app/queue.js",
    "app/queue-view.js",
    "app/photos.js",
    "app/camera.js",
    "app/install.js",
    "app/passkeys.js",
    "app/privacy.js",
    "app/offline.js",
    "app/icons/icon-192.png",
    "app/icons/iphone-install.svg",
]


def scope() -> str:
    """Everything the app window holds: the client user's pages, never the firm's."""
    return reverse("documents:start")


def manifest() -> dict:
    """The web app manifest in the active language."""
    start = reverse("documents:start")
    return {
        "id": start,
        "lang": get_language(),
        "name": gettext("Byråportalen – skicka underlag"),
        "short_name": gettext("Byråportalen"),
        "description": gettext("Fota kvitton och skicka fakturor till din redovisningsbyrå."),
        "start_url": start,
        "scope": scope(),
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("app/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("app/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("app/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        # The phone's share sheet: PDFs and pictures shared to the app arrive as a POST with
        # files, which the service worker queues like files chosen in the app.
        "share_target": {
            "action": reverse("documents:share"),
            "method": "POST",
            "enctype": "multipart/form-data",
            "params": {
                "title": "title",
                "text": "text",
                "files": [
                    {
                        "name": "files",
                        "accept": list(ACCEPTED_TYPES) + [".pdf", ".jpg", ".jpeg", ".png", ".heic"],
                    }
                ],
            },
        },
    }


def shell_urls() -> list[str]:
    """The addresses the service worker caches on install, the offline page first."""
    return [reverse("documents:offline")] + [static(path) for path in SHELL_STATIC_FILES]


def shell_version() -> str:
    """A digest of the shell files' contents: it names the worker's cache, so changed files
    (in development, where static URLs carry no hash) replace the cached ones."""
    digest = hashlib.sha256()
    for path in SHELL_STATIC_FILES:
        found = finders.find(path)
        digest.update(path.encode())
        if found:
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:16]


def user_key(user) -> str:
    """Names ``user`` to the app's queue on the phone without naming them to anyone else.

    Queued files carry it, and the server refuses a file whose key is not the signed-in
    user's, so a file queued by one user is never sent in another user's name.
    """
    return salted_hmac("documents.client_app.user_key", str(user.pk)).hexdigest()[:32]


def app_address() -> str:
    """The app's public address, for the QR code shown on a computer."""
    return settings.SITE_URL + reverse("documents:start")


def qr_code_svg(address: str) -> str:
    """The QR code of ``address`` as an inline SVG element, drawn on the server."""
    return segno.make(address, error="m").svg_inline(
        scale=5, border=2, dark="#1d2733", light="#ffffff", omitsize=True
    )
