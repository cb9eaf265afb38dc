"""The "Bjud in klientanvändare" wizard.

Step 1 chooses between new and existing users and starts a run of the wizard, named by a
submission key (a UUID in the URL); "Tillbaka" from step 2 brings the key along, so that
"Nästa" goes on with the same draft. Step 2 for new users lists the clients awaiting users,
paged and searchable; every button on it posts the visible rows into the run's draft in the
session first (``invitations.drafts``), and any rows pasted or uploaded (``bulk_entry``),
so filled rows survive paging and searching, and without JavaScript too. "Granska" posts to
the review's address, which checks the whole batch and shows it in the same request;
"Skapa och bjud in användare" writes it through ``services.invite_new_users`` under the same
key, then redirects to the batch's result page: a reload, the back button or a second click
finds the batch instead of writing another. Rows beyond one round's 50 start the next run,
which the result page offers. Existing users are selected on step 2 and reviewed on step 3.

Hand-rolled rather than django-formtools: formtools keeps one form per step, while this
step is a table spread over many GET pages and searches that must keep what was typed,
and the submission key that makes the final post idempotent is the natural key of the draft.
"""

import uuid
from dataclasses import dataclass, field
from functools import cached_property, wraps

import phonenumbers
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Language
from bureau.access import accountant_required
from bureau.request_values import id_values, search_text
from clients.models import ClientCompany
from clients.selectors import clients_awaiting_users

from .. import selectors, services
from ..bulk_entry import BulkReport, suggest_for_marked
from ..drafts import KEEP_DRAFTS, MAX_LANGUAGE_LENGTH, MAX_LENGTHS, WizardDraft
from ..forms import NewUsersBatch, WizardChoiceForm
from ..models import BatchKind, Channel, InvitationBatch
from ..spreadsheets import MAX_LINES, MAX_UPLOAD_BYTES, thousands
from ..uploads import bounded_uploads
from .bulk_entry import PASTE_FIELD, BulkInput, take_bulk_input

PAGE_SIZE = 25
MAX_ROWS_PER_POST = 200
SHOW_MARKED = "markerade"


# --- Step 1 ----------------------------------------------------------------------------------


