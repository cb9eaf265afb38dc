from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = _("Inbjudningar")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
