"""Who may do what through the API: scopes on every write route, blocks, private accounts, foreign media,
and organisation members who never appear."""

import json
import re

import pytest
from django.urls import URLPattern

from openhouse.accounts.models import Block, Follow, Mute
from openhouse.api import scopes as scope_rules
from openhouse.api.urls import mastodon_patterns
from openhouse.media import services as media
from openhouse.media.models import MediaItem
from openhouse.posts import services as posts
from openhouse.posts.models import Post
from openhouse.social import services as social
from openhouse.social.models import Comment, Like, Notification
from tests.conftest import jpeg_bytes, publish_for_organisation, upload

pytestmark = pytest.mark.django_db

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def routes():
    """(method, path regex, scope, login) for every Mastodon endpoint, read from the URL table itself."""
    out = []
    for pattern in mastodon_patterns:
        assert isinstance(pattern, URLPattern)
        views = getattr(pattern.callback, "api_routes", None) or {
            m: pattern.callback for m in pattern.callback.api_methods
        }
        for method, view in views.items():
            out.append((method, pattern.pattern.regex.pattern, view.api_scope, view.api_login))
    return out


def photo_post(author, caption="", n=1):
    if author.is_organisation:  # only through drafting and review, by members desk.writer and desk.checker
        return publish_for_organisation(author, caption=caption, count=n)
    items = media.store_photos(owner=author, uploads=[upload(jpeg_bytes((64, 64))) for _ in range(n)])
    return posts.create_post(author=author, media_ids=[i.pk for i in items], caption=caption)


def org_post(organisation, author, reviewer, caption="", n=1, label=None):
    """An organisation's post, the only way there is: a draft, submitted, approved by another and published."""
    from openhouse.publishing import services as publishing
    from tests.publishing.conftest import write_draft

    draft = publishing.submit_draft(
        actor=author, draft=write_draft(author, organisation, caption=caption, label=label, count=n)
    )
    draft = publishing.approve_draft(
        reviewer=reviewer, draft=draft, revision=draft.revision, publish_now=True
    )
    draft.refresh_from_db()
    return draft.post


def test_every_write_route_needs_a_write_scope():
    for method, path, scope, login in routes():
        if method in WRITES and path != "^v1/apps/?$":
            assert scope and (scope.startswith("write") or scope in scope_rules.FOLLOW_COVERS), (method, path)
            assert scope.startswith("write"), (method, path, scope)
            assert login, (method, path)


def _fill(path: str, ids: dict) -> str:
    path = path.removeprefix("^").removesuffix("/?$")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(ids[m.group(1)]), path)
    return "/api/" + path


def _state():
    return (
        Post.objects.count(),
        Like.objects.count(),
        Comment.objects.count(),
        Follow.objects.count(),
        Block.objects.count(),
        Mute.objects.count(),
        Notification.objects.count(),
        list(MediaItem.objects.values_list("alt_text", flat=True).order_by("pk")),
    )


def test_a_read_only_token_cannot_write_anywhere(api, member_of_public, outsider):
    """Pixelfed 2024: a read-only token could post. Every write route, any body: 403 and nothing changes."""
    post = photo_post(member_of_public, "hello")
    social.like_post(actor=outsider, post_id=post.pk)
    mine = media.store_photo(owner=outsider, upload=upload(jpeg_bytes((64, 64))), alt_text="before")
    note = Notification.objects.filter(recipient=member_of_public).first()
    ids = {
        "account_id": member_of_public.pk,
        "status_id": post.pk,
        "media_id": mine.pk,
        "notification_id": note.pk,
        "name": "x",
    }
    reader = api(outsider, scopes="read")
    before = _state()
    body = {"status": "sneaky", "media_ids[]": [mine.pk], "description": "after", "display_name": "Changed"}
    checked = 0
    for method, path, _scope, _ in routes():
        if method not in WRITES or path == "^v1/apps/?$":
            continue
        url = _fill(path, ids)
        r = reader.client.generic(
            method,
            url,
            json.dumps(body),
            content_type="application/json",
            headers=reader.headers,
        )
        assert r.status_code == 403, (method, url, r.status_code, r.content)
        checked += 1
    assert checked >= 18
    assert _state() == before
    outsider.refresh_from_db()
    assert outsider.display_name == "Out Sider"


def test_a_write_scope_is_enough_for_what_it_names(api, member_of_public, outsider):
    post = photo_post(member_of_public)
    liker = api(outsider, scopes="read write:favourites")
    assert liker.post(f"/api/v1/statuses/{post.pk}/favourite").status_code == 200
    assert liker.post(f"/api/v1/accounts/{member_of_public.pk}/follow").status_code == 403
    follower = api(outsider, scopes="read follow")  # the old `follow` scope covers follows, blocks, mutes
    assert follower.post(f"/api/v1/accounts/{member_of_public.pk}/follow").status_code == 200
    assert follower.post("/api/v1/statuses", {"status": "x"}).status_code == 403


def test_an_app_gets_no_more_than_it_registered(client, member_of_public):
    from tests.api.conftest import authorize, register_app

    app = register_app(client, scopes="read")
    client.force_login(member_of_public)
    page = client.get(
        "/oauth/authorize",
        {
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
            "scope": "read write",
        },
    )
    assert "to use your account?" not in page.content.decode()  # no consent offered for unregistered scopes
    assert 'id="authorization-code"' not in page.content.decode()
    client.logout()
    code = authorize(client, member_of_public, app, "read")
    assert code


