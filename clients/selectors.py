"""Reads of client companies, each a single query plan whatever the number of clients."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import ClientCompany, ClientMembership, ClientRight


def _has_own_users() -> Exists:
    return Exists(ClientMembership.objects.filter(client=OuterRef("pk")))


def _rights(accountant, *, system_admin: bool) -> QuerySet[ClientRight]:
    rights = ClientRight.objects.filter(accountant=accountant)
    return rights.filter(is_system_admin=True) if system_admin else rights


def accountant_is_system_admin(accountant, *, client: str = "pk") -> Exists:
    """Is ``accountant`` system administrator on the client that each row names? The right
    that allows creating and inviting the client's own users.

    An expression for ``filter()`` or ``annotate()``: ``client`` is the field of the outer
    query that holds the client, "pk" on client companies, "client" on rows that point at
    one (invitations, documents, memberships). One EXISTS on an indexed pair of keys.
    """
    return Exists(_rights(accountant, system_admin=True).filter(client=OuterRef(client)))


def clients_administered_by(accountant) -> QuerySet[ClientCompany]:
    """The same rule as a queryset: the client companies ``accountant`` is system
    administrator on (any firm's; narrow it by firm where it matters)."""
    return ClientCompany.objects.filter(accountant_is_system_admin(accountant))


def accountant_has_right(accountant, *, client: str = "pk") -> Exists:
    """Does ``accountant`` hold any right on the client each row names (what underlag
    needs)? Used like ``accountant_is_system_admin``."""
    return Exists(_rights(accountant, system_admin=False).filter(client=OuterRef(client)))


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
        .annotate(accountant_is_system_admin=accountant_is_system_admin(accountant))
        .filter(~_has_own_users())
        .order_by("name", "id")
    )
    return search_clients(queryset, search)


def own_user_count() -> Coalesce:
    # A correlated subquery rather than a JOIN + GROUP BY: the database counts only for the
    # rows of the page, so a page costs the same at 50 clients as at 10,000.
    counts = (
        ClientMembership.objects.filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


# "Hantera klienter" sorts by these, as the page names them in its links; "-" first is the
# other way round. Each ends with the id, so that equal names or counts keep one order.
CLIENT_LIST_ORDERINGS = {
    "namn": ("name", "id"),
    "-namn": ("-name", "-id"),
    "orgnr": ("org_number", "id"),
    "-orgnr": ("-org_number", "-id"),
    "anvandare": ("own_user_count", "name", "id"),
    "-anvandare": ("-own_user_count", "name", "id"),
}


def client_overview(
    *, accountant, firm, search: str | None = None, ordering: str = "namn"
) -> QuerySet:
    """The firm's client companies for "Hantera klienter", by name unless ``ordering`` (a
    key of CLIENT_LIST_ORDERINGS) says otherwise.

    Each row carries ``own_user_count`` (its client users) and ``accountant_is_system_admin``.
    One query for any number of rows (plus the paginator's count).
    """
    queryset = (
        ClientCompany.objects.filter(firm=firm)
        .annotate(
            own_user_count=own_user_count(),
            accountant_is_system_admin=accountant_is_system_admin(accountant),
        )
        .order_by(*CLIENT_LIST_ORDERINGS.get(ordering, CLIENT_LIST_ORDERINGS["namn"]))
    )
    return search_clients(queryset, search)


def client_card(*, accountant, firm, pk: int) -> ClientCompany:
    """One client of ``firm`` for its card, with ``own_user_count``,
    ``accountant_is_system_admin`` and ``accountant_has_right``; raises
    ``ClientCompany.DoesNotExist`` for another firm's client. One query."""
    return (
        ClientCompany.objects.filter(firm=firm)
        .annotate(
            own_user_count=own_user_count(),
            accountant_is_system_admin=accountant_is_system_admin(accountant),
            accountant_has_right=accountant_has_right(accountant),
        )
        .get(pk=pk)
    )


def system_administrators_of(*, client: ClientCompany) -> list:
    """The accountants who hold the system-administrator right on ``client``, by name. One
    query."""
    return [
        right.accountant
        for right in ClientRight.objects.filter(client=client, is_system_admin=True)
        .select_related("accountant")
        .order_by("accountant__full_name", "accountant__username")
    ]


def client_number_taken(*, firm, org_number: str, customer_number: str) -> dict[str, bool]:
    """Whether the firm already has a client with this organisation or customer number."""
    condition = Q(org_number=org_number)
    if customer_number:
        condition |= Q(customer_number=customer_number)
    taken = {"org_number": False, "customer_number": False}
    for found_org, found_customer in (
        ClientCompany.objects.filter(firm=firm)
        .filter(condition)
        .values_list("org_number", "customer_number")
    ):
        taken["org_number"] |= found_org == org_number
        taken["customer_number"] |= bool(customer_number) and found_customer == customer_number
    return taken
