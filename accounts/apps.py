from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AccountsConfig(AppConfig):
    name = "accounts"
    # A context of its own: in English the admin section is "Users", a column header "User".
    verbose_name = pgettext_lazy("admin section", "Användare")
