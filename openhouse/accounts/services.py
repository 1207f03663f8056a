"""Write verbs for accounts: signing up, editing a profile, verifying organisations, the gate before acting
for an organisation, and its team (invitations, roles, role labels). Two-factor set-up is in twofactor.py."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from openhouse.accounts.handles import normalise_handle
from openhouse.accounts.models import (
    BIO_MAX,
    DISPLAY_NAME_MAX,
    LINK_MAX,
    ROLE_LABEL_MAX,
    Account,
    Invitation,
    Membership,
    RoleLabel,
)
from openhouse.audit import services as audit
from openhouse.core import ratelimit
from openhouse.core.errors import Invalid, NotAllowed, NotFound, TwoFactorRequired
from openhouse.core.text import clean_text


def _clean_email(email: str) -> str:
    email = email.strip()
    try:
        EmailValidator()(email)
    except ValidationError:
        raise Invalid("Enter a valid e-mail address.", field="email") from None
    return email


def _clean_link(link: str) -> str:
    link = link.strip()
    if not link:
        return ""
    if len(link) > LINK_MAX:
        raise Invalid(f"The link is at most {LINK_MAX} characters.", field="link")
    try:
        URLValidator(schemes=["https", "http"])(link)
    except ValidationError:
        raise Invalid("Enter a full web address starting with https://.", field="link") from None
    return link


def handle_taken(handle: str) -> bool:
    return Account.objects.filter(handle=handle).exists()


@transaction.atomic
def sign_up(*, handle: str, email: str, password: str, display_name: str = "") -> Account:
    """Create a personal account. Raises Invalid naming the first field at fault; stores nothing then."""
    canonical = normalise_handle(handle)
    email = _clean_email(email)
    display_name = clean_text(display_name, field="display_name", label="Name", limit=DISPLAY_NAME_MAX)
    if handle_taken(canonical):
        raise Invalid(f"The handle '{canonical}' is taken.", field="handle")
    if Account.objects.filter(email__iexact=email).exists():
        raise Invalid("An account already uses this e-mail address.", field="email")
    account = Account(handle=canonical, email=email, display_name=display_name)
    try:
        validate_password(password, user=account)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), field="password") from None
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # a concurrent sign-up took the handle or e-mail between check and insert
        raise Invalid(f"The handle '{canonical}' or this e-mail address is taken.", field="handle") from None
    return account


@transaction.atomic
def update_profile(
    *, actor: Account, account: Account, display_name: str, bio: str, link: str, is_private: bool
) -> Account:
    """Edit the public profile. Only the account itself may; everything is validated before saving."""
    if actor.pk != account.pk:
        raise NotAllowed("You can only edit your own profile.")
    account.display_name = clean_text(
        display_name, field="display_name", label="Name", limit=DISPLAY_NAME_MAX
    )
    account.bio = clean_text(bio, field="bio", label="Bio", limit=BIO_MAX, multiline=True)
    account.link = _clean_link(link)
    account.is_private = is_private
    account.save(update_fields=["display_name", "bio", "link", "is_private"])
    return account


@transaction.atomic
def set_verified(*, actor: Account, organisation: Account, verified: bool) -> Account:
    """Site staff mark an organisation account verified (or not). Only organisations can carry the badge."""
    if not actor.is_staff:
        raise NotAllowed("Only site administrators verify organisations.")
    if verified and not organisation.is_organisation:
        raise Invalid(f"@{organisation.handle} is not an organisation account, so it can't be verified.")
    organisation.is_verified = verified
    organisation.save(update_fields=["is_verified"])
    return organisation


@transaction.atomic
def create_organisation(*, handle: str, display_name: str, bio: str = "", link: str = "") -> Account:
    """An organisation account: it has no password of its own; its team members act for it."""
    canonical = normalise_handle(handle)
    if handle_taken(canonical):
        raise Invalid(f"The handle '{canonical}' is taken.", field="handle")
    org = Account(
        handle=canonical,
        display_name=clean_text(display_name, field="display_name", label="Name", limit=DISPLAY_NAME_MAX),
        bio=clean_text(bio, field="bio", label="Bio", limit=BIO_MAX, multiline=True),
        link=_clean_link(link),
        is_organisation=True,
    )
    org.set_unusable_password()
    org.save()
    return org


def require_org_role(*, account: Account, organisation: Account, roles: tuple[str, ...]) -> None:
    """Raise NotAllowed unless `account` holds one of `roles` (Membership.Role values) in `organisation`
    and has confirmed a two-factor authenticator (TwoFactorRequired, a NotAllowed, otherwise).

    The one gate every adapter passes through before acting for an organisation. Outsiders get the same
    sentence as members lacking the role, so the answer reveals nothing about the team; only a member
    who holds the role learns that two-factor authentication is what they lack. Adapters with sessions
    also check that the session itself passed a code (web: `team_member_required`).
    """
    if not (account.is_authenticated and organisation.is_organisation):
        raise NotAllowed("Only the organisation's team can do that.")
    enrolled = TOTPDevice.objects.filter(user=OuterRef("member"), confirmed=True)
    holds = (
        Membership.objects.filter(organisation=organisation, member=account, role__in=roles)
        .annotate(enrolled=Exists(enrolled))
        .values_list("enrolled", flat=True)
        .first()
    )
    if holds is None:
        raise NotAllowed("Only the organisation's team can do that.")
    if not holds:
        raise TwoFactorRequired()


def has_two_factor(account: Account) -> bool:
    """True once the account has confirmed an authenticator app (recovery codes alone do not count)."""
    return TOTPDevice.objects.filter(user=account, confirmed=True).exists()


# The team: invitations, roles, members leaving, role labels. Only admins change the team (a member may
# leave it); every change is written to the organisation's audit log in the same transaction.

ADMIN_ONLY = (Membership.Role.ADMIN,)
MAX_PENDING_INVITATIONS = 50
ROLE_LABELS_MAX = 50
_ROLE_ORDER = {role: n for n, role in enumerate(Membership.Role.values)}
INVITATION_GONE = (
    "This invitation link has expired, was already used or was withdrawn. "
    "Ask the organisation's team for a new one."
)


def _clean_roles(roles: Iterable[str]) -> list[str]:
    chosen = set(roles)
    unknown = chosen - set(Membership.Role.values)
    if unknown:
        raise Invalid("Choose roles from admin, author and reviewer.", field="roles")
    if not chosen:
        raise Invalid("Choose at least one role.", field="roles")
    return sorted(chosen, key=_ROLE_ORDER.__getitem__)


def _lock_team(organisation: Account) -> None:
    """Serialise changes to one team (PostgreSQL row lock; SQLite's write lock does the same), so two
    admins demoting each other at once can't leave the organisation without one."""
    Account.objects.select_for_update().filter(pk=organisation.pk).first()


def _roles_held(organisation: Account, member: Account) -> list[str]:
    held = Membership.objects.filter(organisation=organisation, member=member).values_list("role", flat=True)
    return sorted(held, key=_ROLE_ORDER.__getitem__)


def _other_admins(organisation: Account, member: Account) -> bool:
    return (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
        .exclude(member=member)
        .exists()
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_invitation(*, organisation: Account, inviter: Account, email: str, token: str, hours: int) -> None:
    link = settings.SITE_URL + reverse("invitation", args=[token])
    send_mail(
        subject=f"Join {organisation.name}'s team on openhouse",
        message=(
            f"{organisation.name} (@{organisation.handle}) invites you to join its team on openhouse.\n\n"
            f"Log in with the account that uses this e-mail address, then open this link to accept:\n{link}\n\n"
            f"The link works once and for {hours} hours. If you didn't expect this, ignore this e-mail.\n"
        ),
        from_email=None,
        recipient_list=[email],
    )


@transaction.atomic
def invite(
    *, actor: Account, organisation: Account, roles: Iterable[str], email: str = ""
) -> tuple[Invitation, str]:
    """Invite someone to the team with `roles`. Returns the invitation and its raw token, which exists
    nowhere else: show it once (an invitation link) or, with `email`, it is also sent there after commit
    and only the account using that address can accept. Admins only; at most 50 pending at a time."""
    require_org_role(account=actor, organisation=organisation, roles=ADMIN_ONLY)
    ratelimit.hit("invite", str(actor.pk), limit=60, window=3600)
    chosen = _clean_roles(roles)
    email = _clean_email(email) if email.strip() else ""
    _lock_team(organisation)
    now = timezone.now()
    pending = Invitation.objects.filter(
        organisation=organisation, accepted_at=None, revoked_at=None, expires_at__gt=now
    ).count()
    if pending >= MAX_PENDING_INVITATIONS:
        raise Invalid(
            f"There are already {MAX_PENDING_INVITATIONS} invitations waiting. Withdraw some you no longer need."
        )
    token = secrets.token_urlsafe(32)
    hours = settings.INVITATION_MAX_AGE_HOURS
    invitation = Invitation.objects.create(
        organisation=organisation,
        invited_by=actor,
        email=email,
        roles=chosen,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    audit.record(
        organisation=organisation,
        actor=actor,
        action="team.invited",
        subject=f"invitation:{invitation.pk}",
        after={"roles": chosen, "email": email or None, "expires_at": invitation.expires_at.isoformat()},
    )
    if email:
        transaction.on_commit(
            partial(
                _send_invitation,
                organisation=organisation,
                inviter=actor,
                email=email,
                token=token,
                hours=hours,
            )
        )
    return invitation, token


@transaction.atomic
def revoke_invitation(*, actor: Account, invitation: Invitation) -> None:
    """Withdraw a pending invitation; its link stops working at once. Admins only."""
    organisation = invitation.organisation
    require_org_role(account=actor, organisation=organisation, roles=ADMIN_ONLY)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending():
        raise Invalid("This invitation was already used, withdrawn or has expired.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        organisation=organisation,
        actor=actor,
        action="team.invitation_revoked",
        subject=f"invitation:{invitation.pk}",
        before={"roles": invitation.roles, "email": invitation.email or None},
    )


@transaction.atomic
def accept_invitation(*, account: Account, token: str) -> Account:
    """The signed-in `account` takes up the invitation the token belongs to and holds its roles (added to
    any it already has). Returns the organisation. Unknown, expired, used and withdrawn tokens all give
    NotFound with one sentence; an e-mail invitation is only for the account using that address."""
    if not account.is_authenticated:
        raise NotAllowed("Log in to accept the invitation.")
    if len(token) > 100:
        raise NotFound(INVITATION_GONE)
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_pending():
        raise NotFound(INVITATION_GONE)
    if account.is_organisation:
        raise Invalid("An organisation account can't join a team; log in with your own account.")
    if invitation.email and invitation.email.lower() != account.email.lower():
        raise NotAllowed(
            "This invitation was sent to another e-mail address. Log in with the account that uses it."
        )
    organisation = invitation.organisation
    _lock_team(organisation)
    held = _roles_held(organisation, account)
    added = [role for role in invitation.roles if role not in held]
    Membership.objects.bulk_create(
        Membership(organisation=organisation, member=account, role=role) for role in added
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = account
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        organisation=organisation,
        actor=account,
        action="team.joined",
        subject=f"member:{account.handle}",
        before={"roles": held} if held else None,
        after={"roles": _roles_held(organisation, account), "invitation": invitation.pk},
    )
    return organisation


@transaction.atomic
def set_roles(*, actor: Account, organisation: Account, member: Account, roles: Iterable[str]) -> list[str]:
    """Give a member exactly `roles` (at least one; removing someone is `remove_member`). Admins only;
    the organisation's last admin keeps the admin role."""
    require_org_role(account=actor, organisation=organisation, roles=ADMIN_ONLY)
    chosen = _clean_roles(roles)
    _lock_team(organisation)
    held = _roles_held(organisation, member)
    if not held:
        raise NotFound(f"@{member.handle} is not on the team.")
    if chosen == held:
        return held
    if (
        Membership.Role.ADMIN in held
        and Membership.Role.ADMIN not in chosen
        and not _other_admins(organisation, member)
    ):
        raise Invalid(
            f"@{member.handle} is the organisation's only admin. Make someone else an admin first.",
            field="roles",
        )
    Membership.objects.filter(organisation=organisation, member=member).exclude(role__in=chosen).delete()
    Membership.objects.bulk_create(
        Membership(organisation=organisation, member=member, role=role) for role in chosen if role not in held
    )
    audit.record(
        organisation=organisation,
        actor=actor,
        action="team.roles_changed",
        subject=f"member:{member.handle}",
        before={"roles": held},
        after={"roles": chosen},
    )
    return chosen


@transaction.atomic
def remove_member(*, actor: Account, organisation: Account, member: Account) -> None:
    """Take every role away from `member`. Admins remove anyone; any member may leave. The last admin
    can't go (the team would have no one to manage it)."""
    roles = ADMIN_ONLY if actor.pk != member.pk else tuple(Membership.Role.values)
    require_org_role(account=actor, organisation=organisation, roles=roles)
    _lock_team(organisation)
    held = _roles_held(organisation, member)
    if not held:
        raise NotFound(f"@{member.handle} is not on the team.")
    if Membership.Role.ADMIN in held and not _other_admins(organisation, member):
        raise Invalid(f"@{member.handle} is the organisation's only admin. Make someone else an admin first.")
    Membership.objects.filter(organisation=organisation, member=member).delete()
    audit.record(
        organisation=organisation,
        actor=actor,
        action="team.member_left" if actor.pk == member.pk else "team.member_removed",
        subject=f"member:{member.handle}",
        before={"roles": held},
    )


@transaction.atomic
def appoint_first_admin(*, actor: Account, organisation: Account, member: Account) -> None:
    """Site staff make someone an organisation's admin (how a new organisation gets its first one)."""
    if not actor.is_staff:
        raise NotAllowed("Only site administrators appoint an organisation's admin.")
    if not organisation.is_organisation or member.is_organisation:
        raise Invalid("Choose an organisation and a person's account.")
    _lock_team(organisation)
    held = _roles_held(organisation, member)
    if Membership.Role.ADMIN in held:
        return
    Membership.objects.create(organisation=organisation, member=member, role=Membership.Role.ADMIN)
    audit.record(
        organisation=organisation,
        actor=actor,
        action="team.admin_appointed",
        subject=f"member:{member.handle}",
        before={"roles": held} if held else None,
        after={"roles": _roles_held(organisation, member)},
    )


def _clean_label(organisation: Account, name: str, *, exclude: int | None = None) -> str:
    name = " ".join(clean_text(name, field="name", label="A role label", limit=ROLE_LABEL_MAX).split())
    if not name:
        raise Invalid("Give the role label a name.", field="name")
    clash = RoleLabel.objects.filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise Invalid(f"There is already a role label called “{name}”.", field="name")
    return name


@transaction.atomic
def add_role_label(*, actor: Account, organisation: Account, name: str) -> RoleLabel:
    """A new public role label, last in the list. Admins only; up to 50 labels of 40 characters."""
    require_org_role(account=actor, organisation=organisation, roles=ADMIN_ONLY)
    _lock_team(organisation)
    name = _clean_label(organisation, name)
    labels = RoleLabel.objects.filter(organisation=organisation)
    if labels.count() >= ROLE_LABELS_MAX:
        raise Invalid(f"An organisation can have up to {ROLE_LABELS_MAX} role labels.", field="name")
    last = labels.order_by("-position").values_list("position", flat=True).first()
    label = RoleLabel.objects.create(organisation=organisation, name=name, position=(last or 0) + 1)
    audit.record(
        organisation=organisation,
        actor=actor,
        action="team.label_added",
        subject=f"role_label:{label.pk}",
        after={"name": name},
    )
    return label


@transaction.atomic
def rename_role_label(*, actor: Account, label: RoleLabel, name: str) -> RoleLabel:
    organisation = label.organisation
    require_org_role(account=actor, organisation=organisation, roles=ADMIN_ONLY)
    _lock_team(organisation)
    old = label.name
    label.name = _clean_label(organisation, name, exclude=label.pk)
    if label.name != old:
        label.save(update_fields=["name"])
        audit.record(
            organisation=organisation,
            actor=actor,
            action="team.label_renamed",
            subject=f"role_label:{label.pk}",
            before={"name": old},
            after={"name": label.name},
        )
    return label


@transaction.atomic
def move_role_label(*, actor: Account, label: RoleLabel, offset: int) -> None:
    """Move a label up (-1) or down (+1) in the organisation's list; positions are renumbered 1..n."""
    organisation = label.organisation
    require_org_role(account=actor, organisation=organisation, roles=ADMIN_ONLY)
    if offset not in (-1, 1):
        raise Invalid("A label moves one place up or down.")
    _lock_team(organisation)
    ordered = list(RoleLabel.objects.filter(organisation=organisation).order_by("position", "name", "pk"))
    before = [item.name for item in ordered]
    index = next(n for n, item in enumerate(ordered) if item.pk == label.pk)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    RoleLabel.objects.bulk_update(ordered, ["position"])
    audit.record(
        organisation=organisation,
        actor=actor,
        action="team.labels_reordered",
        subject=f"role_label:{label.pk}",
        before={"order": before},
        after={"order": [item.name for item in ordered]},
    )


@transaction.atomic
def delete_role_label(*, actor: Account, label: RoleLabel) -> None:
    organisation = label.organisation
    require_org_role(account=actor, organisation=organisation, roles=ADMIN_ONLY)
    _lock_team(organisation)
    audit.record(
        organisation=organisation,
        actor=actor,
        action="team.label_deleted",
        subject=f"role_label:{label.pk}",
        before={"name": label.name},
    )
    label.delete()
