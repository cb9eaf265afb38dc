from django.shortcuts import redirect

from .models import FirmMembership


def home(request):
    """Accountants start at "Hantera klienter"; client users at their own start page."""
    if FirmMembership.objects.filter(user=request.user).exists():
        return redirect("clients:list")
    return redirect("documents:start")
