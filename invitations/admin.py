"""Django admin for invitations and their deliveries: look, and retry what failed."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import event_text
from .delivery import retry_deliveries
from .models import Delivery, Invitation, InvitationBatch, InvitationEvent


class MadeByServices:
    """Invitations, deliveries and events are written by the services (secrets, outbox
    rows, audit trail); the admin looks and retries, it neither creates nor edits them: a
    status or expiry changed by hand would bypass the audit trail and the outbox."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = (
        "channel",
        "purpose",
        "recipient",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "provider_message_id",
        "error",
    )
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    show_change_link = True

    @admin.display(description=_("senaste fel"))
    def error(self, obj):
        return event_text.delivery_error(obj)

    def has_add_permission(self, request, obj=None):
        return False


class InvitationEventInline(admin.TabularInline):
    model = InvitationEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "described")
    readonly_fields = fields
    ordering = ("created_at", "id")

    @admin.display(description=_("detaljer"))
    def described(self, obj):
        return event_text.event_detail(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(MadeByServices, admin.ModelAdmin):
    list_display = (
        "user",
        "client",
        "invited_by",
        "status",
        "expires_at",
        "last_sent_at",
        "created_at",
    )
    list_filter = ("status", "created_at")
    list_select_related = ("user", "client", "invited_by")
    search_fields = ("user__username", "user__email", "user__full_name", "client__name")
    date_hierarchy = "created_at"
    raw_id_fields = ("user", "client", "invited_by", "batch")
    readonly_fields = (
        "created_at",
        "last_sent_at",
        "reminded_at",
        "accepted_at",
        "revoked_at",
    )
    inlines = [DeliveryInline, InvitationEventInline]


@admin.register(InvitationBatch)
class InvitationBatchAdmin(MadeByServices, admin.ModelAdmin):
    list_display = ("created_at", "firm", "created_by", "kind")
    list_filter = ("kind", "created_at")
    list_select_related = ("firm", "created_by")
    search_fields = ("firm__name", "created_by__username", "created_by__full_name")
    raw_id_fields = ("firm", "created_by")
    readonly_fields = ("submission_key", "created_at")


@admin.action(description=_("Försök igen (misslyckade och okänt utfall)"))
def retry_selected(modeladmin, request, queryset):
    retried = retry_deliveries(deliveries=queryset)
    skipped = queryset.count() - len(retried)
    if retried:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d utskick skickas igen.",
                "%(count)d utskick skickas igen.",
                len(retried),
            )
            % {"count": len(retried)},
            messages.SUCCESS,
        )
    if skipped:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d utskick hoppades över: bara misslyckade och okända försöks igen.",
                "%(count)d utskick hoppades över: bara misslyckade och okända försöks igen.",
                skipped,
            )
            % {"count": skipped},
            messages.WARNING,
        )


@admin.register(Delivery)
class DeliveryAdmin(MadeByServices, admin.ModelAdmin):
    list_display = (
        "id",
        "channel",
        "recipient",
        "status",
        "attempts",
        "status_changed_at",
        "short_error",
        "invitation_client",
    )
    list_filter = ("status", "channel", "purpose", "created_at")
    list_select_related = ("invitation__client",)
    search_fields = ("recipient", "provider_message_id", "invitation__client__name")
    raw_id_fields = ("invitation",)
    readonly_fields = (
        "created_at",
        "claimed_at",
        "sent_at",
        "status_changed_at",
        "provider_message_id",
    )
    actions = [retry_selected]

    @admin.display(description=_("klient"), ordering="invitation__client__name")
    def invitation_client(self, obj):
        return obj.invitation.client.name

    @admin.display(description=_("senaste fel"))
    def short_error(self, obj):
        error = event_text.delivery_error(obj)
        return (error[:80] + "…") if len(error) > 80 else error


@admin.register(InvitationEvent)
class InvitationEventAdmin(MadeByServices, admin.ModelAdmin):
    list_display = ("created_at", "kind", "invitation", "actor", "described")
    list_filter = ("kind", "created_at")
    list_select_related = ("invitation__user", "invitation__client", "actor")
    search_fields = ("detail", "invitation__user__username", "invitation__client__name")
    raw_id_fields = ("invitation", "actor")

    @admin.display(description=_("detaljer"))
    def described(self, obj):
        return event_text.event_detail(obj)
