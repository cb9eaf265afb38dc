from .models import FirmMembership


def current_firm(request):
    """The logged-in accountant's firm, for the page header (None for client users)."""
    if hasattr(request, "firm"):
        return {"current_firm": request.firm}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_firm": None}
    membership = FirmMembership.objects.select_related("firm").filter(user=user).first()
    return {"current_firm": membership.firm if membership else None}
