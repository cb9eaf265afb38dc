"""Reads of invitations for the firm's pages, each a fixed number of queries."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone

from bureau.models import FirmMembership, FirmRole
from clients.models import ClientCompany, ClientMembership
from clients.selectors import (
    accountant_has_right,
    accountant_is_system_admin,
    clients_administered_by,
    clients_awaiting_users,
)
from documents.models import Document

from .models import (
    Delivery,
    DeliveryStatus,
    Invitation,
    InvitationBatch,
    InvitationEvent,
    InvitationStatus,
)

# --- Who sees an invitation's people (issue 12) -----------------------------------------------


def visible_to(accountant, *, firm) -> Q:
    """The invitations whose people (name, e-mail, mobile) ``accountant`` may see: those on
    clients they hold a right on, and every one of the firm for its administrators. The rule
    underlag follow. A condition for ``filter()``: two EXISTS, no query of its own."""
    is_firm_administrator = Exists(
        FirmMembership.objects.filter(firm=firm, user=accountant, role=FirmRole.ADMIN)
    )
    return is_firm_administrator | accountant_has_right(accountant, client="client")


# --- One invitation and its audit trail (issue 5) --------------------------------------------


def invitation_with_trail(*, accountant, firm, pk: int) -> Invitation:
    """One invitation of ``firm`` with its deliveries and events (actors loaded) and
    ``can_manage``: whether ``accountant`` may resend or revoke it. Three queries; raises
    ``Invitation.DoesNotExist`` for another firm's invitation, or one ``accountant`` may not
    see (``visible_to``)."""
    return (
        Invitation.objects.filter(client__firm=firm)
        .filter(visible_to(accountant, firm=firm))
        .select_related("user", "client", "invited_by", "batch")
        .annotate(can_manage=accountant_is_system_admin(accountant, client="client"))
        .prefetch_related(
            Prefetch("events", queryset=InvitationEvent.objects.select_related("actor")),
            Prefetch("deliveries", queryset=Delivery.objects.order_by("created_at", "id")),
        )
        .get(pk=pk)
    )


def _latest_event_kind() -> Subquery:
    # "Ny länk begärd" is open while it is the newest event: a resend or revoke answers it.
    return Subquery(
        InvitationEvent.objects.filter(invitation=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("kind")[:1]
    )


# The statuses a person reads: "expired" is a pending invitation past its expiry.
INVITATION_STATUS_FILTERS = ["pending", "expired", "accepted", "revoked"]


def invitation_status_filter(status: str, *, now) -> Q:
    """The condition for one of INVITATION_STATUS_FILTERS."""
    pending = Q(status=InvitationStatus.PENDING)
    return {
        "pending": pending & Q(expires_at__gt=now),
        "expired": pending & Q(expires_at__lte=now),
        "accepted": Q(status=InvitationStatus.ACCEPTED),
        "revoked": Q(status=InvitationStatus.REVOKED),
    }[status]


def invitation_status_counts(*, firm, accountant) -> dict[str, int]:
    """How many of the firm's invitations ``accountant`` may see are pending, expired,
    accepted, revoked. One query."""
    now = timezone.now()
    invitations = Invitation.objects.filter(client__firm=firm)
    return invitations.filter(visible_to(accountant, firm=firm)).aggregate(
        **{
            status: Count("pk", filter=invitation_status_filter(status, now=now))
            for status in INVITATION_STATUS_FILTERS
        }
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


# --- The "Bjud in klientanvändare" wizard (issue 3) -------------------------------------------


def clients_of_rows(*, accountant, firm, client_ids) -> QuerySet:
    """The firm's clients among ``client_ids`` (the wizard's marked rows), by name.

    Each carries ``accountant_is_system_admin`` and ``has_own_users``, so that the page can
    say why a row cannot be submitted. Ids of other firms' clients are left out. One query.
    """
    return (
        ClientCompany.objects.filter(firm=firm, pk__in=list(client_ids))
        .annotate(
            accountant_is_system_admin=accountant_is_system_admin(accountant),
            has_own_users=Exists(ClientMembership.objects.filter(client=OuterRef("pk"))),
        )
        .order_by("name", "id")
    )


def client_users_awaiting_invitation(
    *, accountant, firm, search: str | None = None, now=None
) -> QuerySet:
    """Client users ``accountant`` may invite again: never invited, or the invitation lapsed.

    A user qualifies when they belong to a client of ``firm`` on which ``accountant`` is
    system administrator, have never accepted an invitation, have no password of their own
    and no pending invitation that is still valid (so: never invited, expired, or revoked).
    Each row carries the client the invitation would be for (``invite_client_id``,
    ``invite_client_name``, ``invite_client_org_number``: the first such client by name)
    and the state of the latest invitation (``last_invitation_status``,
    ``last_invitation_expires_at``).
    One query.
    """
    now = now or timezone.now()
    administered = ClientMembership.objects.filter(
        client__firm=firm, client__in=clients_administered_by(accountant)
    )
    first_client = administered.filter(user=OuterRef("pk")).order_by("client__name", "client_id")
    latest_invitation = Invitation.objects.filter(user=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    settled = Invitation.objects.filter(user=OuterRef("pk")).filter(
        Q(status=InvitationStatus.ACCEPTED) | Q(status=InvitationStatus.PENDING, expires_at__gt=now)
    )
    queryset = (
        get_user_model()
        .objects.filter(Exists(administered.filter(user=OuterRef("pk"))))
        .filter(~Exists(settled))
        # Someone with a password of their own can log in already: nothing to accept.
        .filter(Q(password__startswith=UNUSABLE_PASSWORD_PREFIX) | Q(password=""))
        .annotate(
            invite_client_id=Subquery(first_client.values("client_id")[:1]),
            invite_client_name=Subquery(first_client.values("client__name")[:1]),
            invite_client_org_number=Subquery(first_client.values("client__org_number")[:1]),
            last_invitation_status=Subquery(latest_invitation.values("status")[:1]),
            last_invitation_expires_at=Subquery(latest_invitation.values("expires_at")[:1]),
        )
        .order_by("full_name", "id")
    )
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(
            Q(full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(username__icontains=search)
            | Exists(
                administered.filter(user=OuterRef("pk")).filter(
                    Q(client__name__icontains=search) | Q(client__org_number__startswith=search)
                )
            )
        )
    return queryset


def batch_with_invitations(*, firm, pk: int, accountant) -> InvitationBatch | None:
    """One batch of ``firm`` with the invitations ``accountant`` may see (``visible_to``),
    their users, clients and deliveries.

    Three queries whatever the size of the batch.
    """
    invitations = (
        Invitation.objects.filter(visible_to(accountant, firm=firm))
        .select_related("user", "client")
        .order_by("client__name", "id")
    )
    return (
        InvitationBatch.objects.filter(firm=firm, pk=pk)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("invitations", queryset=invitations),
            "invitations__deliveries",
        )
        .first()
    )


# --- The invitations overview: deliveries per invitation (issue 4) ---------------------------


def _latest_delivery_status(channel: str) -> Subquery:
    return Subquery(
        Delivery.objects.filter(invitation=OuterRef("pk"), channel=channel)
        .order_by("-created_at", "-id")
        .values("status")[:1]
    )


def invitations_overview(
    *,
    firm,
    delivery_status: str | None = None,
    invitation_status: str | None = None,
    accountant,
) -> QuerySet[Invitation]:
    """The firm's invitations that ``accountant`` may see (``visible_to``), newest first,
    with user, client and inviter loaded.

    Each carries ``email_status`` and ``sms_status`` (its newest delivery per channel; None
    without one) and ``deliveries_newest_first`` (prefetched). ``delivery_status`` keeps
    those whose newest e-mail or SMS has that status; ``invitation_status`` keeps one of
    pending, expired, accepted, revoked (see ``invitation_status_filter``). Each carries
    ``can_manage``: whether ``accountant`` may resend or revoke it. Each
    carries ``latest_event_kind`` (a "renewal_requested" there is an open request for a new
    link). Two queries for any page size.
    """
    queryset = (
        Invitation.objects.filter(client__firm=firm)
        .filter(visible_to(accountant, firm=firm))
        .select_related("user", "client", "invited_by")
        .annotate(
            email_status=_latest_delivery_status("email"),
            sms_status=_latest_delivery_status("sms"),
        )
        .prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.order_by("-created_at", "-id"),
                to_attr="deliveries_newest_first",
            )
        )
        .order_by("-created_at", "-id")
    )
    if delivery_status:
        queryset = queryset.filter(Q(email_status=delivery_status) | Q(sms_status=delivery_status))
    if invitation_status:
        queryset = queryset.filter(invitation_status_filter(invitation_status, now=timezone.now()))
    if accountant is not None:
        queryset = queryset.annotate(
            can_manage=accountant_is_system_admin(accountant, client="client")
        )
    return queryset.annotate(latest_event_kind=_latest_event_kind())


def delivery_status_counts(*, firm, accountant) -> dict[str, int]:
    """How many deliveries (the newest per invitation and channel) of the firm's invitations
    ``accountant`` may see are in each status, plus ``invitations``: the number of those
    invitations. One query."""
    invitations = Invitation.objects.filter(client__firm=firm)
    queryset = invitations.filter(visible_to(accountant, firm=firm)).annotate(
        email_status=_latest_delivery_status("email"),
        sms_status=_latest_delivery_status("sms"),
    )
    aggregates = {"invitations": Count("pk")}
    for status in DeliveryStatus.values:
        aggregates[f"email_{status}"] = Count("pk", filter=Q(email_status=status))
        aggregates[f"sms_{status}"] = Count("pk", filter=Q(sms_status=status))
    totals = queryset.aggregate(**aggregates)
    counts = {"invitations": totals["invitations"]}
    for status in DeliveryStatus.values:
        counts[status] = totals[f"email_{status}"] + totals[f"sms_{status}"]
    return counts


def clients_for_bulk_entry(
    *, accountant, firm, org_numbers, customer_keys, name_keys, name_key
) -> list[ClientCompany]:
    """The firm's clients that lines of a paste or an upload name: by organisation number,
    by customer number (also without leading zeros, as Excel shows them), or by name as
    ``name_key`` reduces it. Each carries ``accountant_is_system_admin`` and
    ``has_own_users``. One query, and one more (the firm's names) when lines give names.
    """
    ids_by_name = []
    if name_keys:
        ids_by_name = [
            pk
            for pk, name in ClientCompany.objects.filter(firm=firm).values_list("pk", "name")
            if name_key(name) in name_keys
        ]
    condition = Q(org_number__in=list(org_numbers)) | Q(pk__in=ids_by_name)
    if customer_keys:
        digits = [key for key in customer_keys if key.isdigit()]
        condition |= Q(customer_number__in=list(customer_keys)) | Q(customer_digits__in=digits)
    return list(
        ClientCompany.objects.filter(firm=firm)
        .annotate(
            customer_digits=Func(F("customer_number"), Value("0"), function="LTRIM"),
            accountant_is_system_admin=accountant_is_system_admin(accountant),
            has_own_users=Exists(ClientMembership.objects.filter(client=OuterRef("pk"))),
        )
        .filter(condition)
        .order_by("pk")
    )


def clients_to_fill_in(*, accountant, firm) -> QuerySet:
    """The clients of "Ladda ner lista": the firm's clients awaiting users on which
    ``accountant`` is system administrator (the only ones a filled-in line can invite for),
    by name. One query."""
    return (
        clients_awaiting_users(accountant=accountant, firm=firm)
        .filter(accountant_is_system_admin=True)
        .only("org_number", "customer_number", "name")
    )
