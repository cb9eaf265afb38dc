"""Reads of underlag, each a fixed number of queries."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from bureau.models import FirmMembership
from clients.models import ClientCompany, ClientMembership
from clients.selectors import accountant_has_right, search_clients

from .models import Document, DocumentStatus


def client_companies_of(*, user) -> list[ClientCompany]:
    """The client companies ``user`` belongs to as a client user, with their firms."""
    return list(
        ClientCompany.objects.filter(memberships__user=user)
        .select_related("firm")
        .order_by("name", "id")
    )


def documents_of_clients(*, clients: list[ClientCompany], limit: int = 100) -> list[Document]:
    """What the client companies' users have sent, newest first (client users' view)."""
    return list(
        Document.objects.filter(client__in=clients).select_related("uploaded_by", "client")[:limit]
    )


def firm_documents(
    *,
    accountant,
    firm,
    client_id: int | None = None,
    client_search: str | None = None,
    status: str | None = None,
) -> QuerySet[Document]:
    """The firm's documents on clients ``accountant`` has a right on, newest first; of one
    client (``client_id``) or of the clients a search finds (``client_search``: name,
    organisation number with or without hyphen, customer number)."""
    documents = (
        Document.objects.filter(client__firm=firm)
        .filter(accountant_has_right(accountant, client="client"))
        .select_related("client", "uploaded_by", "handled_by")
        .order_by("-created_at", "-id")
    )
    if client_id:
        documents = documents.filter(client_id=client_id)
    if client_search and client_search.strip():
        documents = documents.filter(
            client__in=search_clients(ClientCompany.objects.filter(firm=firm), client_search)
        )
    if status:
        documents = documents.filter(status=status)
    return documents


def client_documents_summary(*, accountant, firm, client_id: int, limit: int = 10) -> dict:
    """What ``client_id``'s users have sent, for its card: ``total``, ``received`` (not yet
    handled) and the ``recent`` ones, newest first; nothing when ``accountant`` has no right
    on the client. Two queries."""
    documents = firm_documents(accountant=accountant, firm=firm, client_id=client_id)
    counts = documents.aggregate(
        total=Count("pk"), received=Count("pk", filter=Q(status=DocumentStatus.RECEIVED))
    )
    return {**counts, "recent": list(documents[:limit])}


def clients_with_rights(*, accountant, firm) -> QuerySet[ClientCompany]:
    """The firm's clients ``accountant`` has a right on, for the documents filter."""
    return (
        ClientCompany.objects.filter(firm=firm)
        .filter(accountant_has_right(accountant))
        .order_by("name", "id")
    )


def document_for_download(*, user, pk: int) -> Document | None:
    """The document if ``user`` may read it: a user of its client company, or an accountant
    of its firm with a right on the client. One query."""
    firm_ids = FirmMembership.objects.filter(user=user).values("firm_id")
    is_client_user = Exists(ClientMembership.objects.filter(client=OuterRef("client"), user=user))
    is_accountant_with_right = Q(client__firm__in=firm_ids) & Q(
        accountant_has_right(user, client="client")
    )
    return Document.objects.filter(Q(is_client_user) | is_accountant_with_right, pk=pk).first()
