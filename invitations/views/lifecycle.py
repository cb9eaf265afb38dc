"""The accountant's hand on single invitations: the audit trail, resend and revoke.

Resend and revoke take one invitation or a selection (``invitation`` repeated in the POST)
and go back to where they came from; the services decide which of them may change.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from bureau.access import accountant_required
from bureau.navigation import redirect_back
from invitations import selectors, services
from invitations.models import Invitation


@accountant_required
def invitation_detail(request, pk):
    try:
        invitation = selectors.invitation_with_trail(
            accountant=request.user, firm=request.firm, pk=pk
        )
    except Invitation.DoesNotExist:
        raise Http404 from None
    return render(request, "invitations/detail.html", {"invitation": invitation})


def _selected_ids(request) -> list[int]:
    return [int(value) for value in request.POST.getlist("invitation") if value.isdigit()]


def _act_on_selection(request, service, *, done, skipped):
    """Calls ``service`` on the invitations ticked in the POST, says what it did (``done``)
    and what it left alone (``skipped``), both given the count, and goes back."""
    selected = _selected_ids(request)
    changed = service(
        accountant=request.user, firm=request.firm, invitation_ids=selected, now=timezone.now()
    )
    if not selected:
        messages.warning(request, gettext("Välj minst en inbjudan."))
    else:
        if changed:
            messages.success(request, done(len(changed)))
        if left_alone := len(set(selected)) - len(changed):
            messages.warning(request, skipped(left_alone))
    return redirect_back(request, default="invitations:overview")


@accountant_required
@require_POST
def resend(request):
    return _act_on_selection(
        request,
        services.resend_invitations,
        done=lambda n: (
            ngettext(
                "%(count)d inbjudan skickas igen med en ny länk. Den gamla länken slutar gälla.",
                "%(count)d inbjudningar skickas igen med nya länkar. De gamla länkarna slutar "
                "gälla.",
                n,
            )
            % {"count": n}
        ),
        skipped=lambda n: (
            ngettext(
                "%(count)d inbjudan skickades inte igen: den är redan accepterad eller "
                "återkallad, eller så är du inte systemadministratör på klienten.",
                "%(count)d inbjudningar skickades inte igen: de är redan accepterade eller "
                "återkallade, eller så är du inte systemadministratör på klienterna.",
                n,
            )
            % {"count": n}
        ),
    )


@accountant_required
@require_POST
def revoke(request):
    return _act_on_selection(
        request,
        services.revoke_invitations,
        done=lambda n: (
            ngettext(
                "%(count)d inbjudan återkallades. Länken fungerar inte längre.",
                "%(count)d inbjudningar återkallades. Länkarna fungerar inte längre.",
                n,
            )
            % {"count": n}
        ),
        skipped=lambda n: (
            ngettext(
                "%(count)d inbjudan återkallades inte: den är redan accepterad eller "
                "återkallad, eller så är du inte systemadministratör på klienten.",
                "%(count)d inbjudningar återkallades inte: de är redan accepterade eller "
                "återkallade, eller så är du inte systemadministratör på klienterna.",
                n,
            )
            % {"count": n}
        ),
    )
