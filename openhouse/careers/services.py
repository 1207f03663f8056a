"""Write verbs for careers and contact: profile settings (links, colours), job listings, myth-busting cards.

Links the public is sent to must be https: a secure channel reached over plain HTTP is not one.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from openhouse.accounts.models import Account, Membership
from openhouse.accounts.services import require_org_role
from openhouse.audit import services as audit
from openhouse.careers import cards
from openhouse.careers.models import (
    LISTING_REGION_MAX,
    LISTING_SUMMARY_MAX,
    LISTING_TEAM_MAX,
    LISTING_TITLE_MAX,
    LISTINGS_MAX,
    URL_MAX,
    JobListing,
    ProfileSettings,
)
from openhouse.core.errors import Invalid
from openhouse.core.text import clean_text
from openhouse.publishing import services as publishing
from openhouse.publishing.models import Draft

SETTINGS_ROLES = (Membership.Role.ADMIN,)
LISTING_ROLES = (Membership.Role.ADMIN, Membership.Role.AUTHOR)
CARD_ROLES = (Membership.Role.ADMIN, Membership.Role.AUTHOR)
_COLOUR = re.compile(r"#[0-9a-f]{6}")


def clean_https_url(value: str, *, field: str, label: str, required: bool) -> str:
    url = value.strip()
    if not url:
        if required:
            raise Invalid(f"{label} is needed: a web address starting with https://.", field=field)
        return ""
    if len(url) > URL_MAX:
        raise Invalid(f"{label} is at most {URL_MAX} characters.", field=field)
    if not url.lower().startswith("https://"):
        raise Invalid(
            f"{label} must start with https:// so people reach the real site securely.", field=field
        )
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise Invalid(f"{label} isn't a valid web address.", field=field) from None
    return "https://" + url[len("https://") :]  # "HTTPS://…" as the database constraint spells it


def _clean_colour(value: str, *, field: str, label: str) -> str:
    colour = value.strip().lower()
    if not _COLOUR.fullmatch(colour):
        raise Invalid(f"{label} must be a colour like #10223d.", field=field)
    return colour


@transaction.atomic
def update_profile_settings(
    *,
    actor: Account,
    organisation: Account,
    careers_url: str,
    secure_channel_url: str,
    colour_background: str,
    colour_text: str,
    colour_accent: str,
) -> ProfileSettings:
    """An admin of the organisation sets its Apply and Report-something links and its card colours."""
    require_org_role(account=actor, organisation=organisation, roles=SETTINGS_ROLES)
    values = {
        "careers_url": clean_https_url(
            careers_url, field="careers_url", label="The careers link", required=False
        ),
        "secure_channel_url": clean_https_url(
            secure_channel_url, field="secure_channel_url", label="The secure channel link", required=False
        ),
        "colour_background": _clean_colour(colour_background, field="colour_background", label="Background"),
        "colour_text": _clean_colour(colour_text, field="colour_text", label="Text colour"),
        "colour_accent": _clean_colour(colour_accent, field="colour_accent", label="Accent colour"),
    }
    if cards.contrast(values["colour_background"], values["colour_text"]) < cards.MIN_CONTRAST:
        raise Invalid(
            "The text colour is too close to the background to read; pick a lighter or darker one.",
            field="colour_text",
        )
    row = ProfileSettings.objects.select_for_update().filter(organisation=organisation).first()
    before = None
    if row is None:
        row = ProfileSettings(organisation=organisation)
    else:
        before = {k: getattr(row, k) for k in values}
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = timezone.now()
    row.save()
    audit.record(
        organisation=organisation,
        actor=actor,
        action="profile.settings",
        subject=f"account:{organisation.pk}",
        before=before,
        after=values,
    )
    return row


def _field(value: str, *, field: str, label: str, limit: int, multiline: bool = False) -> str:
    text = clean_text(value, field=field, label=label, limit=limit, multiline=multiline)
    if not text:
        raise Invalid(f"{label} is needed.", field=field)
    return text


@transaction.atomic
def create_listing(
    *,
    actor: Account,
    organisation: Account,
    title: str,
    team: str,
    region: str,
    closes_on: datetime.date,
    summary: str,
    apply_url: str,
) -> JobListing:
    """A vacancy on the Careers tab; it disappears by itself after `closes_on`."""
    require_org_role(account=actor, organisation=organisation, roles=LISTING_ROLES)
    values = {
        "title": _field(title, field="title", label="The job title", limit=LISTING_TITLE_MAX),
        "team": _field(team, field="team", label="The team", limit=LISTING_TEAM_MAX),
        "region": _field(region, field="region", label="The region", limit=LISTING_REGION_MAX),
        "summary": _field(
            summary, field="summary", label="The summary", limit=LISTING_SUMMARY_MAX, multiline=True
        ),
        "apply_url": clean_https_url(apply_url, field="apply_url", label="The Apply link", required=True),
    }
    if closes_on is None:
        raise Invalid("Give the closing date.", field="closes_on")
    if closes_on < timezone.now().date():
        raise Invalid("The closing date has already passed.", field="closes_on")
    if JobListing.objects.filter(organisation=organisation, closes_on__gte=timezone.now().date()).count() >= (
        LISTINGS_MAX
    ):
        raise Invalid(f"An organisation can show up to {LISTINGS_MAX} open listings.")
    listing = JobListing.objects.create(
        organisation=organisation, closes_on=closes_on, created_by=actor, **values
    )
    audit.record(
        organisation=organisation,
        actor=actor,
        action="careers.listing.create",
        subject=f"job_listing:{listing.pk}",
        after={**values, "closes_on": closes_on},
    )
    return listing


@transaction.atomic
def withdraw_listing(*, actor: Account, listing: JobListing) -> None:
    require_org_role(account=actor, organisation=listing.organisation, roles=LISTING_ROLES)
    audit.record(
        organisation=listing.organisation,
        actor=actor,
        action="careers.listing.withdraw",
        subject=f"job_listing:{listing.pk}",
        before={"title": listing.title},
    )
    listing.delete()


def myth_card(*, actor: Account, organisation: Account, myth: str, reality: str) -> bytes:
    """Render a myth-busting card in the organisation's colours, as JPEG bytes ready for the post (and
    review) flow. Only its admins and authors may; the text is checked first (see cards.clean)."""
    require_org_role(account=actor, organisation=organisation, roles=CARD_ROLES)
    text = cards.clean(myth=myth, reality=reality)
    row = ProfileSettings.objects.filter(organisation=organisation).first() or ProfileSettings()
    colours = cards.Colours(row.colour_background, row.colour_text, row.colour_accent)
    return cards.render(text, colours=colours, handle=organisation.handle)


def start_myth_card_draft(*, actor: Account, organisation: Account, myth: str, reality: str) -> Draft:
    """Render the card and start an organisation draft from it, with the card's words as its alt text.

    The card then goes the way every organisation post goes (caption, label, review, publication): this
    is the only door from the card maker to the public, and it is publishing's own.
    """
    jpeg = myth_card(actor=actor, organisation=organisation, myth=myth, reality=reality)
    text = cards.clean(myth=myth, reality=reality)
    alt = f"A myth-busting card. Myth: {text.myth} Reality: {text.reality}"
    upload = SimpleUploadedFile("myth-card.jpg", jpeg, content_type="image/jpeg")
    return publishing.start_draft(actor=actor, organisation=organisation, uploads=[upload], alt_texts=[alt])
