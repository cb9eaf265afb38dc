from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .models import Firm, FirmMembership
from .organisation_numbers import normalise_org_number


class OrgNumberNormalisingForm(forms.ModelForm):
    """Stores the organisation number as NNNNNN-NNNN however it was typed."""

    def clean_org_number(self):
        try:
            return normalise_org_number(self.cleaned_data["org_number"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None


def _count_of(model) -> Coalesce:
    # A subquery, not a JOIN with GROUP BY: the database counts only for the page's rows.
    counts = (
        model.objects.filter(firm=OuterRef("pk"))
        .order_by()
        .values("firm")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


class FirmMembershipInline(admin.TabularInline):
    model = FirmMembership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    form = OrgNumberNormalisingForm
    # The number of clients per firm is on the clients' side: the client list's firm filter
    # counts them (``clients.admin``), so that bureau needs to know nothing of clients.
    list_display = ("name", "org_number", "accountant_count", "created_at")
    search_fields = ("name", "org_number")
    readonly_fields = ("created_at",)
    inlines = [FirmMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(accountant_count=_count_of(FirmMembership))

    @admin.display(description=_("konsulter"), ordering="accountant_count")
    def accountant_count(self, firm):
        return firm.accountant_count


@admin.register(FirmMembership)
class FirmMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "firm", "role", "created_at")
    list_filter = ("role", "firm")
    list_select_related = ("user", "firm")
    search_fields = ("user__username", "user__full_name", "user__email", "firm__name")
    autocomplete_fields = ("user", "firm")
    readonly_fields = ("created_at",)
