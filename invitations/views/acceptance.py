from django.contrib.auth.decorators import login_not_required
from django.http import Http404


@login_not_required
def accept(request, secret):
    raise Http404  # the acceptance page (issue 5) replaces this
