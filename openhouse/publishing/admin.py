"""Drafts in Django's admin are read-only: every change goes through the review in the studio, so no
administrator, superusers included, can approve or publish from here."""

from django.contrib import admin
from django.http import HttpRequest

from openhouse.publishing.models import Draft, Review, WatchEntry


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Draft)
class DraftAdmin(ReadOnly):
    list_display = ["id", "organisation", "status", "revision", "publish_at", "updated_at"]
    list_filter = ["status"]


@admin.register(Review)
class ReviewAdmin(ReadOnly):
    list_display = ["draft", "revision", "reviewer", "verdict", "created_at"]


@admin.register(WatchEntry)
class WatchEntryAdmin(ReadOnly):
    list_display = ["organisation", "pattern", "is_regex", "created_at"]
