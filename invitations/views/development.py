"""The local outbox (DEBUG only): what the embedded run "sent", so its links can be followed."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from ..outbox import outbox_entries


@login_not_required
def outbox(request):
    # Public on purpose: the person following an invitation link is not logged in.
    return render(request, "invitations/development/outbox.html", {"entries": outbox_entries()})
