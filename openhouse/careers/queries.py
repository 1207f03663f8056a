"""Reads for the Careers tab and the profile's action buttons."""

from django.utils import timezone

from openhouse.accounts.models import Account
from openhouse.careers.models import JobListing, ProfileSettings
from openhouse.core.errors import NotFound
from openhouse.core.ids import parse_id


def open_listings(*, organisation: Account) -> list[JobListing]:
    """Listings whose closing date (UTC) is today or later, soonest closing first. Past ones are simply not
    selected: they disappear at midnight UTC without any job running."""
    today = timezone.now().date()
    return list(
        JobListing.objects.filter(organisation=organisation, closes_on__gte=today)
        .defer("created_by")
        .order_by("closes_on", "id")
    )


def profile_settings(*, organisation: Account) -> ProfileSettings | None:
    if not organisation.is_organisation:
        return None
    return ProfileSettings.objects.filter(organisation=organisation).first()


def listing_of(*, organisation: Account, listing_id: str) -> JobListing:
    """A listing of this organisation, open or not (for its team); NotFound otherwise."""
    listing = (
        JobListing.objects.select_related("organisation")
        .filter(organisation=organisation, pk=parse_id(listing_id) or 0)
        .first()
    )
    if listing is None:
        raise NotFound()
    return listing
