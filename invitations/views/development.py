"""The local outbox (DEBUG only): what the embedded run "sent", so its links can be followed."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from ..delivery.outbox import outbox_entries

# The HTML part is shown in a sandboxed frame; its links open in a new tab, not inside it.
_LINKS_IN_NEW_TAB = '<base target="_blank">'


def outbox(request):
    # It lists every firm's live invitation links: staff only, even in a DEBUG run (the
    # login itself is required by LoginRequiredMiddleware).
    if not request.user.is_staff:
        raise PermissionDenied
    entries = [
        replace(entry, html=entry.html.replace("<head>", "<head>" + _LINKS_IN_NEW_TAB, 1))
        if entry.html
        else entry
        for entry in outbox_entries()
    ]
    return render(request, "invitations/development/outbox.html", {"entries": entries})
