"""Write verbs between people: follow, block, mute, like, comment, and the notifications they send.

Counters people see (followers, likes, comments) change in the same transaction as the rows behind them,
so they always equal the truth; likes and comments go through insert-only CountDelta rows (see the model).
Those are folded into the post row at most once per FOLD_EVERY_S per post (a burst of likes on one post
updates its row about once a second, not once per like), and shown counts add what is still pending.
"""

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from openhouse.accounts.models import Account, Block, Follow, Mute
from openhouse.core.deferred import enqueue_after_commit
from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.core.ids import new_id
from openhouse.core.ratelimit import Limit
from openhouse.core.text import clean_text
from openhouse.posts import captions
from openhouse.posts import services as posts
from openhouse.posts.access import blocked_between, can_see_posts_of, viewable_post
from openhouse.posts.models import Post
from openhouse.social.models import COMMENT_MAX, PINNED_MAX, Comment, CountDelta, Like, Notification

Kind = Notification.Kind

#: Seconds between two folds of one post's pending count deltas into its row.
FOLD_EVERY_S = 1
#: A page that shows a post with at least this many pending deltas asks for a fold (see pending_counts).
FOLD_PENDING_MAX = 100

#: Per-account limits on the verbs below, whichever adapter they come through.
LIKES = Limit("like", limit=600, window=3600)  # likes and unlikes
COMMENTS = Limit("comment", limit=60, window=600)
RELATIONSHIPS = Limit(
    "relationship", limit=200, window=3600
)  # follow, unfollow, block, unblock, mute, unmute


def _notify(*, recipient_id: int, actor: Account, kind: str, post: Post | None = None, comment=None) -> None:
    """Record a notification unless it would reach oneself or someone who muted the actor.

    One statement (an INSERT ... SELECT guarded by NOT EXISTS on the mute) instead of a check and an
    insert: a like on a hot post runs this once per like.
    """
    if recipient_id == actor.pk:
        return
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO social_notification "
            "(id, recipient_id, actor_id, kind, post_id, comment_id, read_at, created_at) "
            "SELECT %s, %s, %s, %s, %s, %s, NULL, %s WHERE NOT EXISTS "
            "(SELECT 1 FROM accounts_mute WHERE muter_id = %s AND muted_id = %s)",
            [
                new_id(),
                recipient_id,
                actor.pk,
                kind,
                post.pk if post is not None else None,
                comment.pk if comment is not None else None,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                recipient_id,
                actor.pk,
            ],
        )


def _adjust_follow_counts(*, follower_id: int, followee_id: int, by: int) -> None:
    Account.objects.filter(pk=followee_id).update(followers_count=F("followers_count") + by)
    Account.objects.filter(pk=follower_id).update(following_count=F("following_count") + by)


# Follows --------------------------------------------------------------------------------------------------


@transaction.atomic
def follow(*, actor: Account, target: Account) -> Follow:
    """Follow `target`, or ask to when it is private. Following twice changes nothing."""
    RELATIONSHIPS.hit(actor.pk)
    if actor.pk == target.pk:
        raise Invalid("You can't follow yourself.")
    if not target.is_active or blocked_between(actor.pk, target.pk):
        raise NotFound()
    existing = Follow.objects.filter(follower=actor, followee=target).first()
    if existing is not None:
        return existing
    link = Follow(follower=actor, followee=target, accepted=not target.is_private)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:  # a concurrent identical request won
        return Follow.objects.get(follower=actor, followee=target)
    if link.accepted:
        _adjust_follow_counts(follower_id=actor.pk, followee_id=target.pk, by=1)
        enqueue_after_commit("openhouse.feeds.tasks.backfill", follower_id=actor.pk, followee_id=target.pk)
    _notify(recipient_id=target.pk, actor=actor, kind=Kind.FOLLOW if link.accepted else Kind.FOLLOW_REQUEST)
    return link


def _remove_follow(link: Follow) -> None:
    link.delete()
    if link.accepted:
        _adjust_follow_counts(follower_id=link.follower_id, followee_id=link.followee_id, by=-1)
        enqueue_after_commit(
            "openhouse.feeds.tasks.forget", follower_id=link.follower_id, followee_id=link.followee_id
        )


