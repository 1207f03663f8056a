"""Cleaned photos. Only renditions re-encoded from pixels are stored; the uploaded bytes never are."""

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
