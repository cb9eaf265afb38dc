"""Going back to the page a firm-side form was posted from, and never to another site."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, *, default: str) -> HttpResponseRedirect:
    """A redirect to the posted ``next`` when it is a page of this site (same host, and
    HTTPS when the request was), else to the URL name ``default``: ``next`` is typed by
    whoever builds the form, so it must not open a redirect to elsewhere."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)
