"""Mastodon: statuses (our photo posts, and comments as replies) and media attachments.

A post with several photos is one status with several media attachments, in the post's order. Comments are
statuses that answer a post (or a comment) and carry no photos: context lists them, and creating a status
with in_reply_to_id adds one.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from openhouse.api import entities
from openhouse.api.http import Caller, Params, by_method, endpoint, json_response, numeric_id
from openhouse.api.pagination import keyset, link_header, page_params
from openhouse.core.errors import Invalid, NotFound
from openhouse.media import services as media
from openhouse.media.access import own_unattached
from openhouse.posts import services as posts
from openhouse.posts.access import viewable_post
from openhouse.posts.models import Post
from openhouse.social import queries as social_queries
from openhouse.social import services as social
from openhouse.social.models import Comment

IDEMPOTENCY_SECONDS = 3600
PENDING = "pending"


def _post(caller: Caller, status_id: str) -> Post:
    return viewable_post(viewer=caller.account, post_id=status_id)


def _post_or_comment(caller: Caller, status_id: str) -> Post | Comment:
    try:
        return _post(caller, status_id)
    except NotFound:
        return social_queries.viewable_comment(viewer=caller.account, comment_id=status_id)


def _render(request: HttpRequest, caller: Caller, item: Post | Comment) -> dict:
    renderer = entities.Renderer(request, caller)
    return renderer.status(item) if isinstance(item, Post) else renderer.comments([item])[0]


def _create(request: HttpRequest, caller: Caller, params: Params) -> Post | Comment:
    if params.has("scheduled_at") and params.str("scheduled_at"):
        raise Invalid("Scheduled posts aren't available through this API.", field="scheduled_at")
    if params.has("poll[options][]") or params.list("poll[options]"):
        raise Invalid("Posts can't carry polls.", field="poll")
    text = params.str("status")
    reply_to = params.str("in_reply_to_id")
    media_ids = params.list("media_ids", limit=20)
    if reply_to:
        if media_ids:
            raise Invalid("Replies are comments, and comments can't carry photos.", field="media_ids")
        target = _post_or_comment(caller, reply_to)
        if isinstance(target, Post):
            return social.add_comment(actor=caller.user, post_id=target.pk, body=text)
        return social.add_comment(actor=caller.user, post_id=target.post_id, body=text, parent_id=target.pk)
    ids = [numeric_id(i) for i in media_ids]
    if any(i is None for i in ids):
        raise Invalid("One of these photos isn't available any more. Upload it again.", field="media_ids")
    return posts.create_post(author=caller.user, media_ids=[i for i in ids if i is not None], caption=text)


@endpoint("POST", scope="write:statuses", login=True)
def create(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Publish a post (or a comment, with in_reply_to_id). An Idempotency-Key header makes retries safe:
    for an hour the same key from the same account returns the first result instead of posting again."""
    params = Params(request)
    key = request.headers.get("Idempotency-Key", "")
    cache_key = ""
    if key:
        digest = hashlib.sha256(key.encode()).hexdigest()
        cache_key = f"api:idempotency:{caller.user.pk}:{digest}"
        if not cache.add(cache_key, PENDING, IDEMPOTENCY_SECONDS):
            earlier = cache.get(cache_key)
            if earlier in (None, PENDING):
                return json_response({"error": "A request with this Idempotency-Key is in progress"}, 409)
            return json_response(_render(request, caller, _post_or_comment(caller, earlier)))
    try:
        made = _create(request, caller, params)
    except Exception:
        if cache_key:
            cache.delete(cache_key)
        raise
    if cache_key:
        cache.set(cache_key, str(made.pk), IDEMPOTENCY_SECONDS)
    return json_response(_render(request, caller, made))


@endpoint("GET", scope="read:statuses")
def _show(request: HttpRequest, caller: Caller, status_id: str) -> HttpResponse:
    return json_response(_render(request, caller, _post_or_comment(caller, status_id)))


