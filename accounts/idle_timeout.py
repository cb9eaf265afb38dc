"""Accountants and staff are signed out after ``ACCOUNTANT_IDLE_TIMEOUT`` without a request.

Their sessions open every client's people and underlag, on shared office computers too. A
client user's session (the app on their own phone) keeps Django's ``SESSION_COOKIE_AGE``.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext

from bureau.models import FirmMembership

LAST_SEEN = "idle_timeout_last_seen"
APPLIES = "idle_timeout_applies"
# The time of the last request is written at most this often, not on every request.
_RESOLUTION_SECONDS = 30


class IdleTimeoutMiddleware:
    """Signs out an idle accountant or staff user and sends them to the login page, with a
    message saying why; the page they asked for is where the login then leads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._applies(request, user):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            timeout = settings.ACCOUNTANT_IDLE_TIMEOUT.total_seconds()
            if last_seen is not None and now - last_seen > timeout:
                logout(request)
                minutes = int(timeout // 60)
                messages.info(
                    request,
                    gettext("Du har loggats ut efter %(minutes)d minuter utan aktivitet.")
                    % {"minutes": minutes},
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= _RESOLUTION_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _applies(request, user) -> bool:
        # Usually written at sign-in (start_idle_clock); a session from before that asks here.
        # Asked once per session: whether this user is an accountant does not change mid-way.
        applies = request.session.get(APPLIES)
        if applies is None:
            applies = user.is_staff or FirmMembership.objects.filter(user=user).exists()
            request.session[APPLIES] = applies
        return applies


def start_idle_clock(sender, request, user, **kwargs):
    """On sign-in (``user_logged_in``): whether the timeout applies, and the clock's start,
    go into the new session, so that the requests right after it write nothing."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[APPLIES] = user.is_staff or FirmMembership.objects.filter(user=user).exists()
    request.session[LAST_SEEN] = int(time.time())
