"""The API adapter's request plumbing: bearer tokens and scopes, rate limits per token and per client
address with Mastodon's X-RateLimit-* headers, request parameters in any of Mastodon's encodings, and
domain errors as JSON, mapped in one place."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_backends import get_oauthlib_core

from openhouse.accounts.models import Account
from openhouse.api import scopes as scope_rules
from openhouse.core import ratelimit
from openhouse.core.errors import Invalid, NotAllowed, NotFound, RateLimited
from openhouse.core.ids import parse_id


class Unauthorized(Exception):
    """No valid token where one is needed (401)."""

    def __init__(self, message: str = "The access token is invalid") -> None:
        super().__init__(message)
        self.message = message


class OutOfScope(Exception):
    """A valid token whose scopes do not cover the action (403)."""


class BadRequest(Exception):
    """The request cannot be read at all (400), as opposed to Invalid input (422)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Caller:
    """Who is asking: an account with a token, or nobody (AnonymousUser, no token)."""

    account: Account | AnonymousUser
    token: Any = None
    scopes: set[str] = field(default_factory=set)

    @property
    def signed_in(self) -> bool:
        return self.token is not None

    @property
    def user(self) -> Account:
        """The account of a signed-in caller (endpoints with login=True only)."""
        assert isinstance(self.account, Account)
        return self.account


def authorize(request: HttpRequest, *, scope: str | None = None, login: bool = False) -> Caller:
    """Authenticate, count the request against the rate limits, and check the token's scope.

    The usage is kept on the request (`api_usage`) so that ApiMiddleware can report it in the headers.
    Raises Unauthorized, OutOfScope or RateLimited.
    """
    caller = _authenticate(request)
    request.api_usage = _limit(request, caller)  # type: ignore[attr-defined]
    if caller.token is None and login:
        raise Unauthorized("This method requires an authenticated user")
    if caller.token is not None and scope and not scope_rules.covers(caller.scopes, scope):
        raise OutOfScope()
    return caller


def _authenticate(request: HttpRequest) -> Caller:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return Caller(AnonymousUser())
    if not header.lower().startswith("bearer "):
        raise Unauthorized()
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None) if valid else None
    if token is None or token.user is None or not token.user.is_active:
        raise Unauthorized()
    return Caller(token.user, token, set(token.scope.split()))


def _limit(request: HttpRequest, caller: Caller) -> ratelimit.Usage:
    window = settings.API_RATE_WINDOW
    address = getattr(request, "client_ip", "") or request.META.get("REMOTE_ADDR", "")
    usage = ratelimit.consume("api-ip", address, limit=settings.API_RATE_PER_IP, window=window)
    if caller.token is not None:
        usage = ratelimit.consume(
            "api-token", str(caller.token.pk), limit=settings.API_RATE_PER_TOKEN, window=window
        )
    return usage


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def rate_headers(response: HttpResponse, *, limit: int, remaining: int, reset_at: float) -> None:
    response["X-RateLimit-Limit"] = str(limit)
    response["X-RateLimit-Remaining"] = str(remaining)
    response["X-RateLimit-Reset"] = _iso(reset_at)


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(
        data, status=status, safe=False, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )


API_ERRORS = (Unauthorized, OutOfScope, BadRequest, NotFound, NotAllowed, Invalid, RateLimited)


def error_response(exc: Exception) -> JsonResponse:
    """Every error the Mastodon adapter answers, as Mastodon shapes it: {"error": sentence}."""
    if isinstance(exc, Unauthorized):
        response = json_response({"error": exc.message}, 401)
        response["WWW-Authenticate"] = 'Bearer realm="openhouse", error="invalid_token"'
        return response
    if isinstance(exc, OutOfScope):
        return json_response({"error": "This action is outside the authorized scopes"}, 403)
    if isinstance(exc, BadRequest):
        return json_response({"error": exc.message}, 400)
    if isinstance(exc, NotFound):
        return json_response({"error": "Record not found"}, 404)
    if isinstance(exc, NotAllowed):
        return json_response({"error": exc.message}, 403)
    if isinstance(exc, Invalid):
        return json_response({"error": exc.message}, 422)
    if isinstance(exc, RateLimited):
        response = json_response({"error": "Too many requests"}, 429)
        if exc.limit is not None and exc.reset_at is not None:
            rate_headers(response, limit=exc.limit, remaining=0, reset_at=exc.reset_at)
        return response
    raise exc


