from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bureau.admin import OrgNumberNormalisingForm

from . import selectors
from .models import ClientCompany, ClientMembership, ClientRight


class ClientRightInline(admin.TabularInline):
    model = ClientRight
    extra = 0
    autocomplete_fields = ("accountant",)


class ClientMembershipInline(admin.TabularInline):
    model = ClientMembership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "created_at")
    readonly_fields = ("created_at",)


@admin.register(ClientCompany)
class ClientCompanyAdmin(admin.ModelAdmin):
    form = OrgNumberNormalisingForm
    list_display = ("name", "org_number", "customer_number", "firm", "own_user_count")
    list_filter = ("firm",)
    # The firm filter shows how many clients each firm has (the firm list does not: bureau
    # knows nothing of clients).
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ("firm",)
    search_fields = ("name", "org_number", "customer_number")
    autocomplete_fields = ("firm",)
    readonly_fields = ("created_at",)
    inlines = [ClientRightInline, ClientMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(own_user_count=selectors.own_user_count())

    @admin.display(description=_("användare"), ordering="own_user_count")
    def own_user_count(self, client):
        return client.own_user_count


@admin.register(ClientRight)
class ClientRightAdmin(admin.ModelAdmin):
    list_display = ("accountant", "client", "firm", "is_system_admin")
    list_filter = ("is_system_admin", "client__firm")
    list_select_related = ("accountant", "client__firm")
    search_fields = (
        "accountant__username",
        "accountant__full_name",
        "client__name",
        "client__org_number",
    )
    autocomplete_fields = ("accountant", "client")

    @admin.display(description=_("byrå"), ordering="client__firm__name")
    def firm(self, right):
        return right.client.firm


@admin.register(ClientMembership)
class ClientMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "client", "firm", "created_at")
    list_filter = ("client__firm",)
    list_select_related = ("user", "client__firm")
    search_fields = ("user__username", "user__full_name", "user__email", "client__name")
    autocomplete_fields = ("user", "client")
    readonly_fields = ("created_at",)

    @admin.display(description=_("byrå"), ordering="client__firm__name")
    def firm(self, membership):
        return membership.client.firm
