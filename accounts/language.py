"""The language the portal speaks: the one chosen in the header menu on this device (the
language cookie), else a signed-in user's own (``User.language``: set by their invitation,
kept by each choice they make in the menu), else the browser's (Django's LocaleMiddleware).

So a client user invited in English is answered in English on every phone they sign in on,
and an accountant's English browser does not turn the portal English for a user whose
language is Swedish.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.utils import translation
from django.views import i18n

from .services import keep_language


def chosen_language(request) -> str | None:
    """The language the visitor chose in the header menu, if any (and still offered)."""
    return _offered(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def _offered(code: str | None) -> str | None:
    """``code`` as one of LANGUAGES ("en-us" is "en"), or None if the portal has no such."""
    try:
        return translation.get_supported_language_variant(code) if code else None
    except LookupError:
        return None


def speak_users_language(request, user) -> None:
    """Answers ``request`` in ``user``'s language, unless the visitor chose one in the menu."""
    if chosen_language(request) is None:
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()


class UsersLanguageMiddleware:
    """A signed-in user with no choice in the menu on this device is spoken to in their own
    language. After ``AuthenticationMiddleware``; LocaleMiddleware, before it, still names
    the language in the response's Content-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            speak_users_language(request, request.user)
        return self.get_response(request)


@login_not_required  # the menu is on the login page too
def set_language(request):
    """Django's ``set_language`` (the cookie, the redirect); a signed-in user's choice is also
    kept as theirs, so that their other devices and the messages sent to them follow it."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        # What Django accepted (it sets the cookie for any language it has a catalogue of),
        # if the portal offers it.
        cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        language = _offered(cookie.value if cookie is not None else None)
        if language is not None:
            keep_language(request.user, language)
    return response
