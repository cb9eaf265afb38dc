from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What running the portal needs: deploy checks, the health check, response headers."""

    name = "operations"
    verbose_name = "Drift"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