@transaction.atomic
def unfollow(*, actor: Account, target: Account) -> None:
    """Stop following (or withdraw a request). Their posts leave the home feed at once."""
    RELATIONSHIPS.hit(actor.pk)
    link = Follow.objects.select_for_update().filter(follower=actor, followee=target).first()
    if link is not None:
        _remove_follow(link)


@transaction.atomic
def answer_follow_request(*, actor: Account, requester: Account, approve: bool) -> None:
    """The private account approves or declines a pending request."""
    link = (
        Follow.objects.select_for_update().filter(follower=requester, followee=actor, accepted=False).first()
    )
    if link is None:
        raise NotFound("That request isn't waiting any more.")
    if not approve:
        link.delete()
        return
    link.accepted = True
    link.save(update_fields=["accepted"])
    _adjust_follow_counts(follower_id=requester.pk, followee_id=actor.pk, by=1)
    enqueue_after_commit("openhouse.feeds.tasks.backfill", follower_id=requester.pk, followee_id=actor.pk)
    Notification.objects.filter(recipient=actor, actor=requester, kind=Kind.FOLLOW_REQUEST).delete()
    _notify(recipient_id=actor.pk, actor=requester, kind=Kind.FOLLOW)


# Blocks and mutes -------------------------------------------------------------------------------------------


@transaction.atomic
def block(*, actor: Account, target: Account) -> None:
    """Block `target`: follows both ways end, and neither sees, follows, likes or answers the other."""
    RELATIONSHIPS.hit(actor.pk)
    if actor.pk == target.pk:
        raise Invalid("You can't block yourself.")
    Block.objects.get_or_create(blocker=actor, blocked=target)
    for link in Follow.objects.select_for_update().filter(
        Q(follower=actor, followee=target) | Q(follower=target, followee=actor)
    ):
        _remove_follow(link)


@transaction.atomic
def unblock(*, actor: Account, target: Account) -> None:
    RELATIONSHIPS.hit(actor.pk)
    Block.objects.filter(blocker=actor, blocked=target).delete()


@transaction.atomic
def mute(*, actor: Account, target: Account) -> None:
    RELATIONSHIPS.hit(actor.pk)
    if actor.pk == target.pk:
        raise Invalid("You can't mute yourself.")
    Mute.objects.get_or_create(muter=actor, muted=target)


@transaction.atomic
def unmute(*, actor: Account, target: Account) -> None:
    RELATIONSHIPS.hit(actor.pk)
    Mute.objects.filter(muter=actor, muted=target).delete()


# Likes ---------------------------------------------------------------------------------------------------


def _tally(post_id: int, *, likes: int = 0, comments: int = 0) -> None:
    CountDelta.objects.create(post_id=post_id, likes=likes, comments=comments)
    fold_soon(post_id)


def fold_soon(post_id: int) -> None:
    """Fold the post's pending deltas after this commit, unless a fold of it was asked for in the last
    FOLD_EVERY_S. What a skipped fold leaves pending stays counted (shown counts add it) and is folded by
    the next one, by a page that shows the post once FOLD_PENDING_MAX are pending, or by the sweeper
    (`openhouse manage fold_counts`, or the fold_all_counts task).
    """
    if cache.add(f"fold:{post_id}", 1, timeout=FOLD_EVERY_S):
        enqueue_after_commit("openhouse.social.tasks.fold_counts", post_id=post_id)


