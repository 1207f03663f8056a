"""Mastodon: timelines (home, public, tag), notifications, markers and search."""

from django.http import HttpRequest, HttpResponse

from openhouse.accounts.models import Mute
from openhouse.api import entities
from openhouse.api.http import Caller, Params, by_method, endpoint, json_response, numeric_id
from openhouse.api.models import Marker
from openhouse.api.pagination import keyset, link_header, page_params
from openhouse.api.services import save_markers
from openhouse.core.errors import Invalid, NotFound
from openhouse.feeds import discovery
from openhouse.feeds.services import home_feed, home_feed_after
from openhouse.posts.access import viewable_post, viewable_posts
from openhouse.social import queries as social_queries
from openhouse.social import services as social

KINDS_BY_TYPE: dict[str, list[str]] = {}
for _kind, _type in entities.NOTIFICATION_TYPES.items():
    KINDS_BY_TYPE.setdefault(_type, []).append(str(_kind))


def _posts_response(request: HttpRequest, caller: Caller, posts: list, page) -> HttpResponse:
    response = json_response(entities.Renderer(request, caller).statuses(posts))
    return link_header(request, response, [p.pk for p in posts], page)


@endpoint("GET", scope="read:statuses", login=True)
def home(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The home feed (feeds.services): the caller's and followed accounts' posts, newest first."""
    page = page_params(request)
    if page.min_id is not None or page.since_id is not None:
        after = page.min_id if page.min_id is not None else page.since_id
        posts = home_feed_after(
            viewer=caller.user, after=after or 0, limit=page.limit, oldest_first=page.min_id is not None
        )
        if page.max_id is not None:
            posts = [p for p in posts if p.pk < page.max_id]
    else:
        posts = home_feed(viewer=caller.user, before=page.max_id, limit=page.limit)
    return _posts_response(request, caller, posts, page)


@endpoint("GET", scope="read:statuses")
def public(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Everyone's public posts, newest first (private accounts' posts never, even for followers)."""
    page = page_params(request)
    posts = viewable_posts(viewer=caller.account).filter(author__is_private=False)
    if caller.signed_in:
        posts = posts.exclude(
            author_id__in=Mute.objects.filter(muter_id=caller.account.pk).values("muted_id")
        )
    return _posts_response(request, caller, keyset(posts.select_related("author"), page), page)


@endpoint("GET", scope="read:statuses")
def tag(request: HttpRequest, caller: Caller, name: str) -> HttpResponse:
    page = page_params(request)
    tag_name = discovery.hashtag_name(name)
    found = discovery.find_hashtag(tag_name) if tag_name else None
    posts = []
    if found is not None:
        posts = keyset(
            viewable_posts(viewer=caller.account).filter(hashtags=found).select_related("author"), page
        )
    return _posts_response(request, caller, posts, page)


# Notifications -------------------------------------------------------------------------------------------


def _kinds(params: Params) -> list[str] | None:
    types = params.list("types", limit=20)
    excluded = set(params.list("exclude_types", limit=20))
    if not types and not excluded:
        return None
    wanted = types or list(KINDS_BY_TYPE)
    return [k for t in wanted if t not in excluded for k in KINDS_BY_TYPE.get(t, [])]


@endpoint("GET", scope="read:notifications", login=True)
def notifications(request: HttpRequest, caller: Caller) -> HttpResponse:
    page = page_params(request, default=40, maximum=80)
    rows = keyset(social_queries.notifications(viewer=caller.user, kinds=_kinds(Params(request))), page)
    response = json_response(entities.Renderer(request, caller).notifications(rows))
    return link_header(request, response, [n.pk for n in rows], page)


@endpoint("GET", scope="read:notifications", login=True)
def notification(request: HttpRequest, caller: Caller, notification_id: str) -> HttpResponse:
    pk = numeric_id(notification_id)
    if pk is None:
        raise NotFound()
    row = social_queries.notification(viewer=caller.user, notification_id=pk)
    return json_response(entities.Renderer(request, caller).notifications([row])[0])


@endpoint("POST", scope="write:notifications", login=True)
def clear(request: HttpRequest, caller: Caller) -> HttpResponse:
    social.clear_notifications(actor=caller.user)
    return json_response({})


@endpoint("POST", scope="write:notifications", login=True)
def dismiss(request: HttpRequest, caller: Caller, notification_id: str) -> HttpResponse:
    pk = numeric_id(notification_id)
    if pk is None:
        raise NotFound()
    social.dismiss_notification(actor=caller.user, notification_id=pk)
    return json_response({})


# Markers -------------------------------------------------------------------------------------------------


def _markers(markers: list[Marker]) -> dict:
    return {
        m.timeline: {
            "last_read_id": str(m.last_read_id),
            "version": m.version,
            "updated_at": entities.iso(m.updated_at),
        }
        for m in markers
    }


@endpoint("GET", scope="read:statuses", login=True)
def _read_markers(request: HttpRequest, caller: Caller) -> HttpResponse:
    wanted = Params(request).list("timeline", limit=2) or list(Marker.Timeline.values)
    return json_response(_markers(list(Marker.objects.filter(account=caller.user, timeline__in=wanted))))


@endpoint("POST", scope="write:statuses", login=True)
def _save_markers(request: HttpRequest, caller: Caller) -> HttpResponse:
    params = Params(request)
    positions = {}
    for timeline in Marker.Timeline.values:
        raw = params.str(f"{timeline}[last_read_id]")
        if not raw and isinstance(params.body, dict) and isinstance(params.body.get(timeline), dict):
            raw = str(params.body[timeline].get("last_read_id", ""))
        if raw:
            value = numeric_id(raw)
            if value is None:
                raise Invalid("last_read_id must be a status or notification id.", field=timeline)
            positions[timeline] = value
    return json_response(_markers(save_markers(actor=caller.user, positions=positions)))


markers = by_method(get=_read_markers, post=_save_markers)


# Search --------------------------------------------------------------------------------------------------


def _status_by_url(request: HttpRequest, caller: Caller, q: str) -> list:
    """A post's own address (https://this-site/p/<id>/) finds that post, when the caller may see it."""
    base = request.build_absolute_uri("/p/")
    if not q.startswith(base):
        return []
    post_id = q[len(base) :].strip("/").split("/")[0]
    try:
        post = viewable_post(viewer=caller.account, post_id=post_id)
    except NotFound:
        return []
    return [post]


@endpoint("GET", scope="read:search")
def search(request: HttpRequest, caller: Caller) -> HttpResponse:
    q = request.GET.get("q", "")[: discovery.QUERY_MAX].strip()
    kind = request.GET.get("type", "")
    offset = request.GET.get("offset", "0")
    page = page_params(request, default=20, maximum=40)
    renderer = entities.Renderer(request, caller)
    accounts, tags, posts = [], [], []
    if q and offset in ("", "0"):
        if kind in ("", "accounts"):
            accounts = discovery.search_accounts(caller.account, q)[: page.limit]
        if kind in ("", "hashtags"):
            tags = discovery.search_hashtags(q, viewer=caller.account)[: page.limit]
        if kind in ("", "statuses"):
            posts = _status_by_url(request, caller, q)
    return json_response(
        {
            "accounts": renderer.accounts(accounts),
            "statuses": renderer.statuses(posts),
            "hashtags": [
                {
                    "name": t.name,
                    "url": f"{renderer.base}/tags/{t.name}/",
                    "history": [],
                    "following": False,
                }
                for t in tags
            ],
        }
    )
