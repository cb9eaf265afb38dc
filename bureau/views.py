from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.templatetags.static import static

from .models import FirmMembership


def home(request):
    """Accountants start at "Hantera klienter"; client users at their own start page."""
    if FirmMembership.objects.filter(user=request.user).exists():
        return redirect("clients:list")
    return redirect("documents:start")


@login_not_required
def favicon(request):
    """The icon at the address browsers ask for by themselves (a downloaded PDF's tab)."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
