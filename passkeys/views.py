"""Passkeys: the JSON steps of the two WebAuthn ceremonies and the page that lists them.

Kept apart from the password login (``/logga-in/``), which has its own throttling; a
passkey sign-in is the same Django login at the end.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from webauthn import base64url_to_bytes
from webauthn.helpers import bytes_to_base64url

from bureau.request_values import local_path, without_control_characters

from . import selectors, services

REGISTRATION_CHALLENGE = "passkeys.registration_challenge"
AUTHENTICATION_CHALLENGE = "passkeys.authentication_challenge"
MAX_BODY = 64 * 1024


def _party(request) -> services.RelyingParty:
    # The host has passed ALLOWED_HOSTS; the RP id is its name without the port.
    host = request.get_host()
    return services.RelyingParty(
        rp_id=host.rsplit(":", 1)[0] if not host.endswith("]") else host,
        origin=f"{request.scheme}://{host}",
    )


def _body(request) -> dict:
    if len(request.body) > MAX_BODY:
        return {}
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _safe_next(request, candidate) -> str:
    return local_path(candidate) or reverse(settings.LOGIN_REDIRECT_URL)


def _refused(message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=400)


def manage(request):
    """The user's passkeys: add one on this device, remove any."""
    return render(
        request, "passkeys/manage.html", {"passkeys": selectors.passkeys_of(user=request.user)}
    )


@require_POST
def registration_options(request):
    options, challenge = services.registration_options(user=request.user, party=_party(request))
    request.session[REGISTRATION_CHALLENGE] = bytes_to_base64url(challenge)
    return JsonResponse(json.loads(options))


@require_POST
def register(request):
    challenge = request.session.pop(REGISTRATION_CHALLENGE, None)
    body = _body(request)
    if not challenge or not isinstance(body.get("credential"), dict):
        return _refused(gettext("Passnyckeln kunde inte läggas till. Försök igen."))
    try:
        passkey = services.add_passkey(
            user=request.user,
            party=_party(request),
            challenge=base64url_to_bytes(challenge),
            response=json.dumps(body["credential"]),
            name=without_control_characters(str(body.get("name") or "")),
        )
    except services.PasskeyRefused as refusal:
        return _refused(str(refusal))
    messages.success(
        request,
        gettext("Passnyckeln ”%(name)s” är tillagd. Nästa gång loggar du in med den.")
        % {"name": passkey.name},
    )
    return JsonResponse({"ok": True, "name": passkey.name}, status=201)


@login_not_required
@require_POST
def authentication_options(request):
    options, challenge = services.authentication_options(party=_party(request))
    request.session[AUTHENTICATION_CHALLENGE] = bytes_to_base64url(challenge)
    return JsonResponse(json.loads(options))


@login_not_required
@require_POST
def sign_in(request):
    challenge = request.session.pop(AUTHENTICATION_CHALLENGE, None)
    body = _body(request)
    if not challenge or not isinstance(body.get("credential"), dict):
        return _refused(gettext("Inloggningen med passnyckel misslyckades. Försök igen."))
    try:
        user = services.user_signing_in(
            party=_party(request),
            challenge=base64url_to_bytes(challenge),
            response=json.dumps(body["credential"]),
            now=timezone.now(),
        )
    except services.PasskeyRefused as refusal:
        return _refused(str(refusal))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return JsonResponse({"ok": True, "next": _safe_next(request, body.get("next"))})


@require_POST
def remove(request, pk):
    if services.remove_passkey(user=request.user, passkey_id=pk):
        messages.success(
            request, gettext("Passnyckeln är borttagen. Lösenordet fungerar som förut.")
        )
    else:
        messages.warning(request, gettext("Passnyckeln fanns inte."))
    return redirect(_safe_next(request, request.POST.get("next")))