def _draft_key(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@accountant_required
@require_http_methods(["GET", "POST"])
def wizard(request):
    """Step 1: new users or existing users; "Nästa" starts a run of the wizard.

    Reached by "Tillbaka" from step 2, it carries that run's key (``utkast``): "Nästa" with
    the same choice goes on with the same draft, so that nothing typed is lost.
    """
    key = _draft_key(request.POST.get("utkast") or request.GET.get("utkast"))
    came_from = None
    if key is not None:
        came_from = WizardDraft.load(
            request.session, key, kind=BatchKind.NEW_USERS
        ) or WizardDraft.load(request.session, key, kind=BatchKind.EXISTING_USERS)
    initial = {"choice": came_from.kind} if came_from else None
    form = WizardChoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["choice"]
        if came_from is not None and came_from.kind == kind:
            draft = came_from
        else:
            draft = WizardDraft.start(request.session, kind=kind)
        step = "invitations:wizard_new_users"
        if kind == WizardChoiceForm.EXISTING_USERS:
            step = "invitations:wizard_existing_users"
        return redirect(step, key=draft.key)
    return render(
        request,
        "invitations/wizard/choose.html",
        {"form": form, "step": 1, "draft": came_from},
    )


def _finished_batch(request, key: uuid.UUID) -> InvitationBatch | None:
    return InvitationBatch.objects.filter(firm=request.firm, submission_key=key).first()


def _result(batch: InvitationBatch) -> HttpResponseRedirect:
    return redirect("invitations:batch_result", pk=batch.pk)


def _expired(request) -> HttpResponseRedirect:
    messages.warning(
        request, _("Guiden hade hunnit gå ut, eller startats i en annan webbläsare. Börja om här.")
    )
    return redirect("invitations:wizard")


def wizard_run(kind: str):
    """Opens the run ``key`` of the wizard for a step: once submitted, every step leads to
    the batch's result; without its draft (expired, or another browser) back to step 1;
    else the step is called with the draft as ``draft``."""

    def decorate(view):
        @wraps(view)
        def step(request, key):
            # The submit discards the run's draft: a draft still here means not submitted
            # from this session (a second, simultaneous submit is answered by the service).
            draft = WizardDraft.load(request.session, key, kind=kind)
            if draft is not None:
                return view(request, key, draft)
            if batch := _finished_batch(request, key):
                return _result(batch)
            return _expired(request)

        return step

    return decorate


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _step_url(name: str, key, *, search: str = "", page: int = 1, show: str = "") -> str:
    query = {
        k: v for k, v in {"q": search, "sida": page if page > 1 else "", "visa": show}.items() if v
    }
    url = reverse(name, kwargs={"key": key})
    return f"{url}?{urlencode(query)}" if query else url


def _go_on(post, step: str, key) -> HttpResponseRedirect:
    """Where a post that only kept what was typed leads: a search, the marked rows, all
    rows, or the page and view it came from."""
    action = post.get("action", "")
    search = search_text(post.get("q"))
    if action == "back":
        return redirect(f"{reverse('invitations:wizard')}?{urlencode({'utkast': key})}")
    if action == "search":
        return redirect(_step_url(step, key, search=search))
    if action == "marked":
        return redirect(_step_url(step, key, show=SHOW_MARKED))
    if action == "all":
        return redirect(_step_url(step, key))
    if search != search_text(post.get("current_q")):
        # Enter in the search field: a new search starts at its first page.
        return redirect(_step_url(step, key, search=search))
    show = SHOW_MARKED if post.get("visa") == SHOW_MARKED else ""
    page = _page_number(post.get("goto") or post.get("sida"))
    return redirect(_step_url(step, key, search=search, page=page, show=show))


# --- Step 2, new users -------------------------------------------------------------------------


@dataclass
class WizardRow:
    """One row of step 2: a client and what is typed for it (``client`` None: not the firm's)."""

    client_id: int
    client: ClientCompany | None
    values: dict
    errors: dict = field(default_factory=dict)

    @property
    def fillable(self) -> bool:
        return not self.reason

    @property
    def reason(self) -> str:
        """Why the row cannot be submitted; empty when it can."""
        if self.client is None:
            return _("Klienten finns inte hos byrån.")
        if not self.client.accountant_is_system_admin:
            return _("Du måste vara systemadministratör på klienten")
        if getattr(self.client, "has_own_users", False):
            return _("Klienten har redan användare.")
        return ""

    @property
    def marked(self) -> bool:
        return bool(self.values.get("marked"))

    @property
    def error_messages(self) -> list[tuple[str, str]]:
        return [(name, message) for name, texts in self.errors.items() for message in texts]


def _posted_rows(post) -> dict[int, dict]:
    # Without JavaScript nobody ticks the box for you: a row with a name or an e-mail then
    # counts as marked. The script sets "marking" to "manual" and keeps the box itself.
    auto_marking = post.get("marking") != "manual"
    rows = {}
    for client_id in id_values(post.getlist("row"), limit=MAX_ROWS_PER_POST):
        values = {
            name: post.get(f"r{client_id}-{name}", "").strip()[:limit]
            for name, limit in MAX_LENGTHS.items()
        }
        values["language"] = post.get(f"r{client_id}-language", "").strip()[:MAX_LANGUAGE_LENGTH]
        ticked = post.get(f"r{client_id}-marked") == "1"
        marked = ticked
        if auto_marking and (values["full_name"] or values["email"]):
            marked = True
        values["marked"] = marked
        values["ticked"] = ticked
        values["username_auto"] = (
            post.get(f"r{client_id}-username_auto") == "1" or not values["username"]
        )
        rows[client_id] = values
    return rows


def _marked_rows(request, draft: WizardDraft, errors: dict | None = None) -> list[WizardRow]:
    errors = errors or {}
    clients = {
        client.pk: client
        for client in selectors.clients_of_rows(
            accountant=request.user, firm=request.firm, client_ids=draft.marked_ids
        )
    }
    rows = [
        WizardRow(
            client_id, clients.get(client_id), draft.rows[client_id], errors.get(client_id, {})
        )
        for client_id in draft.marked_ids
    ]
    rows.sort(key=lambda row: (row.client is None, row.client.name if row.client else ""))
    return rows


def _render_new_users(
    request, draft: WizardDraft, *, errors: dict | None = None, bulk: BulkInput | None = None
):
    search = search_text(request.GET.get("q"))
    show = request.GET.get("visa", "")
    if errors is not None or (bulk is not None and bulk.report is not None):
        show = SHOW_MARKED
    page = None
    if show == SHOW_MARKED:
        rows = _marked_rows(request, draft, errors)
    else:
        clients = clients_awaiting_users(accountant=request.user, firm=request.firm, search=search)
        page = Paginator(clients, PAGE_SIZE).get_page(_page_number(request.GET.get("sida")))
        rows = [
            WizardRow(client.pk, client, draft.rows.get(client.pk, {}))
            for client in page.object_list
        ]
    marked_total = len(draft.marked_ids)
    marked_here = sum(1 for row in rows if row.marked)
    batch_errors = (errors or {}).get(services.BATCH, {}).get("rows", [])
    report = BulkReport.from_data(draft.bulk_report) if draft.bulk_report else None
    return render(
        request,
        "invitations/wizard/new_users.html",
        {
            "step": 2,
            "draft": draft,
            "rows": rows,
            "page": page,
            "search": search,
            "show": show,
            "show_marked": show == SHOW_MARKED,
            "marked_total": marked_total,
            "marked_elsewhere": marked_total - marked_here,
            "waiting_total": len(draft.waiting_ids),
            "max_rows": settings.INVITATION_BATCH_MAX_ROWS,
            "batch_errors": batch_errors,
            "has_errors": bool(errors),
            "error_rows": [row for row in rows if row.errors],
            "languages": Language.choices,
            "bulk": bulk or BulkInput(),
            "report": report,
            "limits": {
                "bytes": MAX_UPLOAD_BYTES,
                "megabytes": MAX_UPLOAD_BYTES // (1024 * 1024),
                "lines": thousands(MAX_LINES - 1),
            },
        },
    )


def _take_step_two_post(request, draft: WizardDraft, *, reviewing: bool = False) -> BulkInput:
    """What every button of step 2 does first: the visible rows into the draft, then the
    pasted rows or the file; the report of an earlier reading is closed on request.
    ``reviewing``: the review's check suggests the usernames, so reading does not."""
    draft.update_rows(_posted_rows(request.POST))
    if request.POST.get("action") == "close_report":
        draft.bulk_report = None
    bulk = take_bulk_input(request, draft, suggest=not reviewing)
    draft.save()
    return bulk


@bounded_uploads(pasted=(PASTE_FIELD,))
@accountant_required
@require_http_methods(["GET", "POST"])
@wizard_run(BatchKind.NEW_USERS)
def new_users(request, key, draft: WizardDraft):
    """Step 2 for new users: one row per client awaiting users; typing marks the row, and
    so does pasting rows or uploading a file ("Läs in")."""
    if request.method == "GET":
        return _render_new_users(request, draft)

    bulk = _take_step_two_post(request, draft)
    if bulk.error:
        return _render_new_users(request, draft, bulk=bulk)
    action = request.POST.get("action")
    if action == "read" and not bulk.given:
        bulk.field, bulk.error = PASTE_FIELD, _("Klistra in rader eller välj en fil först.")
        return _render_new_users(request, draft, bulk=bulk)
    if action == "review":
        return redirect("invitations:wizard_review", key=key)
    if bulk.given or action == "read":
        return redirect(
            _step_url("invitations:wizard_new_users", key, show=SHOW_MARKED) + "#inlasning"
        )
    return _go_on(request.POST, "invitations:wizard_new_users", key)


@dataclass
class ReviewRow:
    """One user as the review shows it: as it will be stored."""

    client: ClientCompany
    user: services.NewUserRow
    username_was: str = ""
    username_was_taken: bool = False

    @cached_property
    def mobile(self) -> str:
        # Formatting a number costs about a millisecond: once per row, not per use.
        if not self.user.mobile:
            return ""
        number = phonenumbers.parse(self.user.mobile)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    @property
    def language(self) -> str:
        return Language(self.user.language).label


def _render_review(request, draft: WizardDraft, checked: NewUsersBatch, clients: dict):
    rows = sorted(
        (
            ReviewRow(
                client=clients[row.client_id],
                user=row,
                username_was=draft.rows[row.client_id].get("username_was", ""),
                username_was_taken=draft.rows[row.client_id].get("username_was_taken", False),
            )
            for row in checked.rows()
            if row.client_id in clients
        ),
        key=lambda review_row: (review_row.client.name, review_row.client.pk),
    )
    report = BulkReport.from_data(draft.bulk_report) if draft.bulk_report else None
    return render(
        request,
        "invitations/wizard/review.html",
        {
            "step": 3,
            "draft": draft,
            "rows": rows,
            "changed_usernames": [row for row in rows if row.username_was],
            "waiting_total": len(draft.waiting_ids),
            "report": report,
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


@bounded_uploads(pasted=(PASTE_FIELD,))
@accountant_required
@require_http_methods(["GET", "POST"])
@wizard_run(BatchKind.NEW_USERS)
def review(request, key, draft: WizardDraft):
    """Step 3: the batch as it will be written; "Skapa och bjud in användare" writes it.

    "Granska" on step 2 posts here (action "review"): the visible rows and any pasted rows
    or file go into the draft and the review is shown in that one request, or step 2 again
    with every error of the batch, or with the lines that a paste or file could not use.
    """
    reviewing = request.method == "POST" and request.POST.get("action") == "review"
    if reviewing:
        bulk = _take_step_two_post(request, draft, reviewing=True)
        if bulk.error:
            return _render_new_users(request, draft, bulk=bulk)
        if bulk.report is not None and bulk.report.refused:
            return _render_new_users(request, draft, bulk=bulk)
    elif not draft.marked_ids:
        return redirect("invitations:wizard_new_users", key=key)

    submitting = request.method == "POST" and not reviewing
    checked = NewUsersBatch(draft.rows, accountant=request.user, firm=request.firm)
    # Submitting, the service checks the rules under lock and names what fails.
    valid = checked.is_valid(final=submitting)
    draft.save()
    if not valid:
        return _render_new_users(request, draft, errors=checked.errors)
    if submitting:
        try:
            batch = services.invite_new_users(
                accountant=request.user,
                firm=request.firm,
                rows=checked.rows(),
                submission_key=key,
            )
        except services.RowsRefused as refused:
            return _render_new_users(request, draft, errors=refused.row_errors)
        _hand_over_waiting_rows(request, draft, batch)
        return _result(batch)
    return _render_review(request, draft, checked, checked.clients)


NEXT_ROUNDS = "invitation_wizard_next_rounds"


def _hand_over_waiting_rows(request, draft: WizardDraft, batch: InvitationBatch) -> None:
    """Ends the run; rows that waited for a later round start the next run, marked up to the
    limit, which the batch's result page offers ("Fortsätt med nästa N")."""
    following = draft.next_round()
    draft.discard()
    if following is None:
        return
    following.mark_waiting(settings.INVITATION_BATCH_MAX_ROWS)
    suggest_for_marked(following.rows, reserved=[])
    following.save()
    rounds = dict(request.session.get(NEXT_ROUNDS, {}))
    rounds[str(batch.pk)] = str(following.key)
    request.session[NEXT_ROUNDS] = dict(list(rounds.items())[-KEEP_DRAFTS:])


def _next_round(request, batch: InvitationBatch) -> WizardDraft | None:
    key = _draft_key(request.session.get(NEXT_ROUNDS, {}).get(str(batch.pk)))
    if key is None or _finished_batch(request, key):
        return None
    return WizardDraft.load(request.session, key, kind=BatchKind.NEW_USERS)


# --- Step 2, existing users ------------------------------------------------------------------


def _posted_ids(values) -> list[int]:
    return id_values(values, limit=MAX_ROWS_PER_POST)


def _render_existing_users(request, draft: WizardDraft, *, errors: dict | None = None):
    search = search_text(request.GET.get("q"))
    show = request.GET.get("visa", "")
    queryset = selectors.client_users_awaiting_invitation(
        accountant=request.user, firm=request.firm, search=None if show else search
    )
    if show == SHOW_MARKED:
        queryset = queryset.filter(pk__in=draft.selected)
    page = Paginator(queryset, PAGE_SIZE).get_page(_page_number(request.GET.get("sida")))
    errors = errors or {}
    refused = [
        (user_id, message)
        for user_id, fields in errors.items()
        if user_id != services.BATCH
        for texts in fields.values()
        for message in texts
    ]
    refused_names = {}
    if refused:
        refused_names = {
            user.pk: user.get_full_name()
            for user in get_user_model().objects.filter(
                pk__in=[user_id for user_id, _message in refused],
                client_memberships__client__firm=request.firm,
            )
        }
    selected = set(draft.selected)
    return render(
        request,
        "invitations/wizard/existing_users.html",
        {
            "step": 2,
            "draft": draft,
            "page": page,
            "users": page.object_list,
            "selected": selected,
            "search": search,
            "show_marked": show == SHOW_MARKED,
            "marked_total": len(selected),
            "marked_elsewhere": len(selected - {user.pk for user in page.object_list}),
            "max_rows": settings.INVITATION_BATCH_MAX_ROWS,
            "batch_errors": errors.get(services.BATCH, {}).get("rows", []),
            "refused": [
                (refused_names.get(user_id, _("Okänd användare")), message)
                for user_id, message in refused
            ],
        },
    )


@accountant_required
@require_http_methods(["GET", "POST"])
@wizard_run(BatchKind.EXISTING_USERS)
def existing_users(request, key, draft: WizardDraft):
    """Step 2 for existing users: client users who never accepted; select, then "Granska"."""
    if request.method == "GET":
        return _render_existing_users(request, draft)

    draft.update_selection(
        visible=_posted_ids(request.POST.getlist("visible")),
        checked=_posted_ids(request.POST.getlist("user")),
    )
    draft.save()
    if request.POST.get("action") == "review":
        return redirect("invitations:wizard_existing_review", key=key)
    return _go_on(request.POST, "invitations:wizard_existing_users", key)


@accountant_required
@require_http_methods(["GET", "POST"])
@wizard_run(BatchKind.EXISTING_USERS)
def existing_review(request, key, draft: WizardDraft):
    """Step 3 for existing users: who gets a new invitation, by which channels; "Skicka
    inbjudningar" sends them. A user who can no longer be invited is unselected and named
    on step 2."""
    errors, users = services.existing_user_errors(
        accountant=request.user, firm=request.firm, user_ids=draft.selected
    )
    if errors:
        draft.selected = [u for u in draft.selected if u not in errors]
        draft.save()
        return _render_existing_users(request, draft, errors=errors)
    if request.method == "POST":
        try:
            batch = services.invite_existing_users(
                accountant=request.user,
                firm=request.firm,
                user_ids=draft.selected,
                submission_key=key,
            )
        except services.RowsRefused as refused:
            draft.selected = [u for u in draft.selected if u not in refused.row_errors]
            draft.save()
            return _render_existing_users(request, draft, errors=refused.row_errors)
        draft.discard()
        return _result(batch)
    rows = sorted(users.values(), key=lambda user: (user.get_full_name().lower(), user.pk))
    return render(
        request,
        "invitations/wizard/existing_review.html",
        {
            "step": 3,
            "draft": draft,
            "users": rows,
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


# --- The result ---------------------------------------------------------------------------------


@accountant_required
def batch_result(request, pk):
    """What one submission created: each user, their client and the channels used."""
    batch = selectors.batch_with_invitations(firm=request.firm, pk=pk, accountant=request.user)
    if batch is None:
        raise Http404
    invitations = list(batch.invitations.all())
    for invitation in invitations:
        # A renewed invitation also has the deliveries of its earlier link.
        channels = {
            d.channel for d in invitation.deliveries.all() if d.created_at >= batch.created_at
        }
        invitation.channels = [label for value, label in Channel.choices if value in channels]
    following = _next_round(request, batch) if batch.kind == BatchKind.NEW_USERS else None
    return render(
        request,
        "invitations/batch_result.html",
        {
            "step": 4,
            "flow": "existing" if batch.kind == BatchKind.EXISTING_USERS else "new",
            "batch": batch,
            "invitations": invitations,
            "count": len(invitations),
            "next_round": following,
            "next_round_count": len(following.marked_ids) if following else 0,
            "later_count": len(following.waiting_ids) if following else 0,
        },
    )
