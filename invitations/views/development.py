"""The local outbox (DEBUG only): what the embedded run "sent", so its links can be followed."""

from dataclasses import replace

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from ..delivery.outbox import outbox_entries

# The HTML part is shown in a sandboxed frame; its links open in a new tab, not inside it.
_LINKS_IN_NEW_TAB = '<base target="_blank">'


@login_not_required
def outbox(request):
    # Public on purpose: the person following an invitation link is not logged in.
    entries = [
        replace(entry, html=entry.html.replace("<head>", "<head>" + _LINKS_IN_NEW_TAB, 1))
        if entry.html
        else entry
        for entry in outbox_entries()
    ]
    return render(request, "invitations/development/outbox.html", {"entries": entries})
