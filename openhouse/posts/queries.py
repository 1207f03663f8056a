"""Reads of posts tuned for the pages that show them: a fixed number of queries whatever the count."""

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects

from openhouse.accounts.models import Account
from openhouse.media.models import MediaItem
from openhouse.posts.access import Viewer, viewable_posts
from openhouse.posts.models import Post

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
