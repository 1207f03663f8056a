"""Accounts (people and organisations), and the members who act for an organisation."""

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
