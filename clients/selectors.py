"""Reads of client companies, each a single query plan whatever the number of clients."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import ClientCompany, ClientMembership, ClientRight


def _has_own_users() -> Exists:
    return Exists(ClientMembership.objects.filter(client=OuterRef("pk")))


def _accountant_is_system_admin(accountant) -> Exists:
    return Exists(
        ClientRight.objects.filter(
            client=OuterRef("pk"), accountant=accountant, is_system_admin=True
        )
    )


def search_clients(queryset: QuerySet, search: str | None) -> QuerySet:
    """Narrows by name (contains, any case) or organisation number (with or without hyphen)."""
    search = (search or "").strip()
    if not search:
        return queryset
    digits = search.replace("-", "").replace(" ", "")
    condition = Q(name__icontains=search)
    if digits.isdigit():
        formatted = f"{digits[:6]}-{digits[6:]}" if len(digits) > 6 else digits
        condition |= Q(org_number__startswith=formatted) | Q(customer_number=search)
    return queryset.filter(condition)


def clients_awaiting_users(*, accountant, firm, search: str | None = None) -> QuerySet:
    """The firm's client companies that have no users of their own, by name.

    Each row carries ``accountant_is_system_admin``: only then may the accountant create
    users for it. One query, with EXISTS subqueries on indexed foreign keys.
    """
    queryset = (
        ClientCompany.objects.filter(firm=firm)
        .annotate(accountant_is_system_admin=_accountant_is_system_admin(accountant))
        .filter(~_has_own_users())
        .order_by("name", "id")
    )
    return search_clients(queryset, search)
