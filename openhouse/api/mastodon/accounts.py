"""Mastodon: accounts and relationships. Each endpoint asks posts.access, then one service or query."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from openhouse.accounts import services as accounts
from openhouse.accounts.models import HANDLE_MAX, Account
from openhouse.api import entities
from openhouse.api.http import Caller, Params, endpoint, json_response
from openhouse.api.pagination import keyset, link_header, page_params
from openhouse.core.errors import Invalid, NotFound
from openhouse.media import services as media
from openhouse.posts.access import (
    can_see_posts_of,
    viewable_account,
    viewable_account_by_id,
    viewable_accounts_by_ids,
    viewable_posts,
)
from openhouse.social import queries as social_queries
from openhouse.social import services as social


def _account(caller: Caller, account_id: str) -> Account:
    return viewable_account_by_id(viewer=caller.account, account_id=account_id)


@endpoint("GET", scope="read:accounts", login=True)
def verify_credentials(request: HttpRequest, caller: Caller) -> HttpResponse:
    return json_response(entities.Renderer(request, caller).account(caller.user, source=True))


@endpoint("PATCH", "POST", scope="write:accounts", login=True)
def update_credentials(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Change the profile; parameters left out keep their value. Avatar and text change together or not."""
    params = Params(request)
    me = caller.user
    link = me.link
    fields = [params.str(f"fields_attributes[{i}][value]") for i in range(4)]
    if any(params.has(f"fields_attributes[{i}][value]") for i in range(4)):
        link = next((f for f in fields if f.startswith(("http://", "https://"))), "")
    try:
        with transaction.atomic():
            accounts.update_profile(
                actor=me,
                account=me,
                display_name=params.str("display_name", me.display_name),
                bio=params.str("note", me.bio),
                link=link,
                is_private=params.bool("locked", me.is_private),
            )
            avatar = params.file("avatar")
            if avatar is not None:
                media.replace_avatar(actor=me, account=me, upload=avatar)
    except Invalid:
        me.refresh_from_db()
        raise
    return json_response(entities.Renderer(request, caller).account(me, source=True))


@endpoint("GET", scope="read:accounts")
def lookup(request: HttpRequest, caller: Caller) -> HttpResponse:
    acct = request.GET.get("acct", "").strip().lstrip("@")
    handle, _, domain = acct.partition("@")
    if not handle or len(handle) > HANDLE_MAX or (domain and domain != request.get_host()):
        raise NotFound()  # a longer name is no handle here (cutting it could find someone else)
    account = viewable_account(viewer=caller.account, handle=handle)
    return json_response(entities.Renderer(request, caller).account(account))


@endpoint("GET", scope="read:accounts")
def account(request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    return json_response(entities.Renderer(request, caller).account(_account(caller, account_id)))


@endpoint("GET", scope="read:statuses")
def statuses(request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    """The account's posts the caller may see (none of a private account's unless an accepted follower)."""
    account = _account(caller, account_id)
    page = page_params(request)
    posts = []
    # Photo posts only, never replies (comments) or pins: those filters leave lists whole or empty.
    if request.GET.get("pinned", "").lower() not in ("true", "1"):
        visible = viewable_posts(viewer=caller.account).filter(author=account).select_related("author")
        tagged = request.GET.get("tagged", "").lstrip("#").lower()[:100]
        if tagged:
            visible = visible.filter(hashtags__name=tagged)
        posts = keyset(visible, page)
    response = json_response(entities.Renderer(request, caller).statuses(posts))
    return link_header(request, response, [p.pk for p in posts], page)


def _people(request: HttpRequest, caller: Caller, account_id: str, which: str) -> HttpResponse:
    account = _account(caller, account_id)
    page = page_params(request, default=40, maximum=80)
    if not can_see_posts_of(viewer=caller.account, account=account):
        links = []
    elif which == "followers":
        links = keyset(social_queries.follower_links(viewer=caller.account, account=account), page)
    else:
        links = keyset(social_queries.following_links(viewer=caller.account, account=account), page)
    people = [link.follower if which == "followers" else link.followee for link in links]
    response = json_response(entities.Renderer(request, caller).accounts(people))
    return link_header(request, response, [link.pk for link in links], page)


@endpoint("GET", scope="read:accounts")
def followers(request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    return _people(request, caller, account_id, "followers")


@endpoint("GET", scope="read:accounts")
def following(request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    return _people(request, caller, account_id, "following")


def _relationship(request: HttpRequest, caller: Caller, target: Account) -> HttpResponse:
    rel = social_queries.relationship(viewer=caller.user, account=target)
    return json_response(entities.relationship(target, rel))


def _act(verb, request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    target = _account(caller, account_id)
    verb(actor=caller.user, target=target)
    return _relationship(request, caller, target)


@endpoint("POST", scope="write:follows", login=True)
def follow(request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    return _act(social.follow, request, caller, account_id)


@endpoint("POST", scope="write:follows", login=True)
def unfollow(request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    return _act(social.unfollow, request, caller, account_id)


@endpoint("POST", scope="write:blocks", login=True)
def block(request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    return _act(social.block, request, caller, account_id)


@endpoint("POST", scope="write:blocks", login=True)
def unblock(request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    """A blocked account is a 404 to the blocker's other lookups; here the blocker's own block is looked through."""
    target = viewable_account_by_id(viewer=caller.account, account_id=account_id, through_own_block=True)
    social.unblock(actor=caller.user, target=target)
    return _relationship(request, caller, target)


@endpoint("POST", scope="write:mutes", login=True)
def mute(request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    return _act(social.mute, request, caller, account_id)


@endpoint("POST", scope="write:mutes", login=True)
def unmute(request: HttpRequest, caller: Caller, account_id: str) -> HttpResponse:
    return _act(social.unmute, request, caller, account_id)


@endpoint("GET", scope="read:follows", login=True)
def relationships(request: HttpRequest, caller: Caller) -> HttpResponse:
    ids = Params(request).list("id", limit=40)
    targets = viewable_accounts_by_ids(viewer=caller.account, account_ids=ids)
    rels = social_queries.relationships(viewer=caller.user, accounts=targets)
    return json_response([entities.relationship(t, rels[t.pk]) for t in targets])
