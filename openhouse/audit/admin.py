"""The audit log in the site admin: to read and search, never to add, change or delete."""

from django.contrib import admin
from django.http import HttpRequest

from openhouse.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["organisation", "seq", "created_at", "actor_handle", "action", "subject"]
    list_filter = ["action"]
    search_fields = ["organisation__handle", "actor_handle", "action", "subject"]
    list_select_related = ["organisation"]
    ordering = ["organisation", "-seq"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
