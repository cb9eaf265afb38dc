"""Bulk entry in the wizard's step 2: the pasted rows or the uploaded file a post carries, and
"Ladda ner lista", the firm's clients awaiting users as a sheet to fill in and upload back.

Reading and matching live in ``invitations.spreadsheets`` and ``invitations.bulk_entry``;
this module only takes them from the request and gives back what the page shows.
"""

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bureau.access import accountant_required

from .. import selectors
from ..bulk_entry import BulkReport, read_into_draft
from ..drafts import WizardDraft
from ..spreadsheets import (
    SheetRefused,
    read_paste,
    read_upload,
    too_big_message,
    write_csv,
    write_xlsx,
)

PASTE_FIELD = "paste"
FILE_FIELD = "file"

CLIENT_LIST_HEADER = [
    "Organisationsnummer",
    "Kundnummer",
    "Klient",
    "Namn",
    "E-post",
    "Mobil",
    "Språk",
]
CLIENT_LIST_WIDTHS = [20, 14, 40, 28, 34, 18, 12]


@dataclass
class BulkInput:
    """What a post's paste field or file did: nothing, a report, or an error next to a field."""

    report: BulkReport | None = None
    field: str = ""
    error: str = ""
    pasted: str = ""  # shown again with an error, so that nothing typed is lost

    @property
    def given(self) -> bool:
        return self.report is not None or bool(self.error)


def take_bulk_input(request, draft: WizardDraft, *, suggest: bool = True) -> BulkInput:
    """Reads the pasted rows or the uploaded file of this post into ``draft`` (not saved).

    The draft's ``bulk_report`` is replaced by this one's; on an error nothing in the draft
    changes. ``suggest=False`` leaves the usernames to the batch's check that follows.
    """
    pasted = request.POST.get(PASTE_FIELD, "")
    upload = request.FILES.get(FILE_FIELD)
    too_big = FILE_FIELD in getattr(request, "uploads_too_big", ())
    if too_big:
        return BulkInput(field=FILE_FIELD, error=too_big_message(), pasted=pasted)
    if upload is None and not pasted.strip():
        return BulkInput()
    if upload is not None and pasted.strip():
        return BulkInput(
            field=PASTE_FIELD,
            error=_("Klistra in rader eller välj en fil, inte båda på en gång."),
            pasted=pasted,
        )
    field = FILE_FIELD if upload is not None else PASTE_FIELD
    try:
        sheet = read_upload(upload) if upload is not None else read_paste(pasted)
        report = read_into_draft(
            accountant=request.user,
            firm=request.firm,
            draft=draft,
            sheet=sheet,
            source=upload.name[:100] if upload is not None else "",
            suggest=suggest,
        )
    except SheetRefused as refused:
        return BulkInput(field=field, error=refused.message, pasted=pasted)
    draft.bulk_report = report.as_data()
    return BulkInput(report=report)


def _client_list_rows(request):
    return [
        (client.org_number, client.customer_number, client.name)
        for client in selectors.clients_to_fill_in(accountant=request.user, firm=request.firm)
    ]


@accountant_required
@require_GET
def client_list(request, file_format: str):
    """ "Ladda ner lista": the firm's clients awaiting users where the accountant may create
    users, with empty columns for name, e-mail, mobile and language, as CSV or XLSX."""
    rows = _client_list_rows(request)
    stamp = timezone.localdate().isoformat()
    name = f"klienter-utan-anvandare-{stamp}.{file_format}"
    if file_format == "csv":
        content = write_csv(CLIENT_LIST_HEADER, rows)
        content_type = "text/csv; charset=utf-8"
    elif file_format == "xlsx":
        content = write_xlsx(
            CLIENT_LIST_HEADER,
            rows,
            sheet_title="Klienter utan användare",
            widths=CLIENT_LIST_WIDTHS,
        )
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
