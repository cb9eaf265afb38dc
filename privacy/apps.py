from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A client user's personal data: export it, erase it; expired sessions cleared."""

    name = "privacy"
    verbose_name = _("Personuppgifter")
