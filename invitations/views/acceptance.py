"""The invitation link: a page on GET (mail scanners open links), the action on POST.

Every response of these views is rate-limited per client address and per secret; a
limited request gets a friendly 429 page and nothing happens.

The page of a known link speaks the invited user's language (the one their invitation was
written in), not the browser's, unless the visitor chose one in the header menu (the
language cookie). Accepting sets that cookie to the user's language if none is set, so the
portal behind the link goes on in the same language.
"""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from accounts.language import chosen_language, speak_users_language
from invitations import secrets, services
from invitations.models import InvitationStatus


def _over_limit(request, secret: str) -> bool:
    by_ip = is_ratelimited(
        request,
        group="invitation-accept-ip",
        key="ip",
        rate=settings.INVITATION_ACCEPT_RATE_PER_IP,
        increment=True,
    )
    # Keyed by the secret's hash so the raw secret never reaches the cache.
    by_link = is_ratelimited(
        request,
        group="invitation-accept-link",
        key=lambda group, request: secrets.hash_secret(secret),
        rate=settings.INVITATION_ACCEPT_RATE_PER_LINK,
        increment=True,
    )
    return by_ip or by_link


def _too_many(request):
    response = render(request, "invitations/acceptance/too_many.html", status=429)
    response["Retry-After"] = "60"
    return response


def _keep_users_language(request, response, user) -> None:
    if chosen_language(request) is None:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def accept(request, secret):
    if _over_limit(request, secret):
        return _too_many(request)
    now = timezone.now()
    invitation = services.find_invitation_by_secret(secret)
    if invitation is None:
        return render(request, "invitations/acceptance/unknown.html", status=404)
    speak_users_language(request, invitation.user)
    context = {"invitation": invitation, "secret": secret}
    if invitation.status == InvitationStatus.ACCEPTED:
        return render(request, "invitations/acceptance/already_accepted.html", context)
    if invitation.status == InvitationStatus.REVOKED or invitation.expires_at <= now:
        return render(request, "invitations/acceptance/lapsed.html", context)

    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.accept_invitation(
                invitation=invitation, password=form.cleaned_data["new_password1"], now=now
            )
        except services.InvitationNotAcceptable as refusal:
            template = (
                "invitations/acceptance/already_accepted.html"
                if refusal.reason == InvitationStatus.ACCEPTED
                else "invitations/acceptance/lapsed.html"
            )
            return render(request, template, context)
        login(request, invitation.user, backend="django.contrib.auth.backends.ModelBackend")
        response = redirect("documents:start")
        _keep_users_language(request, response, invitation.user)
        return response
    return render(request, "invitations/acceptance/accept.html", {**context, "form": form})


@login_not_required
@never_cache
@require_POST
def request_new_link(request, secret):
    """Answers "Skicka en ny länk till mig" the same way, whatever the secret was: a
    redirect to one thank-you page (so a reload does not ask again)."""
    if _over_limit(request, secret):
        return _too_many(request)
    services.request_new_link(secret=secret, now=timezone.now())
    return redirect("acceptance:new_link_requested")


@login_not_required
def new_link_requested(request):
    return render(request, "invitations/acceptance/new_link_requested.html")
