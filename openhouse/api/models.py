"""What the API adapter itself must remember: the scopes an OAuth app registered with, and read markers."""

from django.conf import settings
from django.db import models
from django.utils import timezone

SCOPES_MAX = 500
WEBSITE_MAX = 200


class AppRegistration(models.Model):
    """Mastodon's POST /api/v1/apps: the scopes an application may ever ask for, and its website."""

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="registration"
    )
    scopes = models.CharField(max_length=SCOPES_MAX, default="read")
    website = models.URLField(max_length=WEBSITE_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.application_id}: {self.scopes}"


class Marker(models.Model):
    """Where an account stopped reading a timeline (Mastodon's markers), kept for every app it uses."""

    class Timeline(models.TextChoices):
        HOME = "home", "Home"
        NOTIFICATIONS = "notifications", "Notifications"

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    timeline = models.CharField(max_length=16, choices=Timeline.choices)
    last_read_id = models.BigIntegerField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "timeline"], name="marker_once")]

    def __str__(self) -> str:
        return f"{self.account_id} read {self.timeline} up to {self.last_read_id}"
