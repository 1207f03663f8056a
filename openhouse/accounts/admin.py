from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest

from openhouse.accounts import services
from openhouse.accounts.models import Account, Invitation, Membership, RoleLabel
from openhouse.audit import services as audit
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

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        """Team changes made here are recorded in the organisation's audit log like any other."""
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        with transaction.atomic():
            before = _team_roles(form.instance)
            super().save_formset(request, form, formset, change)
            _record_site_admin_change(request, form.instance, before)
        return None

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


def _team_roles(organisation: Account) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}
    for handle, role in (
        Membership.objects.filter(organisation=organisation)
        .order_by("member__handle", "role")
        .values_list("member__handle", "role")
    ):
        roles.setdefault(handle, []).append(role)
    return roles


def _record_site_admin_change(request: HttpRequest, organisation: Account, before: dict) -> None:
    after = _team_roles(organisation)
    if after != before:
        audit.record(
            organisation=organisation,
            actor=request.user,
            action="team.changed_by_site_admin",
            subject="team",
            before={"members": before},
            after={"members": after},
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Site staff's view of every team. Saves and deletions are recorded in the organisation's audit log;
    organisation admins manage their own team on its team page."""

    form = MembershipForm
    list_display = ["organisation", "member", "role", "created_at"]
    list_filter = ["role"]
    autocomplete_fields = ["organisation", "member"]
    search_fields = ["organisation__handle", "member__handle"]

    def save_model(self, request: HttpRequest, obj: Membership, form, change: bool) -> None:
        with transaction.atomic():
            before = _team_roles(obj.organisation)
            super().save_model(request, obj, form, change)
            _record_site_admin_change(request, obj.organisation, before)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        with transaction.atomic():
            before = _team_roles(obj.organisation)
            super().delete_model(request, obj)
            _record_site_admin_change(request, obj.organisation, before)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for membership in queryset.select_related("organisation"):
            self.delete_model(request, membership)


@admin.register(RoleLabel)
class RoleLabelAdmin(admin.ModelAdmin):
    """Read-only here: organisation admins manage their labels on the team page, where changes are audited."""

    list_display = ["organisation", "name", "position"]
    search_fields = ["organisation__handle", "name"]
    list_select_related = ["organisation"]
    ordering = ["organisation", "position"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RoleLabel | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RoleLabel | None = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are made and withdrawn on the team page (only a hash of each link is kept)."""

    list_display = ["organisation", "email", "roles", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__handle", "email"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return False
