"""Reads of passkeys."""

from .models import Passkey


def passkeys_of(*, user) -> list[Passkey]:
    """The user's passkeys, oldest first."""
    return list(Passkey.objects.filter(user=user))
