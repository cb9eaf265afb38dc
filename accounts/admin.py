from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "full_name")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, with the portal's full name, mobile and language."""

    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personuppgifter"), {"fields": ("full_name", "email", "mobile", "language")}),
        (
            _("Behörigheter"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Viktiga datum"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("username", "full_name", "email", "firm", "language", "is_active", "is_staff")
    list_filter = ("is_staff", "is_superuser", "is_active", "language", "firm_membership__firm")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    list_select_related = ("firm_membership__firm",)

    @admin.display(description=_("byrå"), ordering="firm_membership__firm__name")
    def firm(self, user):
        # Client users have no firm membership; select_related cached its absence.
        membership = getattr(user, "firm_membership", None)
        return membership.firm if membership else "–"
