"""The accountant's hand on single invitations: the audit trail, correct, resend, revoke.

Resend and revoke take one invitation or a selection (``invitation`` repeated in the POST)
and go back to where they came from; the services decide which of them may change.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from bureau.access import accountant_required
from bureau.navigation import redirect_back
from bureau.request_values import id_values
from invitations import selectors, services
from invitations.forms import InvitationCorrectionForm
from invitations.models import Invitation, InvitationStatus


@accountant_required
def invitation_detail(request, pk):
    try:
        invitation = selectors.invitation_with_trail(
            accountant=request.user, firm=request.firm, pk=pk
        )
    except Invitation.DoesNotExist:
        raise Http404 from None
    return render(request, "invitations/detail.html", {"invitation": invitation})


@accountant_required
def correct(request, pk):
    """ "Rätta uppgifter": name, e-mail, mobile and language of a pending or lapsed
    invitation, checked as the wizard checks a row, then sent again with a new link."""
    try:
        invitation = selectors.invitation_with_trail(
            accountant=request.user, firm=request.firm, pk=pk
        )
    except Invitation.DoesNotExist:
        raise Http404 from None
    if not invitation.can_manage or invitation.status != InvitationStatus.PENDING:
        messages.warning(
            request,
            gettext(
                "Bara en inbjudan som väntar på svar eller har gått ut kan rättas, och bara "
                "av en systemadministratör på klienten."
            ),
        )
        return redirect("invitations:detail", pk=invitation.pk)
    user = invitation.user
    form = InvitationCorrectionForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "email": user.email,
            "mobile": str(user.mobile or ""),
            "language": user.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_invitation(
                accountant=request.user,
                firm=request.firm,
                invitation_id=invitation.pk,
                correction=form.correction(),
                now=timezone.now(),
            )
        except Invitation.DoesNotExist:
            messages.warning(
                request,
                gettext("Inbjudan hann accepteras eller återkallas. Inget ändrades."),
            )
            return redirect("invitations:detail", pk=invitation.pk)
        except services.CorrectionRefused as refused:
            for field, field_messages in refused.field_errors.items():
                for message in field_messages:
                    form.add_error(field, message)
        else:
            messages.success(
                request,
                gettext(
                    "Uppgifterna är rättade och inbjudan skickas igen med en ny länk. Den "
                    "gamla länken slutar gälla."
                ),
            )
            return redirect("invitations:detail", pk=invitation.pk)
    return render(request, "invitations/correct.html", {"invitation": invitation, "form": form})


def _selected_ids(request) -> list[int]:
    return id_values(request.POST.getlist("invitation"))


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
