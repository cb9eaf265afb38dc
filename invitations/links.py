"""The invitation link: a fresh secret and expiry, its address, and finding it again.

Shared by the services (which give links) and the delivery package (which puts them into
messages), so it imports neither.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse

from . import secrets
from .models import Invitation


class LinkKeyMissing(Exception):
    """The invitation's link was made under a SECRET_KEY that is neither the current key nor
    one of SECRET_KEY_FALLBACKS: resend it (a new link) instead."""


def invitation_expiry(now: datetime) -> datetime:
    """When a link made at ``now`` stops working: INVITATION_VALID_DAYS later."""
    return now + timedelta(days=settings.INVITATION_VALID_DAYS)


def give_new_secret(invitation: Invitation, *, now: datetime) -> None:
    """Sets a new link secret and a new expiry on ``invitation`` (not saved)."""
    invitation.secret_nonce = secrets.new_nonce()
    invitation.secret_hash = secrets.hash_secret(secrets.secret_for(invitation.secret_nonce))
    invitation.expires_at = invitation_expiry(now)


def invitation_link(invitation: Invitation) -> str:
    """The personal link to accept ``invitation``, as it goes out in e-mail and SMS.

    Rendered with the key that made the stored secret (current or a fallback), so that a
    reminder or retry after a SECRET_KEY rotation carries the link that still works. A link
    whose key is gone altogether cannot be rendered: that raises (the delivery records the
    error) rather than send a link that resolves to nothing.
    """
    secret = secrets.stored_secret(invitation.secret_nonce, invitation.secret_hash)
    if secret is None:
        raise LinkKeyMissing(invitation.pk)
    return settings.SITE_URL + reverse("acceptance:accept", kwargs={"secret": secret})


def find_invitation_by_secret(secret: str) -> Invitation | None:
    """The invitation whose link carries ``secret``, or None.

    The look-up goes by the secret's hash; the final comparison is in constant time so that
    timing says nothing about how close a guess came.
    """
    if not secret or len(secret) > 128:
        return None
    invitation = (
        Invitation.objects.select_related("user", "client__firm", "invited_by")
        .filter(secret_hash=secrets.hash_secret(secret))
        .first()
    )
    if invitation is None or not secrets.secrets_match(secret, invitation.secret_hash):
        return None
    return invitation