@endpoint("DELETE", scope="write:statuses", login=True)
def _destroy(request: HttpRequest, caller: Caller, status_id: str) -> HttpResponse:
    """The deleted status, with its text, as Mastodon answers (apps offer 'delete and redraft')."""
    target = _post_or_comment(caller, status_id)
    data = _render(request, caller, target)
    if isinstance(target, Post):
        data["text"] = target.caption
        posts.delete_post(actor=caller.user, post=target)
    else:
        data["text"] = target.body
        social.delete_comment(actor=caller.user, comment=target)
    return json_response(data)


status = by_method(get=_show, delete=_destroy)


@endpoint("GET", scope="read:statuses")
def context(request: HttpRequest, caller: Caller, status_id: str) -> HttpResponse:
    target = _post_or_comment(caller, status_id)
    renderer = entities.Renderer(request, caller)
    post = target if isinstance(target, Post) else target.post
    threads = social_queries.comments_for(viewer=caller.account, post=post)
    flat: list[Comment] = []
    for top in threads:
        top.post = post
        flat.append(top)
        for reply in top.replies.all():
            reply.post, reply.parent = post, top
            flat.append(reply)
    if isinstance(target, Post):
        return json_response({"ancestors": [], "descendants": renderer.comments(flat)})
    ancestors = [renderer.status(post)]
    if target.parent_id is not None:
        parent = next((c for c in flat if c.pk == target.parent_id), None)
        if parent is not None:
            ancestors += renderer.comments([parent])
    replies = [c for c in flat if c.parent_id == target.pk]
    return json_response({"ancestors": ancestors, "descendants": renderer.comments(replies)})


@endpoint("POST", scope="write:favourites", login=True)
def favourite(request: HttpRequest, caller: Caller, status_id: str) -> HttpResponse:
    post = _post(caller, status_id)
    social.like_post(actor=caller.user, post_id=post.pk)
    return json_response(entities.Renderer(request, caller).status(post))


@endpoint("POST", scope="write:favourites", login=True)
def unfavourite(request: HttpRequest, caller: Caller, status_id: str) -> HttpResponse:
    post = _post(caller, status_id)
    social.unlike_post(actor=caller.user, post_id=post.pk)
    return json_response(entities.Renderer(request, caller).status(post))


@endpoint("GET", scope="read:accounts")
def favourited_by(request: HttpRequest, caller: Caller, status_id: str) -> HttpResponse:
    post = _post(caller, status_id)
    page = page_params(request, default=40, maximum=80)
    likes = keyset(social_queries.like_links(viewer=caller.account, post=post), page)
    response = json_response(entities.Renderer(request, caller).accounts([like.account for like in likes]))
    return link_header(request, response, [like.pk for like in likes], page)


@endpoint("GET", scope="read:favourites", login=True)
def favourites(request: HttpRequest, caller: Caller) -> HttpResponse:
    page = page_params(request)
    likes = keyset(social_queries.liked_posts(viewer=caller.user), page)
    response = json_response(entities.Renderer(request, caller).statuses([like.post for like in likes]))
    return link_header(request, response, [like.pk for like in likes], page)


# Media ---------------------------------------------------------------------------------------------------


@endpoint("POST", scope="write:media", login=True)
def upload(request: HttpRequest, caller: Caller) -> HttpResponse:
    """POST /api/v2/media: the photo is cleaned and its renditions made before the answer (200, not 202)."""
    params = Params(request)
    file = params.file("file")
    if file is None:
        raise Invalid("Attach a photo as 'file'.", field="file")
    item = media.store_photo(owner=caller.user, upload=file, alt_text=params.str("description"))
    return json_response(entities.Renderer(request, caller).media(item))


@endpoint("GET", "PUT", scope="write:media", login=True)
def media_item(request: HttpRequest, caller: Caller, media_id: str) -> HttpResponse:
    """Until a post attaches it, a photo is its uploader's alone: others get the same 404 as unknown ids."""
    pk = numeric_id(media_id)
    if pk is None:
        raise NotFound()
    item = own_unattached(owner=caller.user, ids=[pk])[0]
    if request.method == "PUT":
        params = Params(request)
        if params.has("description"):
            item = media.update_alt_text(actor=caller.user, item=item, alt_text=params.str("description"))
    return json_response(entities.Renderer(request, caller).media(item))
