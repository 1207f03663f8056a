"""Request plumbing for every adapter: the client's address, size limits, and domain errors as pages."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openhouse.core.errors import NotAllowed, NotFound, RateLimited, TwoFactorRequired


def client_address(remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str:
    """The client's address: REMOTE_ADDR, unless a configured number of proxies appended to X-Forwarded-For.

    With N trusted proxies only the N-th entry from the right was written by a proxy we trust; anything to
    its left was sent by the client and may be forged.
    """
    if trusted_proxies <= 0:
        return remote_addr
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    if len(hops) < trusted_proxies:
        return remote_addr
    return hops[-trusted_proxies]


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.client_ip = client_address(  # type: ignore[attr-defined]
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            settings.TRUSTED_PROXY_COUNT,
        )
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse bodies larger than a full carousel before Django reads them (Django has no file size cap)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            limit_mb = settings.MEDIA_MAX_BYTES // (1024 * 1024)
            return HttpResponse(
                f"This upload is too large. Each photo may be up to {limit_mb} MB, and a post holds up to 10.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class DomainErrorMiddleware:
    """Domain errors that escape a view become the matching page, in one place for the web adapter."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return _error_page(request, "Page not found", exception.message, 404)
        if isinstance(exception, TwoFactorRequired):
            return render(request, "web/two_factor_required.html", {"message": exception.message}, status=403)
        if isinstance(exception, NotAllowed):
            return _error_page(request, "Not allowed", exception.message, 403)
        if isinstance(exception, RateLimited):
            return _error_page(request, "Slow down", exception.message, 429)
        return None


def _error_page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "web/error.html", {"title": title, "message": message}, status=status)