def _insert_like(*, post_id: int, account_id: int) -> bool:
    """Insert the like unless it exists (the like_once constraint); True when a row was inserted.

    ON CONFLICT DO NOTHING (PostgreSQL and SQLite alike) costs one statement, where catching the
    IntegrityError needs a savepoint around the INSERT: three round trips on every like.
    """
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO social_like (id, post_id, account_id, created_at) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [new_id(), post_id, account_id, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        return cur.rowcount == 1


@transaction.atomic
def like_post(*, actor: Account, post_id: int | str) -> bool:
    """Like a post the actor can see. Returns False when it was already liked (nothing changes).

    Four statements in one transaction: the visibility check, the like, its count delta, the notification.
    """
    LIKES.hit(actor.pk)
    post = viewable_post(viewer=actor, post_id=post_id)
    if not _insert_like(post_id=post.pk, account_id=actor.pk):
        return False
    _tally(post.pk, likes=1)
    _notify(recipient_id=post.author_id, actor=actor, kind=Kind.LIKE, post=post)
    return True


@transaction.atomic
def unlike_post(*, actor: Account, post_id: int | str) -> bool:
    LIKES.hit(actor.pk)
    post = viewable_post(viewer=actor, post_id=post_id)
    deleted, _ = Like.objects.filter(post=post, account=actor).delete()
    if deleted:
        _tally(post.pk, likes=-1)
        Notification.objects.filter(
            recipient_id=post.author_id, actor=actor, kind=Kind.LIKE, post=post
        ).delete()
    return bool(deleted)


def fold_counts(*, post_id: int) -> None:
    """Move pending deltas of one post into its row. Safe to run concurrently and repeatedly."""
    with transaction.atomic():
        rows = list(
            CountDelta.objects.select_for_update(skip_locked=True)
            .filter(post_id=post_id)
            .values_list("pk", "likes", "comments")[:10_000]
        )
        if not rows:
            return
        likes = sum(r[1] for r in rows)
        comments = sum(r[2] for r in rows)
        Post.objects.filter(pk=post_id).update(
            likes_count=F("likes_count") + likes, comments_count=F("comments_count") + comments
        )
        CountDelta.objects.filter(pk__in=[r[0] for r in rows]).delete()


def fold_all_counts() -> int:
    """The sweeper: fold every post with pending deltas. Returns how many posts it folded."""
    post_ids = list(CountDelta.objects.values_list("post_id", flat=True).distinct()[:1000])
    for post_id in post_ids:
        fold_counts(post_id=post_id)
    return len(post_ids)


def pending_counts(post_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Deltas not yet folded, by post: (likes, comments). One query for a whole page of posts.

    A post with FOLD_PENDING_MAX or more pending deltas gets a fold (at most one per FOLD_EVERY_S), so
    what a burst leaves behind is folded by the pages that show the post, and reads stay cheap.
    """
    rows = (
        CountDelta.objects.filter(post_id__in=post_ids)
        .values("post_id")
        .annotate(likes=Sum("likes"), comments=Sum("comments"), n=Count("pk"))
    )
    out = {}
    for r in rows:
        out[r["post_id"]] = (r["likes"], r["comments"])
        if r["n"] >= FOLD_PENDING_MAX:
            fold_soon(r["post_id"])
    return out


# Comments ------------------------------------------------------------------------------------------------


@transaction.atomic
def add_comment(*, actor: Account, post_id: int | str, body: str, parent_id: int | None = None) -> Comment:
    """Comment on a visible post, or reply to one of its top-level comments."""
    COMMENTS.hit(actor.pk)
    post = viewable_post(viewer=actor, post_id=post_id)
    if not post.comments_enabled:
        raise NotAllowed("Comments are turned off for this post.")
    text = clean_text(body, field="body", label="A comment", limit=COMMENT_MAX, multiline=True)
    if not text:
        raise Invalid("Write something first.", field="body")
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, post=post).first()
        if parent is None:
            raise NotFound("That comment isn't there any more.")
        answered = parent
        parent = parent.parent or parent  # replies are one level deep: answer the thread
        # Neither the comment answered nor the thread's first may be of someone blocked either way.
        if any(blocked_between(actor.pk, c.author_id) for c in {answered, parent}):
            raise NotFound("That comment isn't there any more.")
    comment = Comment.objects.create(post=post, author=actor, parent=parent, body=text)
    _tally(post.pk, comments=1)
    _notify(recipient_id=post.author_id, actor=actor, kind=Kind.COMMENT, post=post, comment=comment)
    if parent is not None and parent.author_id != post.author_id:
        _notify(recipient_id=parent.author_id, actor=actor, kind=Kind.REPLY, post=post, comment=comment)
    handles = captions.mentions(text)[:20]
    for mentioned in Account.objects.filter(handle__in=handles, is_active=True).exclude(
        pk__in=[post.author_id, parent.author_id if parent else 0]
    ):
        if can_see_posts_of(viewer=mentioned, account=post.author):  # as notify_caption_mentions does
            _notify(recipient_id=mentioned.pk, actor=actor, kind=Kind.MENTION, post=post, comment=comment)
    return comment


def _moderates(actor: Account, post: Post, refusal: str) -> bool:
    """The post's owner, or a moderator of the organisation that published it (True: to be audited)."""
    return posts.acts_as_owner(actor=actor, post=post, roles=posts.MODERATOR_ROLES, refusal=refusal)


@transaction.atomic
def delete_comment(*, actor: Account, comment: Comment) -> None:
    """The comment's author or the post's owner (for an organisation: its moderators) deletes it, with
    its replies."""
    post = comment.post
    for_organisation = actor.pk != comment.author_id and _moderates(
        actor, post, "You can only delete your own comments, or comments on your posts."
    )
    removed = 1 + comment.replies.count()
    if for_organisation:
        before = {
            "comment": comment.pk,
            "by": comment.author.handle,
            "body": comment.body,
            "removed": removed,
        }
        posts.record_owner_act(actor=actor, post=post, action="comment.deleted", before=before)
    comment.delete()
    _tally(comment.post_id, comments=-removed)


@transaction.atomic
def set_pinned(*, actor: Account, comment: Comment, pinned: bool) -> None:
    """The post's owner (for an organisation: its moderators) pins up to three top-level comments."""
    if _moderates(actor, comment.post, "Only the post's owner pins comments."):
        before = {"comment": comment.pk, "pinned": comment.pinned_at is not None}
        posts.record_owner_act(
            actor=actor, post=comment.post, action="comment.pinned", before=before, after={"pinned": pinned}
        )
    if comment.parent_id is not None:
        raise Invalid("Replies can't be pinned; pin the comment they answer.")
    if pinned and comment.pinned_at is None:
        Post.objects.select_for_update().filter(pk=comment.post_id).first()  # serialise pinning per post
        if Comment.objects.filter(post_id=comment.post_id, pinned_at__isnull=False).count() >= PINNED_MAX:
            raise Invalid(f"Up to {PINNED_MAX} comments can be pinned. Unpin one first.")
        comment.pinned_at = timezone.now()
    elif not pinned:
        comment.pinned_at = None
    comment.save(update_fields=["pinned_at"])


@transaction.atomic
def set_comments_enabled(*, actor: Account, post: Post, enabled: bool) -> None:
    """The post's owner (for an organisation: its moderators) turns comments on or off."""
    if _moderates(actor, post, "Only the post's owner can turn comments on or off."):
        before = {"comments_enabled": post.comments_enabled}
        posts.record_owner_act(
            actor=actor,
            post=post,
            action="post.comments_switched",
            before=before,
            after={"comments_enabled": enabled},
        )
    post.comments_enabled = enabled
    post.save(update_fields=["comments_enabled"])


# Notifications -------------------------------------------------------------------------------------------


def notify_caption_mentions(*, post_id: int) -> int:
    """Tell the accounts a new post's caption mentions (those who can see it). Returns how many."""
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None:
        return 0
    told = 0
    for mentioned in post.mentions.filter(is_active=True).exclude(pk=post.author_id):
        try:
            viewable_post(viewer=mentioned, post_id=post.pk)
        except NotFound:
            continue  # a private post mentioning a non-follower, or a block: they are not told
        if not Notification.objects.filter(
            recipient=mentioned, kind=Kind.MENTION, post=post, comment=None
        ).exists():
            _notify(recipient_id=mentioned.pk, actor=post.author, kind=Kind.MENTION, post=post)
            told += 1
    return told


@transaction.atomic
def mark_notifications_read(*, actor: Account) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def dismiss_notification(*, actor: Account, notification_id: int) -> None:
    """Remove one of the actor's notifications. Another account's, or an unknown id, is NotFound."""
    deleted, _ = Notification.objects.filter(pk=notification_id, recipient=actor).delete()
    if not deleted:
        raise NotFound()


@transaction.atomic
def clear_notifications(*, actor: Account) -> int:
    """Remove all of the actor's notifications. Returns how many there were."""
    deleted, _ = Notification.objects.filter(recipient=actor).delete()
    return deleted
