"""Who may see which posts and profiles: the one place every adapter asks.

A post is visible when its author is active, neither side has blocked the other, and the author is public,
is the viewer, or has accepted the viewer as a follower. Absent and hidden are the same NotFound, so a
probe learns nothing.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from openhouse.accounts.models import Account, Block, Follow
from openhouse.core.errors import NotFound
from openhouse.posts.models import Highlight, Post

Viewer = Account | AnonymousUser


def _viewer_id(viewer: Viewer) -> int | None:
    return viewer.pk if viewer.is_authenticated else None


def blocked_between(a_id: int, b_id: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def follows(*, follower_id: int, followee_id: int) -> bool:
    return Follow.objects.filter(follower_id=follower_id, followee_id=followee_id, accepted=True).exists()


def can_see_posts_of(*, viewer: Viewer, account: Account) -> bool:
    viewer_id = _viewer_id(viewer)
    if not account.is_active:
        return False
    if viewer_id == account.pk:
        return True
    if viewer_id is not None and blocked_between(viewer_id, account.pk):
        return False
    return not account.is_private or (
        viewer_id is not None and follows(follower_id=viewer_id, followee_id=account.pk)
    )


def _visible_posts_q(viewer_id: int | None) -> Q:
    active_public = Q(author__is_active=True, author__is_private=False)
    if viewer_id is None:
        return active_public
    author_id = OuterRef("author_id")
    followed = Exists(Follow.objects.filter(follower_id=viewer_id, followee_id=author_id, accepted=True))
    blocked = Exists(
        Block.objects.filter(
            Q(blocker_id=viewer_id, blocked_id=author_id) | Q(blocker_id=author_id, blocked_id=viewer_id)
        )
    )
    return (
        Q(author__is_active=True)
        & (Q(author__is_private=False) | Q(author_id=viewer_id) | followed)
        & ~blocked
    )


def viewable_posts(*, viewer: Viewer) -> QuerySet[Post]:
    return Post.objects.filter(_visible_posts_q(_viewer_id(viewer)))


def viewable_post(*, viewer: Viewer, post_id: int | str) -> Post:
    try:
        pk = int(post_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    post = viewable_posts(viewer=viewer).select_related("author").filter(pk=pk).first()
    if post is None:
        raise NotFound()
    return post


def viewable_account(*, viewer: Viewer, handle: str) -> Account:
    """A profile page exists for every active account, except between accounts that blocked each other."""
    account = Account.objects.filter(handle=handle.lower(), is_active=True).first()
    if account is None:
        raise NotFound()
    viewer_id = _viewer_id(viewer)
    if viewer_id is not None and viewer_id != account.pk and blocked_between(viewer_id, account.pk):
        raise NotFound()
    return account


def viewable_highlight(*, viewer: Viewer, highlight_id: int | str) -> Highlight:
    """A highlight is seen by whoever may see its account's posts."""
    try:
        pk = int(highlight_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    highlight = Highlight.objects.select_related("account").filter(pk=pk).first()
    if highlight is None or not can_see_posts_of(viewer=viewer, account=highlight.account):
        raise NotFound()
    return highlight


def viewable_account_by_id(
    *, viewer: Viewer, account_id: int | str, through_own_block: bool = False
) -> Account:
    """As viewable_account, by the numeric id the API uses. With `through_own_block`, an account the
    viewer blocked is found (to unblock it); one that blocked the viewer never is."""
    try:
        pk = int(account_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    account = Account.objects.filter(pk=pk, is_active=True).first()
    if account is None:
        raise NotFound()
    viewer_id = _viewer_id(viewer)
    if viewer_id is None or viewer_id == account.pk:
        return account
    if through_own_block:
        if Block.objects.filter(blocker_id=account.pk, blocked_id=viewer_id).exists():
            raise NotFound()
        return account
    if blocked_between(viewer_id, account.pk):
        raise NotFound()
    return account
