"""Who may see the firm's pages: accountants only, each within their own firm.

Views of the firm side use ``accountant_required`` (or ``AccountantRequiredMixin``); it
sets ``request.firm`` and ``request.firm_membership``, and every query of such a view is
filtered by ``request.firm``. Client users and anyone without a firm get 403.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import FirmMembership


def load_firm_membership(request) -> FirmMembership:
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    try:
        membership = FirmMembership.objects.select_related("firm").get(user=user)
    except FirmMembership.DoesNotExist:
        raise PermissionDenied from None
    request.firm_membership = membership
    request.firm = membership.firm
    return membership


def accountant_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        load_firm_membership(request)
        return view(request, *args, **kwargs)

    return wrapper


class AccountantRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        load_firm_membership(request)
        return super().dispatch(request, *args, **kwargs)
