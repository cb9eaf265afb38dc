from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bureau.access import accountant_required

from .forms import ClientCompanyForm, ClientSearchForm
from .selectors import client_overview
from .services import create_client

CLIENTS_PER_PAGE = 50


@accountant_required
def client_list(request):
    """The page "Hantera klienter": the firm's clients, searchable, 50 a page."""
    search_form = ClientSearchForm(request.GET)
    search = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    clients = client_overview(accountant=request.user, firm=request.firm, search=search)
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "clients/client_list.html",
        {"search_form": search_form, "search": search, "page": page},
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
