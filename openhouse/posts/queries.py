"""Reads of posts tuned for the pages that show them: a fixed number of queries whatever the count."""

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects

from openhouse.accounts.models import Account
from openhouse.media.models import MediaItem
from openhouse.posts.access import Viewer, can_see_posts_of, viewable_posts
from openhouse.posts.models import Highlight, HighlightItem, Post

GRID_PAGE = 24


def with_media(posts: QuerySet[Post]) -> QuerySet[Post]:
    return posts.prefetch_related(Prefetch("media", queryset=MediaItem.objects.order_by("position")))


def prefetch_media(posts: list[Post]) -> None:
    """Load the photos of already-fetched posts in one query."""
    prefetch_related_objects(posts, Prefetch("media", queryset=MediaItem.objects.order_by("position")))


def profile_grid(*, viewer: Viewer, account: Account, before: int | None = None) -> list[Post]:
    """The newest posts of `account` the viewer may see (viewable_posts decides), older than post id `before`."""
    posts = viewable_posts(viewer=viewer).filter(author=account)
    if before is not None:
        posts = posts.filter(pk__lt=before)
    return list(with_media(posts.order_by("-id"))[:GRID_PAGE])


def post_count(*, account: Account) -> int:
    return Post.objects.filter(author=account).count()


def post_with_media(post: Post) -> Post:
    return with_media(Post.objects.select_related("author").filter(pk=post.pk)).get()


def profile_highlights(*, viewer: Viewer, account: Account, visible: bool | None = None) -> list[Highlight]:
    """The account's highlights in order, each with `cover` set to the MediaItem standing in for a missing
    cover (the first post's first photo), or None. At most three queries whatever the number of highlights
    (one when every highlight has its own cover). `visible` is can_see_posts_of(viewer, account) when the
    caller already knows it."""
    if visible is None:
        visible = can_see_posts_of(viewer=viewer, account=account)
    if not visible:
        return []
    highlights = list(Highlight.objects.filter(account=account))
    uncovered = [h.pk for h in highlights if not h.cover_key]
    first_post: dict[int, int] = {}
    if uncovered:
        rows = (
            HighlightItem.objects.filter(highlight_id__in=uncovered, post__isnull=False)
            .order_by("highlight_id", "position", "id")
            .values_list("highlight_id", "post_id")
        )
        for highlight_id, post_id in rows:
            first_post.setdefault(highlight_id, post_id)
    photos = {}
    if first_post:
        photos = {
            m.post_id: m for m in MediaItem.objects.filter(post_id__in=list(first_post.values()), position=0)
        }
    for h in highlights:
        h.cover = photos.get(first_post.get(h.pk, 0))  # type: ignore[attr-defined]
    return highlights


def highlight_items(*, viewer: Viewer, highlight: Highlight) -> list[HighlightItem]:
    """The items the viewer may see, in order, posts with their photos and sessions loaded (3 queries)."""
    return items_of_highlights(viewer=viewer, highlights=[highlight])[highlight.pk]


def items_of_highlights(*, viewer: Viewer, highlights: list[Highlight]) -> dict[int, list[HighlightItem]]:
    """highlight_items of many highlights, by highlight id: 3 queries whatever their number."""
    items = list(
        HighlightItem.objects.filter(highlight__in=highlights)
        .select_related("post__author", "qa_session__organisation")
        .filter(Q(post__isnull=True) | Q(post__in=viewable_posts(viewer=viewer)))
    )
    prefetch_media([i.post for i in items if i.post is not None])
    by_highlight: dict[int, list[HighlightItem]] = {h.pk: [] for h in highlights}
    for item in items:
        by_highlight[item.highlight_id].append(item)
    return by_highlight


def post_counts(account_ids: list[int]) -> dict[int, int]:
    """How many posts each account has: one query for a whole page of accounts."""
    rows = (
        Post.objects.filter(author_id__in=account_ids)
        .values("author_id")
        .annotate(n=Count("pk"))
        .values_list("author_id", "n")
    )
    return dict(rows)


def prefetch_for_statuses(posts: list[Post]) -> None:
    """Authors, photos, hashtags and mentions of already-fetched posts: a fixed number of queries."""
    prefetch_related_objects(
        posts,
        "author",
        Prefetch("media", queryset=MediaItem.objects.order_by("position")),
        "hashtags",
        Prefetch("mentions", queryset=Account.objects.filter(is_active=True)),
    )
