"""Posts (a caption and 1-10 photos), and the hashtags and mentions their captions carry."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from openhouse.accounts.models import ROLE_LABEL_MAX
from openhouse.core.ids import new_id

CAPTION_MAX = 2200
HASHTAGS_MAX = 30
MENTIONS_MAX = 20
PHOTOS_MAX = 10


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


HIGHLIGHT_TITLE_MAX = 30
HIGHLIGHTS_MAX = 30
HIGHLIGHT_ITEMS_MAX = 100


class Highlight(models.Model):
    """A named, ordered collection shown as a circle under a profile's header ("From the archive")."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="highlights")
    title = models.CharField(max_length=HIGHLIGHT_TITLE_MAX)
    position = models.PositiveSmallIntegerField(default=0)
    # Storage key of the square cover renditions (openhouse.media.services.store_cover); empty: the first
    # item's photo, or the title's initial, stands in.
    cover_key = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "title"], name="highlight_unique_title"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("title"), HIGHLIGHT_TITLE_MAX), name="highlight_title_max"
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="highlight_has_title"),
        ]

    def __str__(self) -> str:
        return self.title


class HighlightItem(models.Model):
    """One entry of a highlight: a post or a Q&A session (stories later), exactly one of them."""

    highlight = models.ForeignKey(Highlight, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # By name: posts never imports openhouse.qa (the layers run the other way); qa pins its sessions here.
    qa_session = models.ForeignKey(
        "qa.QASession", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False, qa_session__isnull=True)
                | models.Q(post__isnull=True, qa_session__isnull=False),
                name="highlight_item_one_kind",
            ),
            models.UniqueConstraint(fields=["highlight", "post"], name="highlight_item_post_once"),
            models.UniqueConstraint(fields=["highlight", "qa_session"], name="highlight_item_qa_once"),
        ]

    def __str__(self) -> str:
        return f"item {self.pk} of {self.highlight_id}"
