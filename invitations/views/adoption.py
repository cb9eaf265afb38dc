from django.shortcuts import render

from bureau.access import accountant_required
from invitations import selectors


@accountant_required
def adoption(request):
    """Införande: how far the firm's invited client users have come, overall and per
    accountant."""
    overall, per_accountant = selectors.firm_adoption(firm=request.firm)
    return render(
        request,
        "invitations/adoption.html",
        {"overall": overall, "per_accountant": per_accountant},
    )
