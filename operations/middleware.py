"""Every page the portal renders is somebody's: never kept by a browser or proxy cache."""

from django.utils.cache import patch_cache_control


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
