"""Likes, comments and notifications, and the insert-only tallies that keep hot counters cheap."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from openhouse.core.ids import new_id

COMMENT_MAX = 2200
PINNED_MAX = 3


class Like(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="likes")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "account"], name="like_once")]
        indexes = [models.Index(fields=["post", "-id"], name="like_post_newest")]

    def __str__(self) -> str:
        return f"{self.account} likes {self.post}"


class Comment(models.Model):
    """A comment on a post, or a reply to one (replies are one level deep)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=COMMENT_MAX)
    pinned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), COMMENT_MAX), name="comment_body_max_length"
            ),
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="comment_not_own_parent"),
        ]
        indexes = [
            models.Index(fields=["post", "parent", "id"], name="comment_thread_order"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.post_id}"


class CountDelta(models.Model):
    """A change to a post's likes or comments count, waiting to be folded into the post row.

    Thousands of people liking one post at once each insert a row here instead of all updating the same
    post row (a row lock and a commit flush each, about 3,500 a second on PostgreSQL whatever the number of
    clients). Shown counts add the pending deltas, so they are exact before and after folding.
    """

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    likes = models.SmallIntegerField(default=0)
    comments = models.SmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["post"], name="countdelta_post")]

    def __str__(self) -> str:
        return f"post {self.post_id}: likes {self.likes:+d}, comments {self.comments:+d}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", "liked your post"
        COMMENT = "comment", "commented on your post"
        REPLY = "reply", "replied to your comment"
        FOLLOW = "follow", "started following you"
        FOLLOW_REQUEST = "follow_request", "asked to follow you"
        MENTION = "mention", "mentioned you"

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_newest"),
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_kind_display()} ({self.recipient})"
