"""openhouse's own REST API (django-ninja, OpenAPI at /api/openhouse/v1/openapi.json, docs at .../docs):
what Mastodon has no word for. Same tokens, scopes, rate limits and error shape as the Mastodon API, and
every endpoint calls the same access functions and services as the web UI."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from openhouse.accounts import queries as account_queries
from openhouse.accounts import services as accounts
from openhouse.api import entities
from openhouse.api.http import API_ERRORS, BadRequest, authorize, error_response
from openhouse.core.errors import NotFound
from openhouse.media.services import rendition_url
from openhouse.posts import queries as post_queries
from openhouse.posts.access import viewable_account, viewable_post, viewable_posts
from openhouse.posts.models import Post
from openhouse.social import queries as social_queries

api = NinjaAPI(
    title="openhouse API",
    version="1",
    description=(
        "openhouse's own endpoints, beside the Mastodon client API under /api/v1 and /api/v2. "
        "Authenticate with an OAuth 2 bearer token from /oauth/token (scopes read, write). "
        "Every answer carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset; "
        'errors are {"error": "a sentence"}.'
    ),
    urls_namespace="openhouse-api",
    docs_url="/docs",
    openapi_extra={
        "components": {
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "description": "Register an app with POST /api/v1/apps, then the authorization code flow.",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": "/oauth/authorize",
                            "tokenUrl": "/oauth/token",
                            "refreshUrl": "/oauth/token",
                            "scopes": {"read": "Read", "write": "Write"},
                        }
                    },
                },
                "bearer": {"type": "http", "scheme": "bearer"},
            }
        },
        # Anonymous callers may read what is public; a token shows what its account may see.
        "security": [{}, {"bearer": []}],
    },
)

HANDLE = r"^[A-Za-z0-9._]{1,30}$"


class Error(Schema):
    error: str


ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


def _errors(api_: NinjaAPI) -> None:
    for kind in API_ERRORS:
        api_.add_exception_handler(kind, lambda request, exc: error_response(exc))

    def validation(request: HttpRequest, exc: NinjaValidationError):
        first = exc.errors[0] if exc.errors else {}
        where = ".".join(str(p) for p in first.get("loc", [])[1:]) or "request"
        return error_response(BadRequest(f"'{where}': {first.get('msg', 'is not valid')}."))

    api_.add_exception_handler(NinjaValidationError, validation)
    api_.add_exception_handler(
        HttpError, lambda request, exc: error_response(BadRequest(str(exc) or "Bad request."))
    )
    api_.add_exception_handler(AuthenticationError, lambda request, exc: error_response(NotFound()))


_errors(api)


# Schemas -------------------------------------------------------------------------------------------------


class RoleLabelOut(Schema):
    name: str


class OrganisationOut(Schema):
    handle: str
    display_name: str
    bio: str
    link: str
    verified: bool
    followers_count: int
    following_count: int
    post_count: int
    role_labels: list[RoleLabelOut] = Field(description="Labels the organisation's members post under")


class VerificationIn(Schema):
    verified: bool


class PhotoOut(Schema):
    id: str
    url: str
    preview_url: str
    width: int
    height: int
    alt_text: str


class PostOut(Schema):
    id: str
    account: str = Field(description="Handle of the account (for an organisation, the organisation)")
    role_label: str | None = Field(description="For an organisation's post: the label it was published under")
    caption: str
    created_at: datetime
    likes: int
    comments: int
    photos: list[PhotoOut]


class PostPage(Schema):
    items: list[PostOut]
    next_before: str | None = Field(description="Pass as `before` for the next (older) page")


# Rendering -----------------------------------------------------------------------------------------------


def _organisation_out(organisation) -> dict:
    return {
        "handle": organisation.handle,
        "display_name": organisation.display_name,
        "bio": organisation.bio,
        "link": organisation.link,
        "verified": organisation.is_verified,
        "followers_count": organisation.followers_count,
        "following_count": organisation.following_count,
        "post_count": post_queries.post_count(account=organisation),
        "role_labels": [
            {"name": label.name} for label in account_queries.role_labels(organisation=organisation)
        ],
    }


def _posts_out(request: HttpRequest, viewer, posts: list[Post]) -> list[dict]:
    post_queries.prefetch_for_statuses(posts)
    stats = social_queries.post_stats(viewer=viewer, posts=posts)
    base = request.build_absolute_uri("/").rstrip("/")

    def absolute(url: str) -> str:
        return url if url.startswith(("http://", "https://")) else base + url

    return [
        {
            "id": str(p.pk),
            "account": p.author.handle,
            "role_label": entities.role_label_of(p) or None,
            "caption": p.caption,
            "created_at": p.created_at,
            "likes": stats[p.pk].likes,
            "comments": stats[p.pk].comments,
            "photos": [
                {
                    "id": str(m.pk),
                    "url": absolute(rendition_url(m, "w1080", "jpg")),
                    "preview_url": absolute(rendition_url(m, "w640", "jpg")),
                    "width": m.width,
                    "height": m.height,
                    "alt_text": m.alt_text,
                }
                for m in p.media.all()
            ],
        }
        for p in posts
    ]


def _organisation(viewer, handle: str):
    account = viewable_account(viewer=viewer, handle=handle)
    if not account.is_organisation:
        raise NotFound()
    return account


# Endpoints -----------------------------------------------------------------------------------------------


@api.get(
    "/organisations/{handle}",
    response={200: OrganisationOut, **ERRORS},
    tags=["organisations"],
    summary="An organisation's public profile, verification and role labels",
)
def organisation(request: HttpRequest, handle: str = Path(..., pattern=HANDLE)):
    caller = authorize(request, scope="read:accounts")
    return _organisation_out(_organisation(caller.account, handle))


@api.put(
    "/organisations/{handle}/verification",
    response={200: OrganisationOut, **ERRORS},
    tags=["organisations"],
    summary="Mark an organisation verified or not (site administrators only)",
)
def verification(request: HttpRequest, body: VerificationIn, handle: str = Path(..., pattern=HANDLE)):
    caller = authorize(request, scope="write:accounts", login=True)
    organisation = _organisation(caller.account, handle)
    return _organisation_out(
        accounts.set_verified(actor=caller.user, organisation=organisation, verified=body.verified)
    )


@api.get(
    "/accounts/{handle}/posts",
    response={200: PostPage, **ERRORS},
    tags=["posts"],
    summary="An account's posts the caller may see, newest first",
)
def account_posts(
    request: HttpRequest,
    handle: str = Path(..., pattern=HANDLE),
    before: int | None = Query(None, ge=1, le=2**63 - 1),
    limit: int = Query(20, ge=1, le=40),
):
    caller = authorize(request, scope="read:statuses")
    account = viewable_account(viewer=caller.account, handle=handle)
    posts = viewable_posts(viewer=caller.account).filter(author=account).select_related("author")
    if before is not None:
        posts = posts.filter(pk__lt=before)
    page = list(posts.order_by("-id")[:limit])
    return {
        "items": _posts_out(request, caller.account, page),
        "next_before": str(page[-1].pk) if len(page) == limit else None,
    }


@api.get(
    "/posts/{post_id}",
    response={200: PostOut, **ERRORS},
    tags=["posts"],
    summary="One post, with its photos, alt texts and (for organisations) role label",
)
def post(request: HttpRequest, post_id: int = Path(..., ge=1, le=2**63 - 1)):
    caller = authorize(request, scope="read:statuses")
    found = viewable_post(viewer=caller.account, post_id=post_id)
    return _posts_out(request, caller.account, [found])[0]