View = Callable[..., HttpResponse]


def endpoint(*methods: str, scope: str | None = None, login: bool = False) -> Callable[[View], View]:
    """Wrap a Mastodon endpoint `view(request, caller, **kwargs)`.

    `scope` is what a token must cover (a token sent to a public endpoint must cover it too); `login`
    makes a token necessary. Every answer carries the caller's rate-limit state. CSRF does not apply:
    the API reads bearer tokens only, never the session cookie.
    """

    def wrap(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = json_response({"error": "Method not allowed"}, 405)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                caller = authorize(request, scope=scope, login=login)
                return view(request, caller, *args, **kwargs)
            except API_ERRORS as exc:
                return error_response(exc)

        inner.api_scope = scope  # type: ignore[attr-defined]
        inner.api_login = login  # type: ignore[attr-defined]
        inner.api_methods = methods  # type: ignore[attr-defined]
        return inner

    return wrap


# Parameters ----------------------------------------------------------------------------------------------

_TRUE = {"1", "true", "on", "yes", "t"}


class Params:
    """Parameters from the query string and the body, whichever encoding Mastodon clients chose (form,
    multipart, JSON; PATCH and PUT too). Arrays come as `name[]=a&name[]=b`, `name=a&name=b` or JSON."""

    def __init__(self, request: HttpRequest) -> None:
        self.query = request.GET
        self.files: Any = {}
        self.body: Any = {}
        content_type = request.content_type or ""
        if request.method in ("GET", "HEAD", "DELETE") and not request.body:
            return
        if content_type == "application/json":
            try:
                data = json.loads(request.body or b"{}")
            except ValueError:
                raise BadRequest("The request body is not valid JSON.") from None
            if not isinstance(data, dict):
                raise BadRequest("The request body must be a JSON object.")
            self.body = data
        elif request.method == "POST":
            self.body, self.files = request.POST, request.FILES
        elif content_type == "multipart/form-data":
            try:
                self.body, self.files = MultiPartParser(
                    request.META, request, request.upload_handlers, request.encoding
                ).parse()
            except MultiPartParserError:
                raise BadRequest("The multipart body cannot be read.") from None
        else:
            self.body = QueryDict(request.body, encoding=request.encoding)

    def _raw(self, name: str) -> Any:
        for source in (self.body, self.query):
            if name in source:
                return source[name]
        return None

    def has(self, name: str) -> bool:
        return self._raw(name) is not None

    def str(self, name: str, default: str = "") -> str:
        value = self._raw(name)
        if value is None:
            return default
        if not isinstance(value, str | int | float | bool):
            raise Invalid(f"'{name}' must be text.", field=name)
        return str(value)

    def bool(self, name: str, default: bool = False) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in _TRUE

    def list(self, name: str, limit: int = 40) -> list[str]:
        for source in (self.body, self.query):
            if isinstance(source, dict) and not isinstance(source, QueryDict):
                value = source.get(name, source.get(f"{name}[]"))
                if value is None:
                    continue
                items = value if isinstance(value, list) else [value]
            else:
                items = source.getlist(f"{name}[]") or source.getlist(name)
                if not items:
                    continue
            if len(items) > limit:
                raise Invalid(f"'{name}' takes at most {limit} values; {len(items)} were sent.", field=name)
            if not all(isinstance(i, str | int) for i in items):
                raise Invalid(f"'{name}' must be a list of text values.", field=name)
            return [str(i) for i in items]
        return []

    def file(self, name: str) -> Any:
        return self.files.get(name) if self.files else None


def numeric_id(raw: str | None) -> int | None:
    """An id from the path or a parameter as our 64-bit integer, or None when it can't be one."""
    return parse_id(raw)


def by_method(**views: View) -> View:
    """One URL, several endpoints by HTTP method (each with its own scope), e.g. GET and DELETE."""
    methods = {m.upper(): v for m, v in views.items()}

    @csrf_exempt
    def dispatch(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        view = methods.get(request.method or "")
        if view is None:
            response = json_response({"error": "Method not allowed"}, 405)
            response["Allow"] = ", ".join(methods)
            return response
        return view(request, *args, **kwargs)

    dispatch.api_routes = methods  # type: ignore[attr-defined]
    return dispatch
