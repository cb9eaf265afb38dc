"""Underlag: the client user's start page and upload, the firm's incoming documents."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from bureau.access import accountant_required
from bureau.models import FirmMembership
from bureau.navigation import redirect_back

from . import selectors, services
from .accepted_files import download_name
from .forms import FirmDocumentsFilter, SubmissionForm

FIRM_PAGE_SIZE = 50


def start(request):
    """The client user's own page: their company, their firm, the apps, "Skicka underlag"."""
    if FirmMembership.objects.filter(user=request.user).exists():
        return redirect("documents:firm_list")
    clients = selectors.client_companies_of(user=request.user)
    if not clients:
        raise PermissionDenied
    form = SubmissionForm(
        request.POST or None,
        request.FILES or None,
        clients=clients,
        max_size_label=filesizeformat(settings.DOCUMENT_MAX_BYTES),
    )
    if request.method == "POST" and form.is_valid():
        try:
            documents = services.submit_documents(
                uploader=request.user,
                client=form.cleaned_data["client"],
                files=form.cleaned_data["files"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error("files", error)
        else:
            messages.success(
                request,
                ngettext(
                    "Tack! %(count)d fil har skickats till %(firm)s.",
                    "Tack! %(count)d filer har skickats till %(firm)s.",
                    len(documents),
                )
                % {"count": len(documents), "firm": form.cleaned_data["client"].firm.name},
            )
            return redirect("documents:start")
    return render(
        request,
        "documents/start.html",
        {
            "clients": clients,
            "form": form,
            "documents": selectors.documents_of_clients(clients=clients),
            "app_store_url": settings.APP_STORE_URL,
            "google_play_url": settings.GOOGLE_PLAY_URL,
        },
    )


@accountant_required
def firm_list(request):
    """Incoming underlag of the clients the accountant has a right on, newest first."""
    filters = FirmDocumentsFilter(
        request.GET or None,
        clients=selectors.clients_with_rights(accountant=request.user, firm=request.firm),
    )
    chosen = filters.cleaned_data if filters.is_valid() else {}
    documents = selectors.firm_documents(
        accountant=request.user,
        firm=request.firm,
        client_id=chosen["client"].pk if chosen.get("client") else None,
        status=chosen.get("status") or None,
    )
    page = Paginator(documents, FIRM_PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "documents/firm_list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


@accountant_required
@require_POST
def mark_handled(request, pk):
    if services.mark_handled(
        accountant=request.user, firm=request.firm, document_id=pk, now=timezone.now()
    ):
        messages.success(request, gettext("Underlaget är markerat som hanterat."))
    else:
        messages.warning(request, gettext("Underlaget var redan hanterat eller finns inte."))
    return redirect_back(request, default="documents:firm_list")


def download(request, pk):
    """The file itself, only for the client's users and the firm's accountants with a right.

    Served as an attachment with the content type found at upload, under a name with that
    type's extension (a PDF sent as faktura.html downloads as faktura.pdf), never from a
    public URL.
    """
    document = selectors.document_for_download(user=request.user, pk=pk)
    if document is None:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=download_name(document.original_name, document.content_type),
        content_type=document.content_type,
    )
