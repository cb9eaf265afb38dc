"""The deliveries an invitation promises (the outbox rows) and queueing them after commit."""

from django.db import transaction

from ..models import Channel, Delivery, DeliveryPurpose, Invitation


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
    from ..tasks import dispatch_deliveries

    ids = list(delivery_ids)
    if ids:
        # retry=False: with Redis down, fail within a second instead of holding the request.
        transaction.on_commit(
            lambda: dispatch_deliveries.apply_async((ids,), retry=False), robust=True
        )
