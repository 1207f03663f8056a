"""Cross-origin access to the API for browser-based Mastodon apps.

The API authenticates by bearer token only, never by the session cookie, so any origin may call it: a
page on another site cannot act as a signed-in visitor, because browsers send it no token.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PREFIXES = ("/api/", "/oauth/token", "/oauth/revoke", "/.well-known/oauth-authorization-server")


class CrossOriginMiddleware:
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
            response["Access-Control-Expose-Headers"] = (
                "Link, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
            )
        response["Access-Control-Allow-Origin"] = "*"
        return response
