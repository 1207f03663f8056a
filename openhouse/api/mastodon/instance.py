"""Mastodon: the instance's description (v1 and v2) and app registration."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from openhouse.accounts.models import Account
from openhouse.api import entities
from openhouse.api.http import Caller, Params, endpoint, json_response
from openhouse.api.services import register_app
from openhouse.core import ratelimit
from openhouse.media.models import ALT_TEXT_MAX
from openhouse.posts.models import CAPTION_MAX, PHOTOS_MAX, Post

VERSION = f"{entities.MASTODON_VERSION} (compatible; openhouse 0.1.0)"
DESCRIPTION = "A photo network for institutions that open up to the public while keeping secrets."
IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"]


def _counts() -> tuple[int, int]:
    """Accounts and posts, cached for a minute: the instance document is fetched by every app start."""
    cached = cache.get("api:instance-counts")
    if cached is None:
        cached = (Account.objects.filter(is_active=True).count(), Post.objects.count())
        cache.set("api:instance-counts", cached, 60)
    return cached


def _statuses_config() -> dict:
    return {
        "max_characters": CAPTION_MAX,
        "max_media_attachments": PHOTOS_MAX,
        "characters_reserved_per_url": 23,
    }


def _media_config() -> dict:
    return {
        "supported_mime_types": IMAGE_TYPES,
        "image_size_limit": settings.MEDIA_MAX_BYTES,
        "image_matrix_limit": settings.MEDIA_MAX_PIXELS,
        "video_size_limit": 0,
        "video_frame_rate_limit": 0,
        "video_matrix_limit": 0,
        "description_limit": ALT_TEXT_MAX,
    }


def _host(request: HttpRequest) -> str:
    return request.get_host()


@endpoint("GET")
def instance_v1(request: HttpRequest, caller: Caller) -> HttpResponse:
    users, posts = _counts()
    base = request.build_absolute_uri("/").rstrip("/")
    return json_response(
        {
            "uri": _host(request),
            "title": "openhouse",
            "short_description": DESCRIPTION,
            "description": DESCRIPTION,
            "email": "",
            "version": VERSION,
            "urls": {"streaming_api": None},
            "stats": {"user_count": users, "status_count": posts, "domain_count": 1},
            "thumbnail": None,
            "languages": ["en"],
            "registrations": True,
            "approval_required": False,
            "invites_enabled": False,
            "configuration": {
                "accounts": {"max_featured_tags": 0},
                "statuses": _statuses_config(),
                "media_attachments": _media_config(),
                "polls": {
                    "max_options": 0,
                    "max_characters_per_option": 0,
                    "min_expiration": 0,
                    "max_expiration": 0,
                },
            },
            "contact_account": None,
            "rules": [],
            "openhouse": {"docs": f"{base}/api/openhouse/v1/docs"},
        }
    )


@endpoint("GET")
def instance_v2(request: HttpRequest, caller: Caller) -> HttpResponse:
    users, _ = _counts()
    base = request.build_absolute_uri("/").rstrip("/")
    return json_response(
        {
            "domain": _host(request),
            "title": "openhouse",
            "version": VERSION,
            "source_url": f"{base}/api/openhouse/v1/docs",
            "description": DESCRIPTION,
            "usage": {"users": {"active_month": users}},
            "thumbnail": {"url": f"{base}/static/api/header.png", "blurhash": None, "versions": {}},
            "icon": [],
            "languages": ["en"],
            "configuration": {
                "urls": {"streaming": None, "status": None},
                "vapid": {"public_key": ""},
                "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
                "statuses": _statuses_config(),
                "media_attachments": _media_config(),
                "polls": {
                    "max_options": 0,
                    "max_characters_per_option": 0,
                    "min_expiration": 0,
                    "max_expiration": 0,
                },
                "translation": {"enabled": False},
            },
            "registrations": {"enabled": True, "approval_required": False, "message": None, "url": None},
            "api_versions": {"mastodon": 2},
            "contact": {"email": "", "account": None},
            "rules": [],
        }
    )


@endpoint("POST")
def create_app(request: HttpRequest, caller: Caller) -> HttpResponse:
    """POST /api/v1/apps: anyone may register a client; throttled per client address."""
    ratelimit.hit("api-apps-ip", getattr(request, "client_ip", ""), limit=30, window=3600)
    params = Params(request)
    # One string with URIs separated by newlines or spaces, or an array of them.
    uris = [uri for item in params.list("redirect_uris", limit=20) for uri in item.split()]
    registered = register_app(
        name=params.str("client_name"),
        redirect_uris=uris,
        scopes=params.str("scopes", "read"),
        website=params.str("website"),
    )
    app, reg = registered.application, registered.registration
    redirect_uris = app.redirect_uris.split()  # type: ignore[attr-defined]
    return json_response(
        {
            "id": str(app.pk),  # type: ignore[attr-defined]
            "name": app.name,  # type: ignore[attr-defined]
            "website": reg.website or None,
            "scopes": reg.scopes.split(),
            "redirect_uri": "\n".join(redirect_uris),
            "redirect_uris": redirect_uris,
            "client_id": app.client_id,  # type: ignore[attr-defined]
            "client_secret": registered.client_secret,
            "client_secret_expires_at": 0,
            "vapid_key": "",
        }
    )
