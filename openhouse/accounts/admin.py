from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from openhouse.accounts import services
from openhouse.accounts.models import Account, Membership
from openhouse.core.errors import DomainError


class MembershipForm(ModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "member", "role"]

    def clean(self) -> dict:
        data = super().clean()
        org, member = data.get("organisation"), data.get("member")
        if org and not org.is_organisation:
            raise ValidationError(f"@{org.handle} is not an organisation account.")
        if member and member.is_organisation:
            raise ValidationError("An organisation can't be a member of a team; choose a person's account.")
        return data


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(Account)
class AccountAdmin(UserAdmin):
    list_display = ["handle", "display_name", "is_organisation", "is_verified", "is_private", "is_staff"]
    list_filter = ["is_organisation", "is_verified", "is_private", "is_staff", "is_active"]
    search_fields = ["handle", "display_name", "email"]
    ordering = ["handle"]
    readonly_fields = ["is_verified", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["handle", "password"]}),
        ("Profile", {"fields": ["display_name", "email", "bio", "link", "is_private"]}),
        ("Organisation", {"fields": ["is_organisation", "is_verified"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["handle", "email", "password1", "password2"]})]
    actions = ["mark_verified", "remove_verification"]

    def get_inlines(self, request: HttpRequest, obj: Account | None = None) -> list:
        return [MembershipInline] if obj is not None and obj.is_organisation else []

    def _set_verified(self, request: HttpRequest, queryset, verified: bool) -> None:
        for org in queryset:
            try:
                services.set_verified(actor=request.user, organisation=org, verified=verified)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description="Mark selected organisations verified")
    def mark_verified(self, request: HttpRequest, queryset) -> None:
        self._set_verified(request, queryset, True)

    @admin.action(description="Remove verification")
    def remove_verification(self, request: HttpRequest, queryset) -> None:
        self._set_verified(request, queryset, False)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["organisation", "member", "role", "created_at"]
    list_filter = ["role"]
    autocomplete_fields = ["organisation", "member"]
    search_fields = ["organisation__handle", "member__handle"]