def test_no_token_or_a_bad_token(api, member_of_public):
    anonymous = api()
    assert anonymous.get("/api/v1/timelines/home").status_code == 401
    assert anonymous.post("/api/v1/statuses", {"status": "x"}).status_code == 401
    assert anonymous.get("/api/v1/timelines/public").status_code == 200
    forged = api()
    forged.headers = {"Authorization": "Bearer not-a-token"}
    r = forged.get("/api/v1/timelines/public")
    assert r.status_code == 401 and "WWW-Authenticate" in r


def test_a_blocked_user_cannot_see_the_blockers_statuses(api, member_of_public, outsider):
    post = photo_post(member_of_public, "after the block #archives")
    reader = api(outsider)
    reader.post(f"/api/v1/accounts/{member_of_public.pk}/follow")
    assert reader.get(f"/api/v1/statuses/{post.pk}").status_code == 200
    social.block(actor=member_of_public, target=outsider)

    for path in [
        f"/api/v1/statuses/{post.pk}",
        f"/api/v1/statuses/{post.pk}/context",
        f"/api/v1/statuses/{post.pk}/favourited_by",
        f"/api/v1/accounts/{member_of_public.pk}",
        f"/api/v1/accounts/{member_of_public.pk}/statuses",
        f"/api/v1/accounts/{member_of_public.pk}/followers",
        f"/api/v1/accounts/lookup?acct={member_of_public.handle}",
    ]:
        assert reader.get(path).status_code == 404, path
    assert reader.post(f"/api/v1/statuses/{post.pk}/favourite").status_code == 404
    assert reader.post("/api/v1/statuses", {"status": "hi", "in_reply_to_id": post.pk}).status_code == 404
    for path in ["/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/timelines/tag/archives"]:
        r = reader.get(path)
        assert r.status_code == 200 and r.json() == [], path
    found = reader.get("/api/v2/search", {"q": member_of_public.handle}).json()
    assert found["accounts"] == [] and found["hashtags"] == []
    assert str(post.pk) not in json.dumps(
        reader.get(f"/api/v2/search?q=http://testserver/p/{post.pk}/").json()
    )


def test_private_accounts_posts_reach_accepted_followers_only(api, member_of_public, outsider):
    member_of_public.is_private = True
    member_of_public.save()
    post = photo_post(member_of_public, "for followers")
    reader = api(outsider)
    assert reader.get(f"/api/v1/statuses/{post.pk}").status_code == 404
    assert reader.get(f"/api/v1/accounts/{member_of_public.pk}/statuses").json() == []
    rel = reader.post(f"/api/v1/accounts/{member_of_public.pk}/follow").json()
    assert rel["requested"] and not rel["following"]
    assert reader.get(f"/api/v1/statuses/{post.pk}").status_code == 404
    social.answer_follow_request(actor=member_of_public, requester=outsider, approve=True)
    assert reader.get(f"/api/v1/statuses/{post.pk}").json()["visibility"] == "private"
    assert reader.get("/api/v1/timelines/public").json() == []


def test_anothers_uploads_are_not_found(api, member_of_public, outsider):
    """Takahē 2023: attaching someone else's upload by id. Foreign ids answer like unknown ones."""
    theirs = media.store_photo(owner=member_of_public, upload=upload(jpeg_bytes((64, 64))))
    me = api(outsider)
    unknown = me.post("/api/v1/statuses", {"status": "x", "media_ids[]": [theirs.pk + 1]})
    foreign = me.post("/api/v1/statuses", {"status": "x", "media_ids[]": [theirs.pk]})
    assert foreign.status_code == unknown.status_code == 422
    assert foreign.json() == unknown.json()
    assert me.get(f"/api/v1/media/{theirs.pk}").status_code == 404
    assert me.put(f"/api/v1/media/{theirs.pk}", {"description": "mine now"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.post_id is None and theirs.alt_text == ""


def test_organisation_posts_show_the_organisation_never_the_member(
    api, organisation, officer, reviewer, outsider
):
    post = org_post(organisation, officer, reviewer, "Consider all angles")
    reader = api(outsider)
    reader.post(f"/api/v1/accounts/{organisation.pk}/follow")
    responses = [
        reader.get(f"/api/v1/statuses/{post.pk}"),
        reader.get(f"/api/v1/statuses/{post.pk}/context"),
        reader.get(f"/api/v1/accounts/{organisation.pk}"),
        reader.get(f"/api/v1/accounts/{organisation.pk}/statuses"),
        reader.get(f"/api/v1/accounts/{organisation.pk}/followers"),
        reader.get(f"/api/v1/accounts/{organisation.pk}/following"),
        reader.get("/api/v1/timelines/home"),
        reader.get("/api/v1/timelines/public"),
        reader.get("/api/v2/search", {"q": "mi5"}),
        reader.get("/api/v1/accounts/lookup", {"acct": "mi5official"}),
    ]
    for r in responses:
        assert r.status_code == 200
        text = r.content.decode()
        for canary in (
            "officer.canary",
            "Canary Officer Realname",
            "officer.canary@example.org",
            "desk.writer",
            "desk.checker",
            "Desk Writer",
            "Desk Checker",
            '"' + str(officer.pk) + '"',  # as a whole JSON string id, not the tail of another id
        ):
            assert canary not in text, (r.request["PATH_INFO"], canary)
    status = responses[0].json()
    assert status["account"]["username"] == "mi5official"
    verified = [f for f in status["account"]["fields"] if f["verified_at"]]
    assert len(verified) == 1 and "mi5official" in verified[0]["value"]
