"""Home timelines kept in the database when no Redis is configured (the embedded default)."""

from django.conf import settings
from django.db import models


class TimelineEntry(models.Model):
    """Post `post_id` is in `owner`'s home timeline. Capped per owner, like the Redis sorted sets."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "post"], name="timeline_once")]
        indexes = [
            models.Index(fields=["owner", "-post"], name="timeline_newest"),
            models.Index(fields=["owner", "author"], name="timeline_by_author"),
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} in {self.owner_id}'s timeline"
