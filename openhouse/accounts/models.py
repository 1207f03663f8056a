"""Accounts (people and organisations), and the members who act for an organisation."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

HANDLE_MAX = 30
DISPLAY_NAME_MAX = 64
BIO_MAX = 150
LINK_MAX = 200


class AccountManager(BaseUserManager["Account"]):
    def create_user(self, handle: str, email: str = "", password: str | None = None, **extra) -> "Account":
        account = self.model(handle=handle.lower(), email=self.normalize_email(email), **extra)
        account.set_password(password)
        account.save(using=self._db)
        return account

    def create_superuser(
        self, handle: str, email: str = "", password: str | None = None, **extra
    ) -> "Account":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(handle, email, password, **extra)


class Account(AbstractBaseUser, PermissionsMixin):
    """A person or an organisation. The handle is stored in lower case and is unique."""

    handle = models.CharField(max_length=HANDLE_MAX, unique=True)
    email = models.EmailField(max_length=254, blank=True)
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX, blank=True)
    bio = models.CharField(max_length=BIO_MAX, blank=True)
    link = models.URLField(max_length=LINK_MAX, blank=True)
    # Storage prefix of the cleaned avatar renditions (see openhouse.media); empty means no avatar.
    avatar_key = models.CharField(max_length=80, blank=True, editable=False)
    is_private = models.BooleanField(
        default=False, help_text="Only approved followers see a private account's posts."
    )
    is_organisation = models.BooleanField(default=False)
    is_verified = models.BooleanField(
        default=False, help_text="Verified organisations show a badge wherever their handle shows."
    )
    # Denormalised counts shown on the profile; social.services keeps them equal to the Follow rows.
    followers_count = models.PositiveIntegerField(default=0, editable=False)
    following_count = models.PositiveIntegerField(default=0, editable=False)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = AccountManager()

    USERNAME_FIELD = "handle"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(handle=Lower("handle")), name="account_handle_lowercase"
            ),
            models.CheckConstraint(
                condition=~models.Q(is_verified=True, is_organisation=False),
                name="account_only_organisations_verified",
            ),
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="account_email_unique_ci"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @property
    def name(self) -> str:
        return self.display_name or self.handle


class Membership(models.Model):
    """One role an account holds in an organisation; several roles are several rows."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        AUTHOR = "author", "Author"
        REVIEWER = "reviewer", "Reviewer"

    organisation = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="team", limit_choices_to={"is_organisation": True}
    )
    member = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"is_organisation": False},
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "member", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=~models.Q(organisation=models.F("member")), name="membership_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} is {self.get_role_display()} of {self.organisation}"


class Follow(models.Model):
    """`follower` follows `followee`. Requests to private accounts wait with accepted=False."""

    follower = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="following_links")
    followee = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="follower_links")
    accepted = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followee")), name="follow_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["followee", "accepted", "-id"], name="follow_followee_newest"),
            models.Index(fields=["follower", "accepted", "-id"], name="follow_follower_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.follower} follows {self.followee}" + ("" if self.accepted else " (requested)")


class Block(models.Model):
    """`blocker` blocked `blocked`: neither sees, follows or answers the other."""

    blocker = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} blocked {self.blocked}"


class Mute(models.Model):
    """`muter` no longer sees `muted` in feeds and notifications; `muted` is not told."""

    muter = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="mutes_made")
    muted = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="mutes_received")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_once"),
            models.CheckConstraint(condition=~models.Q(muter=models.F("muted")), name="mute_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.muter} muted {self.muted}"


ROLE_LABEL_MAX = 40


class RoleLabel(models.Model):
    """A public label an organisation's members may post under ("Surveillance officer"); the list is the
    organisation's own. The label is all the public learns about who wrote a post or answer."""

    organisation = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="role_labels",
        limit_choices_to={"is_organisation": True},
    )
    name = models.CharField(max_length=ROLE_LABEL_MAX)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="role_label_unique_name"),
            models.UniqueConstraint("organisation", Lower("name"), name="role_label_unique_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An offer to join an organisation's team with some roles, sent as a link (to anyone who holds it)
    or by e-mail (for the account using that address). Only a SHA-256 of the link's random token is
    stored; the link works once, until `expires_at`, unless revoked."""

    organisation = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="invitations",
        limit_choices_to={"is_organisation": True},
    )
    invited_by = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(max_length=254, blank=True)
    roles = models.JSONField(default=list)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked_not_both",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="invitation_org_newest")]

    def __str__(self) -> str:
        return f"invitation {self.pk} to {self.organisation}"

    def is_pending(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now

    @property
    def role_names(self) -> list[str]:
        return [Membership.Role(role).label for role in self.roles]
