"""The accountant's invitations overview: what happened to each e-mail and SMS."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from bureau.access import accountant_required

from .. import selectors
from ..models import Channel, DeliveryStatus, InvitationStatus

PAGE_SIZE = 50


def _newest(invitation, channel):
    return next((d for d in invitation.deliveries_newest_first if d.channel == channel), None)


def _invitation_status_counts(firm, accountant) -> list[tuple[str, str, int]]:
    counts = selectors.invitation_status_counts(firm=firm, accountant=accountant)
    labels = {
        "pending": InvitationStatus.PENDING.label,
        "expired": _("Utgången"),
        "accepted": InvitationStatus.ACCEPTED.label,
        "revoked": InvitationStatus.REVOKED.label,
    }
    return [(status, labels[status], counts[status]) for status in labels]


@accountant_required
def overview(request):
    delivery_status = request.GET.get("utskick", "")
    if delivery_status not in DeliveryStatus.values:
        delivery_status = ""
    invitation_status = request.GET.get("status", "")
    if invitation_status not in selectors.INVITATION_STATUS_FILTERS:
        invitation_status = ""
    invitations = selectors.invitations_overview(
        firm=request.firm,
        delivery_status=delivery_status or None,
        invitation_status=invitation_status or None,
        accountant=request.user,
    )
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("sida"))
    for invitation in page:
        invitation.newest_email = _newest(invitation, Channel.EMAIL)
        invitation.newest_sms = _newest(invitation, Channel.SMS)
    counts = selectors.delivery_status_counts(firm=request.firm, accountant=request.user)
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "invitations/overview.html",
        {
            "page": page,
            "invitation_count": counts["invitations"],
            "status_counts": [
                (value, label, counts[value]) for value, label in DeliveryStatus.choices
            ],
            "delivery_statuses": DeliveryStatus.choices,
            "delivery_status": delivery_status,
            "invitation_status": invitation_status,
            "invitation_status_counts": _invitation_status_counts(request.firm, request.user),
            "query_without_page": query.urlencode(),
        },
    )
