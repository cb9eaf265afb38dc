"""Usernames of client users: suggested from the person's name, unique regardless of case.

A suggestion is the name transliterated to ASCII by anyascii (Åsa Öberg → ``asa.oberg``,
Søren Ærø → ``soren.aero``, Łukasz → ``lukasz``), in lower case, with words joined by dots.
On a collision, with an existing user or with another row of the same batch, a number is
added: ``asa.oberg``, ``asa.oberg2``, ``asa.oberg3``. The wizard's JavaScript mirrors the
first half for speed; the server decides.
"""

import re
from collections.abc import Iterable

from anyascii import anyascii
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 150
FALLBACK = "anvandare"
# How many numbered candidates one look-up asks the database about before asking again.
CANDIDATES_PER_LOOKUP = 20

_ALLOWED = re.compile(r"[a-z0-9._-]+\Z")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def username_base(full_name: str) -> str:
    """The un-numbered suggestion for ``full_name``: ASCII, lower case, words joined by dots."""
    ascii_name = anyascii(full_name or "").lower()
    base = _SEPARATORS.sub(".", ascii_name).strip(".")
    return base[: MAX_LENGTH - 4].rstrip(".") or FALLBACK


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def validate_username(username: str) -> None:
    """Refuses characters other than a–z, 0–9 and ``. _ -`` (after lower-casing)."""
    if len(username) > MAX_LENGTH:
        raise ValidationError(
            _("Användarnamnet får vara högst %(max)d tecken."),
            code="too_long",
            params={"max": MAX_LENGTH},
        )
    if not _ALLOWED.match(username):
        raise ValidationError(
            _(
                "Användarnamnet får bara innehålla bokstäverna a–z, siffror och tecknen "
                "punkt (.), understreck (_) och bindestreck (-)."
            ),
            code="invalid_characters",
        )


def _numbered(base: str, number: int) -> str:
    return base if number == 1 else f"{base}{number}"


def taken_usernames(candidates: Iterable[str]) -> set[str]:
    """Which of ``candidates`` (lower case) existing users already have, in one query.

    Compares ``lower(username)``, the expression of the unique index, so the look-up is an
    index scan whatever the number of users.
    """
    candidates = set(candidates)
    if not candidates:
        return set()
    return set(
        get_user_model()
        .objects.annotate(username_lower=Lower("username"))
        .filter(username_lower__in=candidates)
        .values_list("username_lower", flat=True)
    )


def suggest_usernames(full_names: list[str], *, reserved: Iterable[str] = ()) -> list[str]:
    """One free username per name, in order; unique among themselves, ``reserved`` and the DB.

    ``reserved`` holds usernames the batch already uses (typed by hand). Costs one query,
    or a few more only when twenty numbered variants of one name are all taken.
    """
    reserved = {normalise_username(name) for name in reserved}
    bases = [username_base(name) for name in full_names]
    wanted: dict[str, int] = {}
    for base in bases:
        wanted[base] = wanted.get(base, 0) + 1

    free: dict[str, list[str]] = {base: [] for base in wanted}
    next_number = dict.fromkeys(wanted, 1)
    while any(len(free[base]) < count for base, count in wanted.items()):
        candidates = {}
        for base, count in wanted.items():
            if len(free[base]) >= count:
                continue
            start = next_number[base]
            span = count - len(free[base]) + CANDIDATES_PER_LOOKUP
            for number in range(start, start + span):
                candidate = _numbered(base, number)
                if candidate not in reserved:
                    candidates[candidate] = base
            next_number[base] = start + span
        taken = taken_usernames(candidates)
        for candidate, base in candidates.items():
            if candidate not in taken and len(free[base]) < wanted[base]:
                free[base].append(candidate)
                reserved.add(candidate)

    chosen = []
    for base in bases:
        chosen.append(free[base].pop(0))
    return chosen


def suggest_username(full_name: str, *, reserved: Iterable[str] = ()) -> str:
    """A free username for ``full_name``; see ``suggest_usernames``."""
    return suggest_usernames([full_name], reserved=reserved)[0]
