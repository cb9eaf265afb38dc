"""How django-axes counts failed sign-ins: per username (whatever its case) and per address.

Axes records each failed password (``user_login_failed``, sent by ``authenticate``) and
refuses further sign-ins for that username, or from that address, once
``LOGIN_FAILURE_LIMIT`` failures have been seen within ``LOGIN_LOCKOUT_MINUTES``; the
refusal is the page ``registration/locked_out.html`` with status 429. Any other way of
signing in (a passkey, say) takes part by calling ``django.contrib.auth.authenticate``
with the request, or by sending ``user_login_failed`` with ``credentials={"username": ...}``
and the request on failure.
"""

import ipaddress

from django.conf import settings

from bureau.request_values import without_control_characters

# The width of django-axes' username column: a longer name is cut, never a database error.
USERNAME_KEY_LENGTH = 255


def client_address(request) -> str | None:
    """The address a sign-in came from: the proxy's header when the deployment names one
    (the same ``RATELIMIT_IP_META_KEY`` as the invitation links' limits), else the
    connection's address."""
    key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
    for value in (request.META.get(key), request.META.get("REMOTE_ADDR")):
        # X-Forwarded-For may carry a chain; the left-most entry is the client's.
        candidate = (value or "").split(",")[0].strip()
        try:
            # Axes stores an address column: anything else sent in the header is not one.
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def username_key(request, credentials) -> str:
    """Usernames are unique regardless of case, so "Anna" and "anna" count as one.

    Whatever was posted fits axes' column: control characters (NUL among them) dropped and
    cut to its width, so that a hostile name is counted like any other, never an error."""
    field = settings.AXES_USERNAME_FORM_FIELD
    username = (credentials or {}).get(field)
    if username is None and request is not None:
        username = request.POST.get(field, "")
    if not isinstance(username, str):
        username = ""
    return without_control_characters(username).strip().casefold()[:USERNAME_KEY_LENGTH]


def lockout_response(request, original_response=None, credentials=None):
    """The page a refused sign-in gets, on /logga-in/ and /admin/login/ alike: status 429."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
