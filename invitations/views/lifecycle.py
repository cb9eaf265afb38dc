"""The accountant's hand on single invitations: the audit trail, resend and revoke.

Resend and revoke take one invitation or a selection (``invitation`` repeated in the POST)
and go back to where they came from; the services decide which of them may change.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from bureau.access import accountant_required
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


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("invitations:overview"))


def _report(request, *, selected: list[int], changed: list, done_message: str, skipped_message):
    if not selected:
        messages.warning(request, gettext("Välj minst en inbjudan."))
        return
    if changed:
        messages.success(request, done_message)
    skipped = len(set(selected)) - len(changed)
    if skipped:
        messages.warning(request, skipped_message(skipped))


@accountant_required
@require_POST
def resend(request):
    selected = _selected_ids(request)
    resent = services.resend_invitations(
        accountant=request.user, firm=request.firm, invitation_ids=selected, now=timezone.now()
    )
    _report(
        request,
        selected=selected,
        changed=resent,
        done_message=ngettext(
            "%(count)d inbjudan skickas igen med en ny länk. Den gamla länken slutar gälla.",
            "%(count)d inbjudningar skickas igen med nya länkar. De gamla länkarna slutar gälla.",
            len(resent),
        )
        % {"count": len(resent)},
        skipped_message=lambda n: (
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
    return _back(request)


@accountant_required
@require_POST
def revoke(request):
    selected = _selected_ids(request)
    revoked = services.revoke_invitations(
        accountant=request.user, firm=request.firm, invitation_ids=selected, now=timezone.now()
    )
    _report(
        request,
        selected=selected,
        changed=revoked,
        done_message=ngettext(
            "%(count)d inbjudan återkallades. Länken fungerar inte längre.",
            "%(count)d inbjudningar återkallades. Länkarna fungerar inte längre.",
            len(revoked),
        )
        % {"count": len(revoked)},
        skipped_message=lambda n: (
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
    return _back(request)
