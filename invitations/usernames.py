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
# How many numbered candidates beyond the needed ones a look-up asks the database about:
# few at first (most names are free, and fifty names make one query of ~150 candidates, not
# ~1,000), more on each look-up after that.
FIRST_SPARE_CANDIDATES = 2
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


def _is_numbered_form_of(username: str, base: str) -> bool:
    rest = username[len(base) :] if username.startswith(base) else None
    return rest == "" or (bool(rest) and rest.isdigit() and int(rest) >= 2 and rest[0] != "0")


def suggest_usernames(
    full_names: list[str],
    *,
    reserved: Iterable[str] = (),
    preferred: Iterable[str] = (),
    taken_seen: set[str] | None = None,
) -> list[str]:
    """One free username per name, in order; unique among themselves, ``reserved`` and the DB.

    ``reserved`` holds usernames the batch already uses (typed by hand). ``preferred`` gives,
    per name, the suggestion the person was shown (``asa.oberg2`` for a second Åsa Öberg on
    the page): it is kept when it is a numbered form of the name's suggestion and still free,
    so that the review shows what the page showed. ``taken_seen``, when given, collects the
    candidates found taken by existing users. Costs one query, or a few more only when the
    first numbered variants of a name are all taken.
    """
    reserved = {normalise_username(name) for name in reserved}
    bases = [username_base(name) for name in full_names]
    wishes = [normalise_username(p) for p in preferred][: len(bases)]
    wishes += [""] * (len(bases) - len(wishes))
    asked = {
        wish
        for wish, base in zip(wishes, bases, strict=True)
        if wish and wish not in reserved and _is_numbered_form_of(wish, base)
    }
    chosen: list[str | None] = [None] * len(bases)
    free: dict[str, list[str]] = {base: [] for base in bases}
    next_number = dict.fromkeys(bases, 1)

    def wanted() -> dict[str, int]:
        counts: dict[str, int] = {}
        for username, base in zip(chosen, bases, strict=True):
            if username is None:
                counts[base] = counts.get(base, 0) + 1
        return counts

    first = True
    while first or any(len(free[base]) < count for base, count in wanted().items()):
        candidates: dict[str, str | None] = {}
        for base, count in wanted().items():
            missing = count - len(free[base])
            if missing <= 0:
                continue
            start = next_number[base]
            span = missing + (FIRST_SPARE_CANDIDATES if first else CANDIDATES_PER_LOOKUP)
            for number in range(start, start + span):
                candidate = _numbered(base, number)
                if candidate not in reserved:
                    candidates[candidate] = base
            next_number[base] = start + span
        if first:
            candidates.update({wish: candidates.get(wish) for wish in asked})
        taken = taken_usernames(candidates)
        if taken_seen is not None:
            taken_seen.update(taken)
        if first:
            for index, wish in enumerate(wishes):
                if wish in asked and wish not in taken and wish not in reserved:
                    chosen[index] = wish
                    reserved.add(wish)
            first = False
        counts = wanted()
        for candidate, base in candidates.items():
            if base is None or candidate in taken or candidate in reserved:
                continue
            if len(free[base]) < counts.get(base, 0):
                free[base].append(candidate)
                reserved.add(candidate)

    return [
        username if username is not None else free[base].pop(0)
        for username, base in zip(chosen, bases, strict=True)
    ]


def suggest_username(full_name: str, *, reserved: Iterable[str] = ()) -> str:
    """A free username for ``full_name``; see ``suggest_usernames``."""
    return suggest_usernames([full_name], reserved=reserved)[0]
