"""Reads for an organisation's team pages, tuned to a fixed number of queries whatever the team's size."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from openhouse.accounts.models import Account, Invitation, Membership, RoleLabel

ROLE_ORDER = {role: n for n, role in enumerate(Membership.Role.values)}


@dataclass
class TeamMember:
    account: Account
    roles: list[str] = field(default_factory=list)
    two_factor: bool = False
    since: datetime | None = None

    @property
    def role_names(self) -> list[str]:
        return [Membership.Role(role).label for role in self.roles]

    @property
    def is_admin(self) -> bool:
        return Membership.Role.ADMIN in self.roles


def team(*, organisation: Account) -> list[TeamMember]:
    """The members with their roles, whether they set up two-factor authentication, and when they
    joined; admins first, then by handle. One query."""
    rows = (
        Membership.objects.filter(organisation=organisation)
        .select_related("member")
        .annotate(
            enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("member"), confirmed=True)),
        )
        .order_by("member__handle", "role")
    )
    members: dict[int, TeamMember] = {}
    for row in rows:
        entry = members.setdefault(
            row.member_id, TeamMember(account=row.member, two_factor=row.enrolled, since=row.created_at)
        )
        entry.roles.append(row.role)
        entry.since = min(entry.since, row.created_at) if entry.since else row.created_at
    for entry in members.values():
        entry.roles.sort(key=ROLE_ORDER.__getitem__)
    return sorted(members.values(), key=lambda m: (not m.is_admin, m.account.handle))


def teams_of(*, account: Account) -> list[tuple[Account, list[str]]]:
    """The organisations `account` is on, with its roles in each (for its own settings page). One query."""
    teams: dict[int, tuple[Account, list[str]]] = {}
    for row in (
        Membership.objects.filter(member=account)
        .select_related("organisation")
        .order_by("organisation__handle")
    ):
        teams.setdefault(row.organisation_id, (row.organisation, []))[1].append(row.role)
    return [
        (org, [Membership.Role(r).label for r in sorted(roles, key=ROLE_ORDER.__getitem__)])
        for org, roles in teams.values()
    ]


def role_labels(*, organisation: Account) -> list[RoleLabel]:
    return list(RoleLabel.objects.filter(organisation=organisation).order_by("position", "name"))


def pending_invitations(*, organisation: Account) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            organisation=organisation, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )
