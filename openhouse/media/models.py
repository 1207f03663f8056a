"""Cleaned photos, and the uploaded originals a draft keeps privately until it is published.

Only renditions re-encoded from pixels are ever served. An organisation's draft photo also keeps its
uploaded bytes (an Original) in the private "originals" storage, which no URL serves, so a reviewer can
read the pre-publication report and blur faces; the original is discarded at publication or deletion.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from openhouse.core.ids import new_id

ALT_TEXT_MAX = 1500


class MediaItem(models.Model):
    """A cleaned photo. It belongs to its uploader alone until a post attaches it."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    # Random, unguessable: the storage prefix and the public handle of the files.
    key = models.CharField(max_length=40, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads")
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="media"
    )
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    alt_text = models.CharField(max_length=ALT_TEXT_MAX, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Rendition name -> [width, height]; files are <prefix>/<name>.webp and .jpg.
    renditions = models.JSONField(default=dict)
    placeholder = models.TextField(blank=True, help_text="A tiny blurred image as a data: URI.")
    # A draft's photo (store_draft_photos): kept as long as the draft, withdrawn ones included, whatever its
    # age; the publishing flow removes it with the draft. Other unattached uploads are swept after a day.
    held = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="media_unique_position_in_post"),
            models.CheckConstraint(
                condition=models.Q(post__isnull=True, position__isnull=True)
                | models.Q(post__isnull=False, position__isnull=False),
                name="media_attached_has_position",
            ),
            models.CheckConstraint(condition=models.Q(position__lt=10), name="media_at_most_ten_per_post"),
        ]
        indexes = [models.Index(fields=["owner", "created_at"], name="media_owner_created")]

    def __str__(self) -> str:
        return f"photo {self.key}"

    @property
    def prefix(self) -> str:
        return storage_prefix("m", self.key)

    @property
    def portrait(self) -> bool:
        return self.height > self.width


def storage_prefix(kind: str, key: str) -> str:
    return f"{kind}/{key[:2]}/{key}"


BLUR_REGIONS_MAX = 20


class Original(models.Model):
    """The bytes of a draft photo as uploaded, kept privately, with its pre-publication report.

    `name` is a random key in the "originals" storage, unrelated to the photo's public key. When the photo
    is deleted the row stays with `item` empty until `services.discard_orphan_originals` removes the file
    and the row, so a file never outlives the last row that names it.
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    item = models.OneToOneField(
        MediaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="original"
    )
    name = models.CharField(max_length=80, unique=True, editable=False)
    # Upright size of the uploaded photo: blur regions and report face boxes use these pixels.
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # report.inspect_original's result, computed once from the uploaded bytes by a task after the upload
    # commits (services.inspect_original); `inspected_at` stays empty until then.
    report = models.JSONField(default=dict)
    inspected_at = models.DateTimeField(null=True, blank=True)
    # [{"x", "y", "w", "h"}, ...]: what the current renditions have blurred.
    blur_regions = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(width__gt=0, height__gt=0), name="original_has_a_size"),
        ]

    def __str__(self) -> str:
        return f"original of {self.item_id}"
