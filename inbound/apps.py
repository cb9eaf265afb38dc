from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    name = "inbound"
    verbose_name = _("Underlag via e-post")

    def ready(self):
        # Connects the receiver of anymail's ``inbound`` signal.
        from . import webhooks  # noqa: F401
