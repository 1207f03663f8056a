"""Who may see which posts and profiles: the one place every adapter asks.

Absent and hidden are the same NotFound, so a probe learns nothing.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from openhouse.accounts.models import Account
from openhouse.core.errors import NotFound
from openhouse.posts.models import Post

Viewer = Account | AnonymousUser


def _viewer_id(viewer: Viewer) -> int | None:
    return viewer.pk if viewer.is_authenticated else None


def can_see_posts_of(*, viewer: Viewer, account: Account) -> bool:
    """Public accounts show their posts to everyone; private ones only to themselves (followers come later)."""
    return account.is_active and (not account.is_private or _viewer_id(viewer) == account.pk)


def viewable_posts(*, viewer: Viewer) -> QuerySet[Post]:
    visible = Q(author__is_active=True) & Q(author__is_private=False)
    viewer_id = _viewer_id(viewer)
    if viewer_id is not None:
        visible |= Q(author_id=viewer_id)
    return Post.objects.filter(visible)


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
    """A profile page exists for every active account; whether its posts show is can_see_posts_of."""
    account = Account.objects.filter(handle=handle.lower(), is_active=True).first()
    if account is None:
        raise NotFound()
    return account
