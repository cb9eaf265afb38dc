"""What the hostile-input properties share: the values an attacker or a broken script sends,
the settings that make every run the same, and the check that an error wrote nothing.

Each property posts (or asks with) values drawn from ``hostile_form`` to one view and holds
that the answer is never a server error (Django's test client raises the view's exception
too), and that when the answer is an error (4xx) the rows of the tables the view could
write are as many as before.
"""

import os

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Derandomized, so that CI and a developer run the same examples; no deadline, since a
# request's time is not what is tested; the fixtures (database, logged-in client) are made
# once per property and shared by its examples on purpose.
hostile_settings = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

BIGINT = 2**63

HOSTILE_CONSTANTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "\x01\x1b[31m\x7f\x85",
    "²",
    "١٢",
    "𝟙",
    "٣",
    "0",
    "-1",
    "+1",
    " 1",
    "1.5",
    "1e3",
    "0x1f",
    str(BIGINT - 1),
    str(BIGINT),
    str(2**64),
    "9" * 30,
    "9" * 5000,
    "-" + "9" * 30,
    "null",
    "None",
    "true",
    "[]",
    "{}",
    '{"a": 1}',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "\r\nSet-Cookie: x=1",
    "\ud7ff\ufeff\u202e",
    "x" * 10_000,
    "Åsa Öberg",
    "anna@example.com",
    "+46701234567",
    "556677-8899",
    "markerade",
    "review",
]

# Digits to str.isdigit() that are not ASCII: int() refuses "²" and reads "١٢" as 12.
tricky_digits = st.text(st.sampled_from("0123456789²³¹⁰①١٢٣𝟙९"), min_size=1, max_size=6)

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_CONSTANTS),
    tricky_digits,
    st.text(st.characters(categories=("Nd", "No", "Nl")), min_size=1, max_size=4),
    # The pieces that break parsers, mixed: NUL, control characters, signs, separators.
    st.text(st.sampled_from("\x00\x01\x1f\x7f\x85 09²-+./%;,\n\r\tÅ"), min_size=1, max_size=8),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=30),
)
# A field posted once, several times, or as an empty list (not posted at all).
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, max_size=3))


# A field that names rows (``invitation``, ``row``, ``user``): one or several would-be ids.
hostile_ids = st.one_of(
    st.lists(st.one_of(tricky_digits, hostile_text), min_size=1, max_size=4), hostile_value
)


def hostile_form(*names: str, ids: tuple[str, ...] = (), extra_keys: bool = True):
    """A form of the named fields and the id fields ``ids``, each present or missing, each
    value hostile; with ``extra_keys`` also fields nobody asked for (NUL in a key, say)."""
    known = st.fixed_dictionaries(
        {}, optional={**dict.fromkeys(names, hostile_value), **dict.fromkeys(ids, hostile_ids)}
    )
    if not extra_keys:
        return known
    unknown = st.one_of(
        st.just({}), st.dictionaries(hostile_text.filter(bool), hostile_text, max_size=2)
    )
    return st.builds(lambda a, b: {**b, **a}, known, unknown)


def uploaded_file(name: str, content: bytes) -> SimpleUploadedFile:
    """A file as a browser posts it; a name the test client cannot send ("", ".", "a/..")
    goes as "x"."""
    base = os.path.basename(name.replace("\\", "/"))
    return SimpleUploadedFile(name if base not in ("", ".", "..") else "x", content)


# Every table a view of the portal writes to, the audit trail and the outbox included.
WRITTEN_TABLES = [
    "accounts.User",
    "bureau.Firm",
    "bureau.FirmMembership",
    "clients.ClientCompany",
    "clients.ClientRight",
    "clients.ClientMembership",
    "documents.Document",
    "inbound.InboundAddress",
    "inbound.TrustedSender",
    "inbound.InboundMessage",
    "inbound.FirmInboundSettings",
    "invitations.InvitationBatch",
    "invitations.Invitation",
    "invitations.Delivery",
    "invitations.InvitationEvent",
    "passkeys.Passkey",
]


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in WRITTEN_TABLES}


def assert_no_server_error_and_nothing_half_written(send):
    """Calls ``send()`` (one request) and holds the property's two promises."""
    before = row_counts()
    response = send()
    assert response.status_code < 500, response.status_code
    if response.status_code >= 400:
        assert row_counts() == before
    return response


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
