"""Reads for social pages, each a fixed number of queries whatever the number of items."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from openhouse.accounts.models import Account, Block, Follow, Mute
from openhouse.core.errors import NotFound
from openhouse.core.ids import parse_id
from openhouse.posts.access import Viewer, viewable_post, viewable_posts
from openhouse.posts.models import Post
from openhouse.social.models import Comment, CountDelta, Like, Notification
from openhouse.social.services import pending_counts

PAGE = 50


@dataclass(frozen=True)
class PostStats:
    likes: int
    comments: int
    liked: bool


def post_stats(*, viewer: Viewer, posts: list[Post]) -> dict[int, PostStats]:
    """Exact counts (settled plus pending) and whether the viewer liked each post: two queries."""
    ids = [p.pk for p in posts]
    pending = pending_counts(ids)
    liked: set[int] = set()
    if viewer.is_authenticated and ids:
        liked = set(
            Like.objects.filter(account_id=viewer.pk, post_id__in=ids).values_list("post_id", flat=True)
        )
    out = {}
    for p in posts:
        dl, dc = pending.get(p.pk, (0, 0))
        out[p.pk] = PostStats(likes=p.likes_count + dl, comments=p.comments_count + dc, liked=p.pk in liked)
    return out


def one_post_stats(*, viewer: Account, post_id: int | str, seen: bool = False) -> PostStats:
    """post_stats of one post the viewer can see, in one query (two for a private author's post), from
    one snapshot of the row and its pending deltas: the answer to a like or an unlike.

    `seen`: the caller has just had a service check, in this request, that the viewer can see the post
    (like_post does), so the check's subqueries are not built and run a second time (~3 ms here).
    """

    def pending(field: str) -> Coalesce:
        deltas = CountDelta.objects.filter(post_id=OuterRef("pk")).order_by().values("post_id")
        return Coalesce(Subquery(deltas.annotate(total=Sum(field)).values("total")), 0)

    counts = {
        "shown_likes": F("likes_count") + pending("likes"),
        "shown_comments": F("comments_count") + pending("comments"),
        "viewer_liked": Exists(Like.objects.filter(post_id=OuterRef("pk"), account_id=viewer.pk)),
    }
    if seen:
        pk = parse_id(post_id)
        post = Post.objects.filter(pk=pk).annotate(**counts).first() if pk is not None else None
        if post is None:
            raise NotFound()
    else:
        post = viewable_post(viewer=viewer, post_id=post_id, annotate=counts)
    shown: Any = post  # carries the annotations above, which the model's type does not declare
    return PostStats(likes=shown.shown_likes, comments=shown.shown_comments, liked=bool(shown.viewer_liked))


def _shown_to(viewer: Viewer, field: str) -> Q:
    """For a query on rows naming an account in `field` (a follower, a liker, a comment's author, a
    notification's actor): that account is active and, for a signed-in viewer, neither blocked by them
    nor blocking them. Anonymous viewers see every active account. The one rule of which people's names
    and words a viewer is shown.

    Two NOT IN subqueries on the viewer's own blocks (indexed by blocker and by blocked), so a page of any
    length is still one query and the accounts table is never scanned.
    """
    shown = Q(**{f"{field}__is_active": True})
    if viewer.is_authenticated:
        blocked = Block.objects.filter(blocker_id=viewer.pk).values("blocked_id")
        blockers = Block.objects.filter(blocked_id=viewer.pk).values("blocker_id")
        shown &= ~Q(**{f"{field}__in": blocked}) & ~Q(**{f"{field}__in": blockers})
    return shown


def comments_for(*, viewer: Viewer, post: Post) -> list[Comment]:
    """Top-level comments, pinned first then oldest first, each with its replies: two queries."""
    shown = _shown_to(viewer, "author")
    replies = Comment.objects.filter(shown).select_related("author").order_by("id")
    return list(
        Comment.objects.filter(shown, post=post, parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by(F("pinned_at").asc(nulls_last=True), "id")[:PAGE]
    )


def liked_by(*, viewer: Viewer, post: Post) -> list[Account]:
    """The first page of like_links, as accounts: one query."""
    return [like.account for like in like_links(viewer=viewer, post=post).order_by("-id")[:PAGE]]


def followers(*, viewer: Viewer, account: Account) -> list[Account]:
    """The first page of follower_links, as accounts: one query."""
    return [link.follower for link in follower_links(viewer=viewer, account=account).order_by("-id")[:PAGE]]


def following(*, viewer: Viewer, account: Account) -> list[Account]:
    """The first page of following_links, as accounts: one query."""
    return [link.followee for link in following_links(viewer=viewer, account=account).order_by("-id")[:PAGE]]


def follow_requests(*, account: Account) -> list[Account]:
    links = Follow.objects.filter(followee=account, accepted=False).select_related("follower").order_by("-id")
    return [link.follower for link in links[:PAGE]]


@dataclass(frozen=True)
class Relationship:
    following: bool
    requested: bool
    followed_by: bool
    blocking: bool
    muting: bool
    requested_by: bool = False  # `account` asked to follow the viewer and waits


def relationship(*, viewer: Account, account: Account) -> Relationship:
    return relationships(viewer=viewer, accounts=[account])[account.pk]


def relationships(*, viewer: Account, accounts: list[Account]) -> dict[int, Relationship]:
    """The viewer's relationship with each account, by id: three queries, whatever their number."""
    ids = [a.pk for a in accounts]
    links = {
        (f, e, ok)
        for f, e, ok in Follow.objects.filter(
            Q(follower=viewer, followee_id__in=ids) | Q(follower_id__in=ids, followee=viewer)
        ).values_list("follower_id", "followee_id", "accepted")
    }
    blocked = set(
        Block.objects.filter(blocker=viewer, blocked_id__in=ids).values_list("blocked_id", flat=True)
    )
    muted = set(Mute.objects.filter(muter=viewer, muted_id__in=ids).values_list("muted_id", flat=True))
    me = viewer.pk
    return {
        pk: Relationship(
            following=(me, pk, True) in links,
            requested=(me, pk, False) in links,
            followed_by=(pk, me, True) in links,
            requested_by=(pk, me, False) in links,
            blocking=pk in blocked,
            muting=pk in muted,
        )
        for pk in ids
    }


@dataclass(frozen=True)
class NotificationGroup:
    kind: str
    verb: str
    actor: Account
    others: int
    post: Post | None
    comment: Comment | None
    unread: bool
    newest_id: int


def notification_groups(*, viewer: Account, limit: int = 30) -> list[NotificationGroup]:
    """Likes of one post are one line ("ada and 1,203 others liked your post"); the rest one line each.

    Three queries: the groups, the newest notification of each, and their actors and posts.
    """
    base = notifications(viewer=viewer)
    groups = list(
        base.values("kind", "post_id")
        .filter(kind=Notification.Kind.LIKE)
        .annotate(n=Count("id"), newest=Max("id"), unread=Count("id", filter=Q(read_at__isnull=True)))
        .order_by("-newest")[:limit]
    )
    singles = list(
        base.exclude(kind=Notification.Kind.LIKE).order_by("-id").values_list("id", flat=True)[:limit]
    )
    counts = {g["newest"]: g for g in groups}
    ids = sorted([*counts, *singles], reverse=True)[:limit]
    rows = Notification.objects.filter(pk__in=ids).select_related("actor", "post", "comment").order_by("-id")
    out = []
    for n in rows:
        g = counts.get(n.pk)
        out.append(
            NotificationGroup(
                kind=n.kind,
                verb=n.get_kind_display(),
                actor=n.actor,
                others=(g["n"] - 1) if g else 0,
                post=n.post,
                comment=n.comment,
                unread=bool(g["unread"]) if g else n.read_at is None,
                newest_id=n.pk,
            )
        )
    return out


def follow_request_count(*, account: Account) -> int:
    return Follow.objects.filter(followee=account, accepted=False).count()


def unread_count(*, viewer: Account) -> int:
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()


# Lists of people, and what the API pages through by id (keyset): querysets, newest first once ordered by -id.
# Every adapter's followers, following and likers list comes from these three. Counts are not theirs:
# profiles and posts keep showing the exact totals.


def follower_links(*, viewer: Viewer, account: Account) -> QuerySet[Follow]:
    """Accepted follows of `account`, with the followers `viewer` may be shown; page by Follow id."""
    return Follow.objects.filter(
        _shown_to(viewer, "follower"), followee=account, accepted=True
    ).select_related("follower")


def following_links(*, viewer: Viewer, account: Account) -> QuerySet[Follow]:
    """Accepted follows by `account`, with the followees `viewer` may be shown; page by Follow id."""
    return Follow.objects.filter(
        _shown_to(viewer, "followee"), follower=account, accepted=True
    ).select_related("followee")


def like_links(*, viewer: Viewer, post: Post) -> QuerySet[Like]:
    """Likes of a post, with the accounts that gave them that `viewer` may be shown; page by Like id."""
    return Like.objects.filter(_shown_to(viewer, "account"), post=post).select_related("account")


def liked_posts(*, viewer: Account) -> QuerySet[Like]:
    """The viewer's likes of posts they can still see; page by Like id."""
    return Like.objects.filter(account=viewer, post__in=viewable_posts(viewer=viewer)).select_related(
        "post__author"
    )


def notifications(*, viewer: Account, kinds: list[str] | None = None) -> QuerySet[Notification]:
    """The viewer's notifications, leaving out actors hidden from them (blocked either way, inactive) and
    posts they can no longer see (unfollowed a private account, blocked)."""
    rows = Notification.objects.filter(_shown_to(viewer, "actor"), recipient=viewer).filter(
        Q(post__isnull=True) | Q(post__in=viewable_posts(viewer=viewer))
    )
    if kinds is not None:
        rows = rows.filter(kind__in=kinds)
    return rows.select_related("actor", "post__author", "comment__author", "comment__parent")


def notification(*, viewer: Account, notification_id: int) -> Notification:
    found = notifications(viewer=viewer).filter(pk=notification_id).first()
    if found is None:
        raise NotFound()
    return found


def viewable_comment(*, viewer: Viewer, comment_id: int | str) -> Comment:
    """A comment on a post the viewer may see, by an author not hidden from them; else NotFound."""
    pk = parse_id(comment_id)
    if pk is None:
        raise NotFound()
    found = (
        Comment.objects.filter(_shown_to(viewer, "author"), pk=pk).select_related("author", "parent").first()
    )
    if found is None:
        raise NotFound()
    found.post = viewable_post(viewer=viewer, post_id=found.post_id)
    return found
