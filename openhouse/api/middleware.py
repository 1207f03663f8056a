"""Headers of every API answer: the caller's rate-limit state, and cross-origin access for browser apps.

The API authenticates by bearer token only, never by the session cookie, so any origin may call it: a
page on another site cannot act as a signed-in visitor, because browsers send it no token.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from openhouse.api.http import rate_headers

PREFIXES = ("/api/", "/oauth/token", "/oauth/revoke", "/.well-known/oauth-authorization-server")


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIXES):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Idempotency-Key"
            response["Access-Control-Max-Age"] = "3600"
        else:
            response = self.get_response(request)
            usage = getattr(request, "api_usage", None)
            if usage is not None and "X-RateLimit-Limit" not in response:
                rate_headers(response, limit=usage.limit, remaining=usage.remaining, reset_at=usage.reset_at)
            response["Access-Control-Expose-Headers"] = (
                "Link, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
            )
        response["Access-Control-Allow-Origin"] = "*"
        return response
