"""Mastodon's keyset pagination: max_id, since_id and min_id on our time-sortable ids, limit, and the
Link header that tells clients the next and previous pages."""

from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from openhouse.api.http import numeric_id
from openhouse.core.ids import parse_id

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    max_id: int | None = None  # older than
    since_id: int | None = None  # newer than, newest first
    min_id: int | None = None  # newer than, the ones just after it
    limit: int = 20


def page_params(request: HttpRequest, *, default: int = 20, maximum: int = 40) -> Page:
    raw_limit = request.GET.get("limit", "")
    limit = parse_id(raw_limit, max_digits=5)
    limit = default if limit is None else limit
    return Page(
        max_id=numeric_id(request.GET.get("max_id")),
        since_id=numeric_id(request.GET.get("since_id")),
        min_id=numeric_id(request.GET.get("min_id")),
        limit=min(max(limit, 1), maximum),
    )


def keyset(queryset: QuerySet[Any], page: Page, key: str = "pk") -> list[Any]:
    """One page of `queryset`, newest (highest key) first, whatever the direction asked."""
    if page.max_id is not None:
        queryset = queryset.filter(**{f"{key}__lt": page.max_id})
    if page.since_id is not None:
        queryset = queryset.filter(**{f"{key}__gt": page.since_id})
    if page.min_id is not None:
        rows = list(queryset.filter(**{f"{key}__gt": page.min_id}).order_by(key)[: page.limit])
        rows.reverse()
        return rows
    return list(queryset.order_by(f"-{key}")[: page.limit])


def link_header(request: HttpRequest, response: HttpResponse, ids: list[int], page: Page) -> HttpResponse:
    """Set Link: rel="next" (older, max_id) and rel="prev" (newer, min_id), keeping other parameters."""
    if not ids:
        return response
    kept = {k: v for k, v in request.GET.lists() if k not in ("max_id", "since_id", "min_id")}
    base = request.build_absolute_uri(request.path)

    def url(**extra: int) -> str:
        params = [(k, v) for k, values in kept.items() for v in values] + [
            (k, str(v)) for k, v in extra.items()
        ]
        return f"{base}?{urlencode(params)}"

    links = []
    if len(ids) >= page.limit:
        links.append(f'<{url(max_id=ids[-1])}>; rel="next"')
    links.append(f'<{url(min_id=ids[0])}>; rel="prev"')
    response["Link"] = ", ".join(links)
    return response
