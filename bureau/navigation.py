"""Going back to the page a firm-side form was posted from, and never to another site."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect

from .request_values import local_path


def redirect_back(request, *, default: str) -> HttpResponseRedirect:
    """A redirect to the posted ``next`` when it is a path of this site, else to the URL
    name ``default``: ``next`` is typed by whoever builds the form, so it must not open a
    redirect to elsewhere."""
    return redirect(local_path(request.POST.get("next")) or default)
