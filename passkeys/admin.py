from django.contrib import admin

from .models import Passkey


@admin.register(Passkey)
class PasskeyAdmin(admin.ModelAdmin):
    """Operators can remove a passkey of a lost phone; nobody can add one here."""

    list_display = ["name", "user", "created_at", "last_used_at", "backed_up"]
    list_select_related = ["user"]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "created_at", "last_used_at", "backed_up"]
    readonly_fields = ["user", "created_at", "last_used_at", "backed_up"]

    def has_add_permission(self, request):
        return False
