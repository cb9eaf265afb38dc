"""What every request passes through: private responses, and no NUL in what a view reads."""

from django.core.exceptions import BadRequest
from django.utils.cache import patch_cache_control

from bureau.request_values import contains_nul


class PrivateResponsesMiddleware:
    """Adds ``Cache-Control: private, no-store`` to every response the portal's views make
    (firm pages, client pages, invitation pages, downloads), unless a view chose its own
    caching. Static files are answered by WhiteNoise before this runs, with their own
    long-lived headers, so it must stay below WhiteNoiseMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class RefuseNulCharacters:
    """Answers 400 to a NUL character in any query or form value, before a view runs.

    PostgreSQL refuses a NUL in text, so such a value would reach a query or a row only to
    fail there as a server error; no person types one. One guard here covers every view,
    Django's admin included (its searches and filters read the query themselves). A view
    exempt from the CSRF check reads its own body (an upload bounded while it arrives, a
    provider's webhook that needs the raw bytes), so only its query is looked at here; the
    wizard's uploads are checked the same way once their size limit is in place
    (``invitations.uploads.bounded_uploads``), but for its paste field, where binary data
    is named next to the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        refuse_nul_characters(request, body=not getattr(view_func, "csrf_exempt", False))
        return None


def refuse_nul_characters(request, *, body: bool = True, except_fields=()) -> None:
    """Raises ``BadRequest`` (the portal's 400 page) when the query, or with ``body`` the
    form data (but its ``except_fields``), holds a NUL character."""
    if contains_nul(request.GET) or (
        body and request.method == "POST" and contains_nul(request.POST, ignore=except_fields)
    ):
        raise BadRequest("A NUL character in the request's values.")
