"""Who may use which uploaded media: until a post attaches them, photos are their uploader's alone."""

from openhouse.accounts.models import Account, Membership
from openhouse.core.errors import NotFound
from openhouse.media.models import MediaItem


def own_unattached(*, owner: Account, ids: list[int]) -> list[MediaItem]:
    """The owner's unattached uploads with these ids, in the given order. A foreign id is NotFound."""
    items = {m.pk: m for m in MediaItem.objects.filter(pk__in=ids, owner=owner, post__isnull=True)}
    if len(items) != len(set(ids)) or not ids:
        raise NotFound("These photos aren't available any more. Choose them again.")
    return [items[pk] for pk in ids]


def may_edit_photo(*, actor: Account, item: MediaItem) -> bool:
    """Who may read a photo's pre-publication report and change its blurring.

    Its uploader; and for a photo an organisation owns, any member of that organisation's team (author,
    reviewer or admin), since reviewers blur faces they find. This is the one predicate to widen or
    narrow (say, to the reviewers of the draft the photo belongs to) as the publishing flow grows.
    """
    if not actor.is_authenticated or not actor.is_active:
        return False
    if item.owner_id == actor.pk:
        return True
    return Membership.objects.filter(
        organisation_id=item.owner_id, organisation__is_organisation=True, member=actor
    ).exists()
