"""Who may use which uploaded media: until a post attaches them, photos are their uploader's alone."""

from openhouse.accounts.models import Account
from openhouse.core.errors import NotFound
from openhouse.media.models import MediaItem


def own_unattached(*, owner: Account, ids: list[int]) -> list[MediaItem]:
    """The owner's unattached uploads with these ids, in the given order. A foreign id is NotFound."""
    items = {m.pk: m for m in MediaItem.objects.filter(pk__in=ids, owner=owner, post__isnull=True)}
    if len(items) != len(set(ids)) or not ids:
        raise NotFound("These photos aren't available any more. Choose them again.")
    return [items[pk] for pk in ids]
