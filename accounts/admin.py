import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from privacy.services import erase_client_user, export_client_user

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
    actions = ["export_personal_data", "erase_personal_data"]

    @admin.display(description=_("byrå"), ordering="firm_membership__firm__name")
    def firm(self, user):
        # Client users have no firm membership; select_related cached its absence.
        membership = getattr(user, "firm_membership", None)
        return membership.firm if membership else "–"

    @admin.action(description=_("Exportera personuppgifter (JSON)"))
    def export_personal_data(self, request, queryset):
        exported = {}
        for user in queryset.order_by("username"):
            try:
                exported[user.username] = export_client_user(user=user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
        response = HttpResponse(
            json.dumps(exported, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="personuppgifter.json"'
        return response

    @admin.action(description=_("Radera personuppgifter (anonymisera)"))
    def erase_personal_data(self, request, queryset):
        """Asks first, on a page of its own; then anonymises each selected client user."""
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/accounts/user/erase_personal_data.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Radera personuppgifter"),
                    "users": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        erased = 0
        for user in queryset:
            try:
                erase_client_user(user=user, now=timezone.now())
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                erased += 1
        if erased:
            self.message_user(
                request,
                ngettext(
                    "%(count)d klientanvändare är anonymiserad.",
                    "%(count)d klientanvändare är anonymiserade.",
                    erased,
                )
                % {"count": erased},
                messages.SUCCESS,
            )
        return None
