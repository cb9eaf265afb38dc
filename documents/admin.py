from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "client",
        "uploaded_by",
        "content_type",
        "status",
        "created_at",
    ]
    list_filter = ["status", "content_type", "created_at"]
    list_select_related = ["client", "uploaded_by"]
    search_fields = ["original_name", "client__name", "client__org_number", "uploaded_by__username"]
    date_hierarchy = "created_at"
    raw_id_fields = ["client", "uploaded_by", "handled_by"]
    readonly_fields = ["stored_token", "content_type", "size", "created_at"]
