"""The client's app around the start page: manifest, service worker, offline page, the
one-file send the app's queue uses, and the phone's share sheet."""

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bureau.models import FirmMembership

from . import client_app, selectors, services


@login_not_required
@require_GET
def manifest(request):
    """The web app manifest, in the visitor's language."""
    response = JsonResponse(client_app.manifest(), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    patch_cache_control(response, max_age=3600)
    return response


@login_not_required
@require_GET
def service_worker(request):
    """The service worker, served from the scope it controls (``/underlag/``).

    Rendered so that it names the app shell's files by their static URLs (hashed in
    production): a new deploy changes its bytes, and the browser installs the new one.
    """
    response = render(
        request,
        "documents/service-worker.js",
        {
            "shell_urls": json.dumps(client_app.shell_urls()),
            "version": client_app.shell_version(),
            "offline_url": reverse("documents:offline"),
            "scope": client_app.scope(),
            "share_url": reverse("documents:share"),
        },
        content_type="text/javascript; charset=utf-8",
    )
    # Browsers check for a new worker at least daily; no-cache makes every check real.
    patch_cache_control(response, no_cache=True)
    return response


@login_not_required
@require_GET
def offline(request):
    """The app's own page for when there is no connection. The service worker keeps it, so
    it holds nothing of any user: the queue on the phone fills it in, for its own user."""
    return render(request, "documents/offline.html")


def _client_of(request, client_id) -> object:
    clients = selectors.client_companies_of(user=request.user)
    for client in clients:
        if str(client.pk) == str(client_id):
            return client
    return None


@require_POST
def send_one(request):
    """One file from the app's queue: ``upload_id`` (made on the phone), ``user_key``,
    ``client``, ``comment`` and ``file``. Answers JSON: 201 stored, 200 already stored, 400
    with the reasons, 409 when the file was queued by another user."""
    if request.POST.get("user_key") != client_app.user_key(request.user):
        return JsonResponse({"status": "other_user"}, status=409)
    try:
        upload_id = uuid.UUID(request.POST.get("upload_id", ""))
    except ValueError:
        return JsonResponse(
            {
                "status": "refused",
                "errors": [gettext("Filen kom utan sitt id från appen. Välj den igen.")],
            },
            status=400,
        )
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse(
            {"status": "refused", "errors": [gettext("Välj minst en fil att skicka.")]}, status=400
        )
    client = _client_of(request, request.POST.get("client"))
    if client is None:
        raise PermissionDenied
    try:
        document, created = services.submit_document_once(
            uploader=request.user,
            client=client,
            upload=upload,
            upload_id=upload_id,
            comment=request.POST.get("comment", "")[:1000],
        )
    except ValidationError as error:
        return JsonResponse({"status": "refused", "errors": error.messages}, status=400)
    return JsonResponse(
        {"status": "sent", "document": document.pk, "name": document.original_name},
        status=201 if created else 200,
    )


# The phone's share sheet posts here with no CSRF token (the service worker normally takes
# the post first). Without the worker the post is accepted only when the browser says it
# did not come from another site (Fetch Metadata), and the session cookie is SameSite=Lax.
SHARE_FROM = {"none", "same-origin"}


@csrf_exempt
def share(request):
    """Web Share Target: files shared to the installed app become underlag of the user's
    (first) client company, after the same checks as "Skicka underlag"."""
    if request.method != "POST":
        return redirect("documents:start")
    if request.headers.get("Sec-Fetch-Site", "none") not in SHARE_FROM:
        return HttpResponseForbidden(gettext("Delning från en annan webbplats tas inte emot."))
    if FirmMembership.objects.filter(user=request.user).exists():
        raise PermissionDenied
    clients = selectors.client_companies_of(user=request.user)
    if not clients:
        raise PermissionDenied
    files = request.FILES.getlist("files")
    try:
        documents = services.submit_documents(
            uploader=request.user, client=clients[0], files=files, comment=""
        )
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(
            request,
            ngettext(
                "Tack! %(count)d fil har skickats till %(firm)s.",
                "Tack! %(count)d filer har skickats till %(firm)s.",
                len(documents),
            )
            % {"count": len(documents), "firm": clients[0].firm.name},
        )
    return redirect("documents:start")
