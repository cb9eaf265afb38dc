"""Swedish organisation numbers: NNNNNN-NNNN, the last digit a Luhn check digit."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-+]")


def luhn_checksum_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def with_check_digit(nine_digits: str) -> str:
    """The organisation number NNNNNN-NNNN whose first nine digits are ``nine_digits``."""
    check = next(c for c in "0123456789" if luhn_checksum_is_valid(nine_digits + c))
    return f"{nine_digits[:6]}-{nine_digits[6:]}{check}"


def normalise_org_number(value: str) -> str:
    """Return the number as NNNNNN-NNNN, or raise ValidationError with a Swedish message.

    Accepts the usual ways people write it: with or without the hyphen, with spaces, and
    with a century prefix (16NNNNNNNNNN, or 19/20 for a sole trader's personal number).
    """
    digits = _SEPARATORS.sub("", value or "")
    if not digits.isdigit() or len(digits) not in (10, 12):
        raise ValidationError(
            _("Ange organisationsnumret som NNNNNN-NNNN (tio siffror)."), code="format"
        )
    if len(digits) == 12:
        if digits[:2] not in ("16", "19", "20"):
            raise ValidationError(
                _("Ange organisationsnumret som NNNNNN-NNNN (tio siffror)."), code="format"
            )
        digits = digits[2:]
    if not luhn_checksum_is_valid(digits):
        raise ValidationError(
            _("Organisationsnumret %(number)s har fel kontrollsiffra."),
            code="checksum",
            params={"number": f"{digits[:6]}-{digits[6:]}"},
        )
    return f"{digits[:6]}-{digits[6:]}"


def validate_org_number(value: str) -> None:
    normalise_org_number(value)
