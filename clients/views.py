from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bureau.access import accountant_required
from bureau.models import FirmRole
from documents.selectors import client_documents_summary
from invitations.selectors import client_users_with_invitations

from .forms import ClientCompanyForm, ClientSearchForm
from .models import ClientCompany
from .selectors import (
    CLIENT_LIST_ORDERINGS,
    client_card,
    client_overview,
    system_administrators_of,
)
from .services import create_client

CLIENTS_PER_PAGE = 50


@accountant_required
def client_list(request):
    """The page "Hantera klienter": the firm's clients, searchable, sortable by name,
    organisation number or number of users (``ordning``), 50 a page."""
    search_form = ClientSearchForm(request.GET)
    search = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    ordering = request.GET.get("ordning", "namn")
    if ordering not in CLIENT_LIST_ORDERINGS:
        ordering = "namn"
    clients = client_overview(
        accountant=request.user, firm=request.firm, search=search, ordering=ordering
    )
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "clients/client_list.html",
        {
            "search_form": search_form,
            "search": search,
            "page": page,
            "ordering": ordering,
            "columns": _sortable_columns(ordering),
        },
    )


def _sortable_columns(ordering: str) -> dict[str, dict]:
    """For each sortable column: the ``ordning`` its heading links to (ascending first, the
    other way when it is the current one) and ``aria-sort`` for the current one."""
    columns = {}
    for key in ("namn", "orgnr", "anvandare"):
        current = ordering.lstrip("-") == key
        descending = ordering.startswith("-")
        columns[key] = {
            "link": f"-{key}" if current and not descending else key,
            "sort": ("descending" if descending else "ascending") if current else "",
        }
    return columns


@accountant_required
def client_detail(request, pk):
    """The client card: its users and their invitations, who is system administrator, the
    underlag received, and what the accountant can do from here."""
    try:
        client = client_card(accountant=request.user, firm=request.firm, pk=pk)
    except ClientCompany.DoesNotExist:
        raise Http404 from None
    # The client's people follow the rule of invitations and underlag: shown to accountants
    # with a right on the client and to the firm's administrators.
    may_see_people = client.accountant_has_right or request.firm_membership.role == FirmRole.ADMIN
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "may_see_people": may_see_people,
            "users": (
                client_users_with_invitations(accountant=request.user, client=client)
                if may_see_people
                else []
            ),
            "system_administrators": system_administrators_of(client=client),
            "documents": client_documents_summary(
                accountant=request.user, firm=request.firm, client_id=client.pk
            ),
        },
    )


@accountant_required
def client_create(request):
    """The page "Skapa ny klient": the form, then back to the list with a message."""
    form = ClientCompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = create_client(accountant=request.user, firm=request.firm, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Klienten %(name)s (%(number)s) är skapad. Du är systemadministratör på den.")
                % {"name": client.name, "number": client.org_number},
            )
            return redirect("clients:list")
    return render(request, "clients/client_form.html", {"form": form})
