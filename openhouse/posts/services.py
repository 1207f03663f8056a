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
    replace the photos' own, position by position. An organisation's posts never come this way: they are
    drafted, reviewed and published by openhouse.publishing, so every adapter that calls this (web, API,
    commands) is refused for an organisation author, site staff included.
    """
    if author.is_organisation:
        raise NotAllowed(
            "Posts of an organisation are published through its review: write a draft in the studio and "
            "a reviewer other than you approves it."
        )
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
    _attach_and_announce(post, [items[pk] for pk in media_ids], alts, tags, handles)
    return post


def _attach_and_announce(
    post: Post, ordered: list[MediaItem], alts: list[str] | None, tags: list[str], handles: list[str]
) -> None:
    """Attach the photos in order, store the hashtags and mentions, and enqueue fan-out and mention
    notifications for after commit. The caller has validated everything and holds the photos' row locks."""
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


@transaction.atomic
def _publish_for_organisation(
    *, organisation: Account, media_ids: list[int], caption: str, role_label: str
) -> Post:
    """Create an organisation's post from an approved draft's photos (owned by the organisation).

    Private to openhouse.publishing, whose caller guarantees: the draft is approved (or scheduled) and its
    approvals cover its current revision, by reviewers who did not write it; the caption, alt texts and
    role label were validated when the draft was saved. Nothing here records who wrote or approved the
    post: the post knows only the organisation and the label's text.
    """
    if not organisation.is_organisation:
        raise Invalid("Only an organisation's drafts are published this way.")
    text, tags, handles = clean_caption(caption)
    items = {
        m.pk: m
        for m in MediaItem.objects.select_for_update().filter(
            pk__in=media_ids, owner=organisation, post__isnull=True
        )
    }
    if not media_ids or len(items) != len(set(media_ids)):
        raise Invalid("One of this draft's photos isn't available any more. Upload it again.")
    post = Post.objects.create(author=organisation, caption=text, role_label=role_label)
    _attach_and_announce(post, [items[pk] for pk in media_ids], None, tags, handles)
    return post


@transaction.atomic
def delete_post(*, actor: Account, post: Post) -> None:
    """The author (or site staff) deletes a post; its photos' files leave storage once this commits."""
    if actor.pk != post.author_id and not actor.is_staff:
        raise NotAllowed("You can only delete your own posts.")
    items = list(post.media.all())
    post.delete()
    delete_items_files(items)
