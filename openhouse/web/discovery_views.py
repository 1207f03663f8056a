"""Discovery pages: explore, search, hashtags. Each parses input, asks feeds.discovery, renders.

Everything listed comes from feeds.discovery, which filters posts through posts.access.viewable_posts.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openhouse.core.ids import parse_id
from openhouse.feeds import discovery
from openhouse.posts.queries import GRID_PAGE

TABS = ("top", "recent")


def _number(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return parse_id(raw)


@require_GET
def explore(request: HttpRequest) -> HttpResponse:
    page = min(max(_number(request, "page") or 1, 1), discovery.EXPLORE_PAGES)
    grid = discovery.explore(viewer=request.user, page=page)
    more = page + 1 if len(grid) == GRID_PAGE and page < discovery.EXPLORE_PAGES else None
    return render(request, "web/explore.html", {"grid": grid, "more": more})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[: discovery.QUERY_MAX].strip()
    accounts = discovery.search_accounts(request.user, q) if q else []
    tags = discovery.search_hashtags(q, viewer=request.user) if q else []
    return render(request, "web/search.html", {"q": q, "accounts": accounts, "tags": tags})


@require_GET
def hashtag(request: HttpRequest, name: str) -> HttpResponse:
    """Top: the most engaging recent posts with the tag. Recent: all of them, newest first, by pages."""
    tag_name = discovery.hashtag_name(name)
    if tag_name is None:
        raise Http404()
    tab = request.GET.get("tab", "top")
    tab = tab if tab in TABS else "top"
    tag = discovery.find_hashtag(tag_name)
    grid, more = [], None
    if tag is not None and tab == "top":
        grid = discovery.hashtag_top(viewer=request.user, tag=tag)
    elif tag is not None:
        grid = discovery.hashtag_recent(viewer=request.user, tag=tag, before=_number(request, "before"))
        more = grid[-1].pk if len(grid) == GRID_PAGE else None
    return render(request, "web/hashtag.html", {"name": tag_name, "tab": tab, "grid": grid, "more": more})
