"""Home feeds: fan-out on write for ordinary accounts, merge on read for accounts with huge followings.

A post by an account with at most FANOUT_MAX_FOLLOWERS followers is pushed into each follower's timeline
(store.py) by a task after commit. Posts of bigger accounts are never pushed (one post must not cause
millions of writes): each reader's feed merges them in by one indexed query. Every page is filtered
through posts.access and the reader's current follows, so unfollow, block and delete take effect at once.
"""

from django.conf import settings
from django.db.models import Q

from openhouse.accounts.models import Account, Follow
from openhouse.feeds import store
from openhouse.posts.access import followed_posts
from openhouse.posts.models import Post

BACKFILL = 20
FANOUT_BATCH = 5000


def _threshold() -> int:
    return settings.FANOUT_MAX_FOLLOWERS


def fan_out(*, post_id: int) -> int:
    """Push a new post into its author's and followers' timelines. Returns how many timelines got it."""
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None:
        return 0
    author = post.author
    store.add([author.pk], post_id=post.pk, author_id=author.pk)
    if author.followers_count > _threshold():
        return 1
    done, last = 1, 0
    while True:
        batch = list(
            Follow.objects.filter(followee=author, accepted=True, follower_id__gt=last)
            .order_by("follower_id")
            .values_list("follower_id", flat=True)[:FANOUT_BATCH]
        )
        if not batch:
            return done
        store.add(batch, post_id=post.pk, author_id=author.pk)
        done += len(batch)
        last = batch[-1]


def backfill(*, follower_id: int, followee_id: int) -> None:
    """After a follow, bring the followee's recent posts into the follower's timeline."""
    followee = Account.objects.filter(pk=followee_id).first()
    if followee is None or followee.followers_count > _threshold():
        return
    recent = list(
        Post.objects.filter(author_id=followee_id).order_by("-id").values_list("id", "author_id")[:BACKFILL]
    )
    store.add_many(follower_id, recent)
    store.trim(follower_id)


def forget(*, follower_id: int, followee_id: int) -> None:
    """After an unfollow or block, drop the followee's posts from the follower's stored timeline."""
    recent = list(
        Post.objects.filter(author_id=followee_id)
        .order_by("-id")
        .values_list("id", flat=True)[: store.TIMELINE_CAP]
    )
    store.remove(follower_id, recent)


def home_feed(*, viewer: Account, before: int | None = None, limit: int = 12) -> list[Post]:
    """The viewer's and followed accounts' posts, newest first, older than post id `before`.

    Query count is fixed: big followees, pushed ids (Redis or one query), posts with their authors.
    """
    big = list(
        Follow.objects.filter(
            follower=viewer, accepted=True, followee__followers_count__gt=_threshold()
        ).values_list("followee_id", flat=True)
    )
    pushed = store.page(viewer.pk, before=before, limit=limit)
    posts = followed_posts(viewer=viewer)
    if len(pushed) == limit:
        posts = posts.filter(Q(pk__in=pushed) | Q(author_id__in=big))
    # Otherwise we are past the capped timeline (or before any fan-out ran): read straight from the follows.
    if before is not None:
        posts = posts.filter(pk__lt=before)
    return list(posts.select_related("author").order_by("-id")[:limit])


def home_feed_after(
    *, viewer: Account, after: int, limit: int = 20, oldest_first: bool = False
) -> list[Post]:
    """Home-feed posts newer than post id `after` (Mastodon's since_id, or min_id with `oldest_first`:
    the ones just after it). Newest first either way; read from the follows, as past the stored timeline.
    """
    posts = followed_posts(viewer=viewer).filter(pk__gt=after).select_related("author")
    if oldest_first:
        return list(posts.order_by("id")[:limit])[::-1]
    return list(posts.order_by("-id")[:limit])
