"""Writes of the invitation flow. Every rule lives here; views, tasks and commands call in.

The pieces below are shared by every way an invitation is made or renewed: a fresh secret
and expiry, the deliveries it promises (the outbox rows), and queueing them after commit.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from . import secrets
from .models import Channel, Delivery, DeliveryPurpose, Invitation


def invitation_expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.INVITATION_VALID_DAYS)


def give_new_secret(invitation: Invitation, *, now: datetime) -> None:
    """Sets a new link secret and a new expiry on ``invitation`` (not saved)."""
    invitation.secret_nonce = secrets.new_nonce()
    invitation.secret_hash = secrets.hash_secret(secrets.secret_for(invitation.secret_nonce))
    invitation.expires_at = invitation_expiry(now)


def invitation_link(invitation: Invitation) -> str:
    """The personal link to accept ``invitation``, as it goes out in e-mail and SMS."""
    secret = secrets.secret_for(invitation.secret_nonce)
    return settings.SITE_URL + reverse("acceptance:accept", kwargs={"secret": secret})


def promised_deliveries(
    invitation: Invitation, *, purpose: str = DeliveryPurpose.INVITATION
) -> list[Delivery]:
    """The unsaved outbox rows ``invitation`` promises: e-mail always, SMS with a mobile."""
    user = invitation.user
    deliveries = [
        Delivery(
            invitation=invitation, channel=Channel.EMAIL, purpose=purpose, recipient=user.email
        )
    ]
    if user.mobile:
        deliveries.append(
            Delivery(
                invitation=invitation,
                channel=Channel.SMS,
                purpose=purpose,
                recipient=str(user.mobile),
            )
        )
    return deliveries


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Queues one task for the whole set once the surrounding transaction commits.

    One broker round trip per batch; the worker fans out. If the broker is down the commit
    still stands (``robust``): the rows stay pending and the sweep queues them again.
    """
    from .tasks import dispatch_deliveries

    ids = list(delivery_ids)
    if ids:
        transaction.on_commit(lambda: dispatch_deliveries.delay(ids), robust=True)
