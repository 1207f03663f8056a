"""Write verbs for posts: publish a photo post from uploaded media, delete it; curate highlights."""

from django.db import transaction
from django.db.models import Max, QuerySet

from openhouse.accounts.models import Account, Membership
from openhouse.accounts.services import require_org_role
from openhouse.audit import services as audit
from openhouse.core.deferred import enqueue_after_commit
from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.core.text import clean_text
from openhouse.media.models import MediaItem
from openhouse.media.services import (
    UPLOADS,
    Upload,
    check_upload_count,
    clean_alt_text,
    delete_cover,
    delete_items_files,
    discard_cover,
    store_cover,
)
from openhouse.posts import captions
from openhouse.posts.models import (
    CAPTION_MAX,
    HASHTAGS_MAX,
    HIGHLIGHT_ITEMS_MAX,
    HIGHLIGHT_TITLE_MAX,
    HIGHLIGHTS_MAX,
    MENTIONS_MAX,
    Hashtag,
    Highlight,
    HighlightItem,
    Post,
)


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


# Who curates an organisation's highlights and moderates its posts' comments (delete, pin, switch off):
# the members who publish for it.
CURATOR_ROLES = (Membership.Role.ADMIN, Membership.Role.AUTHOR)
MODERATOR_ROLES = CURATOR_ROLES
# Who takes down an organisation's published post: its admins.
TAKEDOWN_ROLES = (Membership.Role.ADMIN,)


def acts_as_owner(*, actor: Account, post: Post, roles: tuple[str, ...], refusal: str) -> bool:
    """Check that `actor` may act as the owner of `post`: its author, or, for an organisation's post, a team
    member holding one of `roles` with two-factor authentication (require_org_role). Raises NotAllowed
    (`refusal`) otherwise. True when the actor acts for an organisation: the caller records it in the
    organisation's audit log, in the same transaction as the change.
    """
    if actor.is_authenticated and actor.pk == post.author_id:
        return False
    if post.author.is_organisation:
        require_org_role(account=actor, organisation=post.author, roles=roles)
        return True
    raise NotAllowed(refusal)


def record_owner_act(
    *, actor: Account, post: Post, action: str, before: dict, after: dict | None = None
) -> None:
    """Append a team member's act on an organisation's post (see acts_as_owner) to its audit log."""
    audit.record(
        organisation=post.author,
        actor=actor,
        action=action,
        subject=f"post:{post.pk}",
        before=before,
        after=after,
    )


@transaction.atomic
def delete_post(*, actor: Account, post: Post) -> None:
    """The author, an admin of the organisation that published it, or site staff delete a post; its
    photos' files leave storage once this commits. An organisation's takedown is audited."""
    for_organisation = False
    if not actor.is_staff:
        for_organisation = acts_as_owner(
            actor=actor, post=post, roles=TAKEDOWN_ROLES, refusal="You can only delete your own posts."
        )
    if for_organisation:
        before = {"caption": post.caption, "role_label": post.role_label}
        record_owner_act(actor=actor, post=post, action="post.deleted", before=before)
    items = list(post.media.all())
    post.delete()
    delete_items_files(items)


def require_curator(*, actor: Account, account: Account) -> None:
    """The account itself, or an admin or author of the organisation it is, may curate its highlights."""
    if actor.is_authenticated and actor.pk == account.pk:
        return
    if account.is_organisation:
        require_org_role(account=actor, organisation=account, roles=CURATOR_ROLES)
        return
    raise NotAllowed("You can only change your own highlights.")


def _clean_highlight_title(title: str) -> str:
    text = clean_text(title, field="title", label="A highlight's name", limit=HIGHLIGHT_TITLE_MAX)
    if not text:
        raise Invalid("Give the highlight a name.", field="title")
    return text


def _check_room(account: Account, title: str, existing: QuerySet | None = None) -> None:
    existing = Highlight.objects.filter(account=account) if existing is None else existing
    if existing.count() >= HIGHLIGHTS_MAX:
        raise Invalid(f"A profile holds up to {HIGHLIGHTS_MAX} highlights.", field="title")
    if existing.filter(title=title).exists():
        raise Invalid(f"There is already a highlight called '{title}'.", field="title")


def create_highlight(
    *, actor: Account, account: Account, title: str, cover: Upload | None = None
) -> Highlight:
    """A new highlight at the end of the account's row, with an optional square cover photo."""
    require_curator(actor=actor, account=account)
    text = _clean_highlight_title(title)
    _check_room(account, text)  # before the cover is decoded and stored; checked again under the lock
    if cover is not None:
        UPLOADS.hit(actor.pk)
    key = store_cover(upload=cover) if cover is not None else ""
    try:
        with transaction.atomic():
            existing = Highlight.objects.select_for_update().filter(account=account)
            _check_room(account, text, existing)
            last = existing.aggregate(m=Max("position"))["m"]
            return Highlight.objects.create(
                account=account, title=text, cover_key=key, position=0 if last is None else last + 1
            )
    except Exception:
        if key:
            discard_cover(key)
        raise


@transaction.atomic
def delete_highlight(*, actor: Account, highlight: Highlight) -> None:
    require_curator(actor=actor, account=highlight.account)
    delete_cover(highlight.cover_key)
    highlight.delete()


@transaction.atomic
def move_highlight(*, actor: Account, highlight: Highlight, offset: int) -> None:
    """Move one place earlier (-1) or later (+1) in the profile's row; positions are renumbered 0..n-1."""
    require_curator(actor=actor, account=highlight.account)
    row = list(Highlight.objects.select_for_update().filter(account_id=highlight.account_id))
    index = next(i for i, h in enumerate(row) if h.pk == highlight.pk)
    target = max(0, min(len(row) - 1, index + offset))
    row.insert(target, row.pop(index))
    for position, item in enumerate(row):
        item.position = position
    Highlight.objects.bulk_update(row, ["position"])


@transaction.atomic
def add_to_highlight(
    *, actor: Account, highlight: Highlight, post_id: int | None = None, qa_session_id: int | None = None
) -> HighlightItem:
    """Append a post of the highlight's own account, or a Q&A session (qa.services.pin_to_highlight checks
    the session belongs to the account and has closed; call it, not this, for sessions)."""
    account = highlight.account
    require_curator(actor=actor, account=account)
    if (post_id is None) == (qa_session_id is None):
        raise Invalid("Choose one post or one Q&A to add.")
    highlight = Highlight.objects.select_for_update().get(pk=highlight.pk)
    items = HighlightItem.objects.filter(highlight=highlight)
    if post_id is not None:
        if not Post.objects.filter(pk=post_id, author=account).exists():
            raise NotFound("That post isn't available.")
        if items.filter(post_id=post_id).exists():
            raise Invalid(f"This post is already in '{highlight.title}'.")
    elif items.filter(qa_session_id=qa_session_id).exists():
        raise Invalid(f"This Q&A is already in '{highlight.title}'.")
    if items.count() >= HIGHLIGHT_ITEMS_MAX:
        raise Invalid(f"A highlight holds up to {HIGHLIGHT_ITEMS_MAX} items.")
    last = items.aggregate(m=Max("position"))["m"]
    return HighlightItem.objects.create(
        highlight=highlight,
        post_id=post_id,
        qa_session_id=qa_session_id,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def remove_from_highlight(*, actor: Account, item: HighlightItem) -> None:
    require_curator(actor=actor, account=item.highlight.account)
    item.delete()
