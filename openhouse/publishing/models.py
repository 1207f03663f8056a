"""Organisation publishing: drafts, their reviews, the organisation's watch list and review settings.

Who wrote, edited and reviewed a draft lives only in these tables and in the audit log; the published Post
knows the organisation and the role label's text, nothing more.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from openhouse.accounts.models import ROLE_LABEL_MAX
from openhouse.core.ids import new_id
from openhouse.posts.models import CAPTION_MAX

REASONS_MAX = 1000
WATCH_PATTERN_MAX = 100
WATCH_ENTRIES_MAX = 500
APPROVALS_MAX = 5


class ReviewSettings(models.Model):
    """An organisation's review rules. Without a row, one approval is required."""

    organisation = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="review_settings"
    )
    required_approvals = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(required_approvals__gte=1, required_approvals__lte=APPROVALS_MAX),
                name="review_settings_approvals_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.required_approvals} approval(s) for {self.organisation_id}"


class Draft(models.Model):
    """A post an organisation's team prepares. `status` changes only in services._transition."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "In review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Changes requested"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts", editable=False
    )
    caption = models.TextField(max_length=CAPTION_MAX, blank=True)
    role_label = models.ForeignKey(
        "accounts.RoleLabel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The label's text as the current revision was saved: what reviewers approve and what is published,
    # even if an admin renames or deletes the label meanwhile.
    role_label_text = models.CharField(max_length=ROLE_LABEL_MAX, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every edit; approvals count only for the revision they were given to.
    revision = models.PositiveIntegerField(default=1)
    publish_at = models.DateTimeField(null=True, blank=True)
    post = models.OneToOneField(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Every account that wrote any revision: none of them may approve it (two-person rule).
    writer_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "status", "-updated_at"], name="draft_org_status"),
            models.Index(
                fields=["publish_at"], condition=models.Q(status="scheduled"), name="draft_scheduled_due"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("caption"), CAPTION_MAX), name="draft_caption_max_length"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(publish_at__isnull=False),
                name="draft_scheduled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"draft {self.pk} ({self.status})"

    @property
    def editable(self) -> bool:
        return self.status not in (self.Status.PUBLISHED, self.Status.WITHDRAWN)


class DraftPhoto(models.Model):
    """A photo of a draft, in carousel order. The MediaItem is the organisation's, unattached until
    publication attaches it to the post."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="photos")
    media = models.OneToOneField("media.MediaItem", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "position"], name="draft_photo_unique_position"),
            models.CheckConstraint(condition=models.Q(position__lt=10), name="draft_photo_at_most_ten"),
        ]

    def __str__(self) -> str:
        return f"photo {self.position + 1} of {self.draft_id}"


class Review(models.Model):
    """One reviewer's verdict on one revision of a draft."""

    class Verdict(models.TextChoices):
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Changes requested"

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="reviews")
    revision = models.PositiveIntegerField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    reasons = models.TextField(max_length=REASONS_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "revision", "reviewer"], name="review_once_per_revision"
            ),
            models.CheckConstraint(
                condition=~models.Q(verdict="reject") | ~models.Q(reasons=""),
                name="review_reject_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verdict} of {self.draft_id} r{self.revision}"


class WatchEntry(models.Model):
    """A word, phrase or regular expression the organisation wants flagged in drafts before they go out."""

    organisation = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_entries"
    )
    pattern = models.CharField(max_length=WATCH_PATTERN_MAX)
    is_regex = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pattern"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "pattern", "is_regex"], name="watch_entry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"/{self.pattern}/" if self.is_regex else self.pattern
