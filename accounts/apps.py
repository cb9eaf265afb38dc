from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AccountsConfig(AppConfig):
    name = "accounts"
    # A context of its own: in English the admin section is "Users", a column header "User".
    verbose_name = pgettext_lazy("admin section", "Användare")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .idle_timeout import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="accounts.start_idle_clock")
