"""Write verbs for posts: publish a photo post from uploaded media, delete it."""

from django.db import transaction

from openhouse.accounts.models import Account
from openhouse.core.deferred import enqueue_after_commit
from openhouse.core.errors import Invalid, NotAllowed
from openhouse.core.text import clean_text
from openhouse.media.models import MediaItem
from openhouse.media.services import check_upload_count, clean_alt_text, delete_items_files
from openhouse.posts import captions
from openhouse.posts.models import CAPTION_MAX, HASHTAGS_MAX, MENTIONS_MAX, Hashtag, Post


def clean_caption(caption: str) -> tuple[str, list[str], list[str]]:
    """Return the cleaned caption and its hashtags and mentioned handles, or raise Invalid."""
    text = clean_text(caption, field="caption", label="The caption", limit=CAPTION_MAX, multiline=True)
    tags = captions.hashtags(text)
    if len(tags) > HASHTAGS_MAX:
        raise Invalid(
            f"A caption can have up to {HASHTAGS_MAX} hashtags; this one has {len(tags)}.", field="caption"
        )
    handles = captions.mentions(text)
    if len(handles) > MENTIONS_MAX:
        raise Invalid(
            f"A caption can mention up to {MENTIONS_MAX} accounts; this one mentions {len(handles)}.",
            field="caption",
        )
    return text, tags, handles


@transaction.atomic
def create_post(
    *, author: Account, media_ids: list[int], caption: str = "", alt_texts: list[str] | None = None
) -> Post:
    """Publish a post of 1-10 of the author's own unattached photos, in the order given.

    Photos of another account and unknown ids are refused with the same sentence. Alt texts, when given,
    replace the photos' own, position by position.
    """
    check_upload_count(len(media_ids))
    if len(set(media_ids)) != len(media_ids):
        raise Invalid("The same photo can't appear twice in a post.")
    text, tags, handles = clean_caption(caption)
    alts = [clean_alt_text(a) for a in alt_texts] if alt_texts is not None else None
    if alts is not None and len(alts) != len(media_ids):
        raise Invalid("Give one alt text per photo.")
    items = {
        m.pk: m
        for m in MediaItem.objects.select_for_update().filter(
            pk__in=media_ids, owner=author, post__isnull=True
        )
    }
    if len(items) != len(media_ids):
        raise Invalid("One of these photos isn't available any more. Upload it again.")
    post = Post.objects.create(author=author, caption=text)
    ordered = [items[pk] for pk in media_ids]
    for position, item in enumerate(ordered):
        item.post, item.position = post, position
        if alts is not None:
            item.alt_text = alts[position]
    MediaItem.objects.bulk_update(ordered, ["post", "position", "alt_text"])
    if tags:
        existing = set(Hashtag.objects.filter(name__in=tags).values_list("name", flat=True))
        Hashtag.objects.bulk_create(
            [Hashtag(name=t) for t in tags if t not in existing], ignore_conflicts=True
        )
        post.hashtags.set(Hashtag.objects.filter(name__in=tags))
    if handles:
        post.mentions.set(Account.objects.filter(handle__in=handles, is_active=True))
        enqueue_after_commit("openhouse.social.tasks.notify_caption_mentions", post_id=post.pk)
    enqueue_after_commit("openhouse.feeds.tasks.fan_out", post_id=post.pk)
    return post


@transaction.atomic
def delete_post(*, actor: Account, post: Post) -> None:
    """The author (or site staff) deletes a post; its photos' files leave storage once this commits."""
    if actor.pk != post.author_id and not actor.is_staff:
        raise NotAllowed("You can only delete your own posts.")
    items = list(post.media.all())
    post.delete()
    delete_items_files(items)
