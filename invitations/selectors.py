"""Reads of invitations for the firm's pages, each a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from clients.models import ClientRight
from documents.models import Document

from .models import Delivery, DeliveryStatus, Invitation, InvitationEvent, InvitationStatus

# --- One invitation and its audit trail (issue 5) --------------------------------------------


def invitation_with_trail(*, accountant, firm, pk: int) -> Invitation:
    """One invitation of ``firm`` with its deliveries and events (actors loaded) and
    ``can_manage``: whether ``accountant`` may resend or revoke it. Three queries; raises
    ``Invitation.DoesNotExist`` for another firm's invitation."""
    return (
        Invitation.objects.filter(client__firm=firm)
        .select_related("user", "client", "invited_by", "batch")
        .annotate(
            can_manage=Exists(
                ClientRight.objects.filter(
                    client=OuterRef("client"), accountant=accountant, is_system_admin=True
                )
            )
        )
        .prefetch_related(
            Prefetch("events", queryset=InvitationEvent.objects.select_related("actor")),
            Prefetch("deliveries", queryset=Delivery.objects.order_by("created_at", "id")),
        )
        .get(pk=pk)
    )


# --- Adoption: invited → delivered → accepted → sent a first document (issue 5) --------------


@dataclass(frozen=True)
class AdoptionStep:
    key: str
    count: int
    percent: int  # of the invited, for the bar


@dataclass(frozen=True)
class Adoption:
    """How far the users one accountant (or the whole firm) invited have come."""

    name: str
    invited: int
    delivered: int
    accepted: int
    first_document: int

    @property
    def steps(self) -> list[AdoptionStep]:
        def step(key, count):
            return AdoptionStep(
                key, count, round(100 * count / self.invited) if self.invited else 0
            )

        return [
            step("invited", self.invited),
            step("delivered", self.delivered),
            step("accepted", self.accepted),
            step("first_document", self.first_document),
        ]


def _adoption_counts() -> dict:
    # Counted in people, not invitations: a user invited twice (revoked, invited again)
    # counts once, and counts as accepted when any of their invitations was.
    return {
        "invited": Count("user", distinct=True),
        "delivered": Count("user", distinct=True, filter=Q(was_delivered=True)),
        "accepted": Count("user", distinct=True, filter=Q(status=InvitationStatus.ACCEPTED)),
        "first_document": Count(
            "user",
            distinct=True,
            filter=Q(status=InvitationStatus.ACCEPTED, sent_document=True),
        ),
    }


def firm_adoption(*, firm) -> tuple[Adoption, list[Adoption]]:
    """The firm's adoption overall and per inviting accountant (most invited first).

    "Delivered" means a message of the invitation left the portal (sent, or confirmed
    delivered by the provider). Two queries whatever the number of invitations.
    """
    invitations = Invitation.objects.filter(client__firm=firm).annotate(
        was_delivered=Exists(
            Delivery.objects.filter(
                invitation=OuterRef("pk"),
                status__in=[DeliveryStatus.SENT, DeliveryStatus.DELIVERED],
            )
        ),
        sent_document=Exists(
            Document.objects.filter(client=OuterRef("client"), uploaded_by=OuterRef("user"))
        ),
    )
    overall = Adoption(name="", **invitations.aggregate(**_adoption_counts()))
    rows = (
        invitations.order_by()
        .values("invited_by", "invited_by__full_name", "invited_by__username")
        .annotate(**_adoption_counts())
        .order_by("-invited", "invited_by__full_name", "invited_by")
    )
    per_accountant = [
        Adoption(
            name=row["invited_by__full_name"] or row["invited_by__username"],
            invited=row["invited"],
            delivered=row["delivered"],
            accepted=row["accepted"],
            first_document=row["first_document"],
        )
        for row in rows
    ]
    return overall, per_accountant
