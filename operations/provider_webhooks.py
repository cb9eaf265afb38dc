"""The configured mail provider's anymail webhooks, and no other provider's.

``include("anymail.urls")`` mounts every provider's tracking and inbound URL; those of
providers that are not set up answer junk with a server error (a missing signing key, a
parser that trusts its input). Only ANYMAIL_ESP's URLs are mounted here (under
``anymail/<esp>/...``, the paths anymail documents), every other provider's answers 404,
and a post the provider's parser cannot read is a 400, never a 500.
"""

import re
from collections.abc import Callable

from anymail.exceptions import AnymailWebhookValidationFailure
from django.core.exceptions import RequestDataTooBig
from django.urls import URLPattern, path, re_path


def _reading_junk_is_a_bad_request(view_class: type) -> type:
    """``view_class`` whose parsing of a post turns any failure into a 400 (a
    ``SuspiciousOperation``); what our receivers do with the events is left as it is, so a
    failure of ours still answers 500 and the provider tries again later."""

    def parse_events(self, request):
        try:
            return list(super(reading, self).parse_events(request))
        except (AnymailWebhookValidationFailure, RequestDataTooBig):
            raise
        except Exception as error:  # noqa: BLE001 - whatever the parser made of junk
            raise AnymailWebhookValidationFailure(
                f"unreadable {self.esp_name} webhook payload ({type(error).__name__})"
            ) from error

    reading = type(view_class.__name__, (view_class,), {"parse_events": parse_events})
    reading.__module__ = __name__
    return reading


def provider_webhook_urlpatterns(
    esp_name: str, kind: str, *, wrap: Callable | None = None
) -> list[URLPattern]:
    """The URL pattern of ``esp_name``'s ``kind`` webhook ("tracking" or "inbound"), prefixed
    ``anymail/``, its view optionally wrapped by ``wrap(view, esp_name)``; none when no
    provider is configured or it has no such webhook."""
    if not esp_name:
        return []
    # Imported only with a provider: anymail.urls imports every provider's webhooks (Amazon
    # SES's brings boto3), about 50 MiB in each process, the worker's too (issue 11).
    from anymail import urls as anymail_urls

    patterns = []
    for pattern in anymail_urls.urlpatterns:
        if pattern.name != f"{esp_name}_{kind}_webhook":
            continue
        callback = pattern.callback
        view = _reading_junk_is_a_bad_request(callback.view_class).as_view(
            **callback.view_initkwargs
        )
        if wrap is not None:
            view = wrap(view, esp_name)
        route = str(pattern.pattern)
        if re.match(r"^\^", route):
            patterns.append(re_path(route.replace("^", "^anymail/", 1), view, name=pattern.name))
        else:
            patterns.append(path("anymail/" + route, view, name=pattern.name))
    return patterns
