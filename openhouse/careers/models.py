"""Careers and contact: job listings, and an organisation's profile settings for its action buttons
(Apply, Report something) and its colours (myth-busting cards)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from openhouse.core.ids import new_id

URL_MAX = 300
LISTING_TITLE_MAX = 100
LISTING_TEAM_MAX = 60
LISTING_REGION_MAX = 60
LISTING_SUMMARY_MAX = 600
LISTINGS_MAX = 50  # open listings per organisation
COLOUR_RE = r"^#[0-9a-f]{6}$"


class ProfileSettings(models.Model):
    """One row per organisation that set any of these; absent means no buttons and the default colours."""

    organisation = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="profile_settings",
        limit_choices_to={"is_organisation": True},
    )
    careers_url = models.URLField(max_length=URL_MAX, blank=True)
    secure_channel_url = models.URLField(max_length=URL_MAX, blank=True)
    # Card colours as lower-case #rrggbb.
    colour_background = models.CharField(max_length=7, default="#10223d")
    colour_text = models.CharField(max_length=7, default="#ffffff")
    colour_accent = models.CharField(max_length=7, default="#f2c14e")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "profile settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(careers_url="") | models.Q(careers_url__startswith="https://"),
                name="profile_settings_careers_https",
            ),
            models.CheckConstraint(
                condition=models.Q(secure_channel_url="")
                | models.Q(secure_channel_url__startswith="https://"),
                name="profile_settings_secure_https",
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{f}__regex": COLOUR_RE}), name=f"profile_settings_{f}"
                )
                for f in ("colour_background", "colour_text", "colour_accent")
            ],
        ]

    def __str__(self) -> str:
        return f"settings of {self.organisation_id}"


class JobListing(models.Model):
    """A vacancy shown on the Careers tab until the end of its closing date (UTC), then never again."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="job_listings",
        limit_choices_to={"is_organisation": True},
    )
    title = models.CharField(max_length=LISTING_TITLE_MAX)
    team = models.CharField(max_length=LISTING_TEAM_MAX)
    region = models.CharField(max_length=LISTING_REGION_MAX)
    closes_on = models.DateField()
    summary = models.TextField(max_length=LISTING_SUMMARY_MAX)
    apply_url = models.URLField(max_length=URL_MAX)
    # Not public: who posted it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organisation", "closes_on"], name="job_listing_open")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(apply_url__startswith="https://"), name="job_listing_apply_https"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("summary"), LISTING_SUMMARY_MAX),
                name="job_listing_summary_max",
            ),
        ]

    def __str__(self) -> str:
        return self.title
