"""Posts (a caption and 1-10 photos), and the hashtags and mentions their captions carry."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from openhouse.core.ids import new_id

CAPTION_MAX = 2200
HASHTAGS_MAX = 30
MENTIONS_MAX = 20
PHOTOS_MAX = 10
ROLE_LABEL_MAX = 40  # as accounts.RoleLabel.name


class Hashtag(models.Model):
    name = models.CharField(max_length=100, unique=True)  # lower case, without '#'

    def __str__(self) -> str:
        return f"#{self.name}"


class Post(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    caption = models.TextField(max_length=CAPTION_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="posts")
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")
    # Settled counts; recent likes and comments may still wait as CountDelta rows (see social.services).
    likes_count = models.PositiveIntegerField(default=0, editable=False)
    comments_count = models.PositiveIntegerField(default=0, editable=False)
    comments_enabled = models.BooleanField(default=True)
    # An organisation's post shows this label next to the organisation ("Surveillance officer"): a copy of
    # the role label chosen in review, taken at publication, so renaming a label later changes no post.
    # It is all the public learns about who wrote the post; the member stays in openhouse.publishing.
    role_label = models.CharField(max_length=ROLE_LABEL_MAX, blank=True)

    class Meta:
        indexes = [models.Index(fields=["author", "-id"], name="post_author_newest")]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("caption"), CAPTION_MAX), name="post_caption_max_length"
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.pk}"
