"""Values read from a request's query or form, made safe before they reach the database.

Whatever a browser, a script or an attacker sends arrives here as text. ``str.isdigit``
accepts "²" and "١٢", which ``int`` refuses or reads as another number; PostgreSQL refuses a
NUL in any text and a number beyond its bigint. Views read ids and search texts through
these functions, so that a bad value means "no such id" or "this search", never a server
error. ``RefuseNulCharacters`` (``operations.middleware``) answers 400 to any NUL in a query
or a plain form post before a view runs; these functions still drop it, for the bodies that
views read themselves (uploads, webhooks).
"""

import re
from collections.abc import Iterable

from django.utils.http import url_has_allowed_host_and_scheme

# PostgreSQL's bigint, the widest id column: a larger number cannot name a row.
BIGINT_MAX = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
_PLAIN_NUMBER = re.compile(r"[0-9]+")
# C0 and C1 control characters and DEL: never part of a name, an address or a number.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LINE_BREAKS_AND_TABS = re.compile(r"[\t\n\r]")
SEARCH_MAX_LENGTH = 100


def id_value(value) -> int | None:
    """The id ``value`` names (ASCII digits only, 1 to bigint's maximum), else None."""
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 1 <= number <= BIGINT_MAX else None


def declared_length(meta) -> int:
    """The body size a request's ``Content-Length`` declares (``meta``: ``request.META``); 0
    when it declares none or not a plain number, as Django itself then reads no body."""
    value = meta.get("CONTENT_LENGTH") or ""
    return int(value) if _PLAIN_NUMBER.fullmatch(value) else 0


def id_values(values: Iterable, *, limit: int | None = None) -> list[int]:
    """The ids among ``values`` (the first ``limit`` values only), in their order; the values
    that name no id are left out."""
    values = list(values)[:limit] if limit is not None else values
    return [number for number in map(id_value, values) if number is not None]


def without_control_characters(value: str) -> str:
    """``value`` without NUL and the other control characters (a tab or line break too)."""
    return _CONTROL_CHARACTERS.sub("", value)


def search_text(value, *, max_length: int = SEARCH_MAX_LENGTH) -> str:
    """What a search field holds: text without control characters, trimmed, at most
    ``max_length`` characters; "" for anything that is not text."""
    if not isinstance(value, str):
        return ""
    spaced = _LINE_BREAKS_AND_TABS.sub(" ", value)
    return without_control_characters(spaced).strip()[:max_length].strip()


def contains_nul(data, *, ignore=()) -> bool:
    """Does any key or value of ``data`` (a QueryDict) hold a NUL character? The values of
    the fields ``ignore`` are not looked at."""
    return any(
        "\x00" in key or (key not in ignore and any("\x00" in value for value in values))
        for key, values in data.lists()
    )


def local_path(value) -> str | None:
    """``value`` when it is a path on this site ("/inbjudningar/?status=expired"), to go
    back to after a post; None for another site, a scheme or host of any spelling
    ("//elsewhere", "https://…", "/\\elsewhere"), or anything that is not text."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return None
    if _CONTROL_CHARACTERS.search(value):
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=set()):
        return None
    return value
