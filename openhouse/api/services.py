"""Write verbs of the API adapter's own records: registering OAuth apps and saving read markers."""

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_application_model

from openhouse.accounts.models import Account
from openhouse.api import scopes as scope_rules
from openhouse.api.models import SCOPES_MAX, WEBSITE_MAX, AppRegistration, Marker
from openhouse.api.oauth import LOOPBACK_HOSTS, OOB, REFUSED_SCHEMES
from openhouse.core.errors import Invalid
from openhouse.core.text import clean_text

APP_NAME_MAX = 100
REDIRECT_URIS_MAX = 10
REDIRECT_URI_MAX = 2000


@dataclass(frozen=True)
class RegisteredApp:
    application: object
    registration: AppRegistration
    client_secret: str  # shown once, at registration; only its hash is stored


def _clean_redirect_uris(raw: list[str]) -> list[str]:
    uris = [u.strip() for u in raw if u.strip()]
    if not uris:
        raise Invalid("Give at least one redirect URI (or urn:ietf:wg:oauth:2.0:oob).", field="redirect_uris")
    if len(uris) > REDIRECT_URIS_MAX:
        raise Invalid(f"An app may register up to {REDIRECT_URIS_MAX} redirect URIs.", field="redirect_uris")
    for uri in uris:
        if uri == OOB:
            continue
        parts = urlsplit(uri)
        if len(uri) > REDIRECT_URI_MAX or any(c.isspace() for c in uri):
            raise Invalid("A redirect URI is too long or contains spaces.", field="redirect_uris")
        if not parts.scheme or parts.scheme.lower() in REFUSED_SCHEMES or parts.fragment:
            raise Invalid(
                f"'{uri[:100]}' can't be a redirect URI: it needs a scheme such as https:// or the app's own, "
                "and no #fragment.",
                field="redirect_uris",
            )
        if parts.scheme.lower() in ("http", "https"):
            try:
                URLValidator(schemes=["http", "https"])(uri)
            except ValidationError:
                raise Invalid(f"'{uri[:100]}' is not a valid web address.", field="redirect_uris") from None
            if parts.scheme.lower() == "http" and parts.hostname not in LOOPBACK_HOSTS:
                raise Invalid(
                    "Plain http:// redirect URIs are allowed only to this computer (127.0.0.1, localhost); "
                    "use https://.",
                    field="redirect_uris",
                )
    return uris


@transaction.atomic
def register_app(*, name: str, redirect_uris: list[str], scopes: str, website: str = "") -> RegisteredApp:
    """Register a Mastodon client app. Anyone may; what it can do is decided when a person consents."""
    name = clean_text(name, field="client_name", label="The app's name", limit=APP_NAME_MAX)
    if not name:
        raise Invalid("Give the app a name.", field="client_name")
    uris = _clean_redirect_uris(redirect_uris)
    if len(scopes) > SCOPES_MAX:
        raise Invalid(f"Scopes are at most {SCOPES_MAX} characters.", field="scopes")
    asked = scopes.replace("+", " ").split() or [scope_rules.DEFAULT]
    unknown = [s for s in asked if s not in scope_rules.SCOPES]
    if unknown:
        raise Invalid(f"Unknown scope '{unknown[0][:50]}'.", field="scopes")
    website = website.strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            raise Invalid(
                "The website must be a web address starting with https://.", field="website"
            ) from None
        if len(website) > WEBSITE_MAX:
            raise Invalid(f"The website is at most {WEBSITE_MAX} characters.", field="website")
    secret = secrets.token_urlsafe(32)
    Application = get_application_model()
    application = Application(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(uris),
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,
    )
    application.save()
    registration = AppRegistration.objects.create(
        application=application, scopes=" ".join(dict.fromkeys(asked)), website=website
    )
    return RegisteredApp(application, registration, secret)


@transaction.atomic
def save_markers(*, actor: Account, positions: dict[str, int]) -> list[Marker]:
    """Remember where the actor stopped reading each named timeline ('home', 'notifications')."""
    saved = []
    for timeline, last_read_id in positions.items():
        if timeline not in Marker.Timeline.values:
            raise Invalid(f"'{timeline[:30]}' is not a timeline with a marker.", field="timeline")
        marker, created = Marker.objects.select_for_update().get_or_create(
            account=actor, timeline=timeline, defaults={"last_read_id": last_read_id}
        )
        if not created:
            marker.last_read_id = last_read_id
            marker.version += 1
            marker.updated_at = timezone.now()
            marker.save(update_fields=["last_read_id", "version", "updated_at"])
        saved.append(marker)
    return saved
