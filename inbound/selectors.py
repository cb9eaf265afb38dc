"""Reads of inbound mail for the pages, each a fixed number of queries."""

from django.db.models import Q, QuerySet

from clients.models import ClientCompany, ClientMembership
from clients.selectors import accountant_has_right

from .models import InboundAddress, InboundMessage, Outcome, TrustedSender


def firm_messages(
    *, accountant, firm, client_id: int | None = None, outcome: str | None = None
) -> QuerySet[InboundMessage]:
    """Mail to the firm's clients that ``accountant`` has a right on, newest first."""
    messages = (
        InboundMessage.objects.filter(client__firm=firm)
        .filter(accountant_has_right(accountant, client="client"))
        .select_related("client", "decided_by")
        .order_by("-received_at", "-id")
    )
    if client_id:
        messages = messages.filter(client_id=client_id)
    if outcome:
        messages = messages.filter(outcome=outcome)
    return messages


def waiting_for_approval(*, accountant, firm, limit: int = 20) -> list[InboundMessage]:
    """Quarantined mail the accountant may decide on, oldest first (first come, first seen)."""
    return list(
        firm_messages(accountant=accountant, firm=firm, outcome=Outcome.QUARANTINED).order_by(
            "received_at", "id"
        )[:limit]
    )


def count_waiting_for_approval(*, accountant, firm) -> int:
    return firm_messages(accountant=accountant, firm=firm, outcome=Outcome.QUARANTINED).count()


def client_for_accountant(*, accountant, firm, pk: int) -> ClientCompany | None:
    """One of the firm's clients, if the accountant has a right on it."""
    return (
        ClientCompany.objects.filter(firm=firm, pk=pk)
        .filter(accountant_has_right(accountant))
        .first()
    )


def trusted_senders_of(*, client: ClientCompany) -> list[TrustedSender]:
    return list(TrustedSender.objects.filter(client=client).select_related("added_by"))


def replaced_addresses_of(*, client: ClientCompany) -> list[InboundAddress]:
    return list(
        InboundAddress.objects.filter(client=client, replaced_at__isnull=False).order_by(
            "-replaced_at"
        )[:5]
    )


def client_user_clients(*, user) -> list[ClientCompany]:
    return list(
        ClientCompany.objects.filter(memberships__user=user)
        .select_related("firm")
        .order_by("name", "id")
    )


def own_messages(*, user, clients: list[ClientCompany], limit: int = 10) -> list[InboundMessage]:
    """What became of the mails a client user sent from their own address to their clients."""
    if not user.email:
        return []
    return list(
        InboundMessage.objects.filter(client__in=clients, sender__iexact=user.email)
        .select_related("client")
        .order_by("-received_at", "-id")[:limit]
    )


def client_user_may_see(*, user, client_id: int) -> bool:
    return ClientMembership.objects.filter(user=user, client_id=client_id).exists()


def contact_card_client(*, user, client_id: int) -> ClientCompany | None:
    """The client whose address ``user`` may save as a contact: their own, or (accountants)
    one they have a right on."""
    return (
        ClientCompany.objects.filter(pk=client_id)
        .filter(
            Q(memberships__user=user)
            | (Q(firm__memberships__user=user) & Q(accountant_has_right(user)))
        )
        .select_related("firm")
        .first()
    )
