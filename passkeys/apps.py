from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PasskeysConfig(AppConfig):
    name = "passkeys"
    verbose_name = _("Passnycklar")
