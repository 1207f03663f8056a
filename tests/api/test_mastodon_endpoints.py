"""Mastodon endpoints through the HTTP client: shapes, pagination and query counts on timelines."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openhouse.api.models import Marker
from openhouse.social import services as social
from openhouse.social.models import Notification
from tests.api.test_authorization import photo_post
from tests.conftest import jpeg_bytes, person, upload

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    return [int(s["id"]) for s in response.json()]


def test_home_timeline_pages_with_max_since_and_min_id(api, member_of_public, outsider):
    made = [photo_post(member_of_public, f"post {n}").pk for n in range(5)]
    reader = api(outsider)
    reader.post(f"/api/v1/accounts/{member_of_public.pk}/follow")
    newest_first = sorted(made, reverse=True)
    first = reader.get("/api/v1/timelines/home", {"limit": 2})
    assert _ids(first) == newest_first[:2]
    assert 'rel="next"' in first["Link"] and f"max_id={newest_first[1]}" in first["Link"]
    assert (
        _ids(reader.get("/api/v1/timelines/home", {"max_id": newest_first[1], "limit": 2}))
        == newest_first[2:4]
    )
    assert (
        _ids(reader.get("/api/v1/timelines/home", {"since_id": newest_first[3], "limit": 2}))
        == newest_first[:2]
    )
    assert (
        _ids(reader.get("/api/v1/timelines/home", {"min_id": newest_first[3], "limit": 2}))
        == newest_first[1:3]
    )
    last = reader.get("/api/v1/timelines/home", {"max_id": newest_first[3]})
    assert _ids(last) == newest_first[4:] and 'rel="next"' not in last["Link"]


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path", ["/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/timelines/tag/launch", "ACCOUNT"]
)
def test_timelines_cost_the_same_queries_for_2_or_12_posts(api, member_of_public, outsider, path):
    reader = api(outsider)
    reader.post(f"/api/v1/accounts/{member_of_public.pk}/follow")
    path = path.replace("ACCOUNT", f"/api/v1/accounts/{member_of_public.pk}/statuses")
    for n in range(2):
        photo_post(member_of_public, f"#launch {n} @outsider", n=2)
    few = _count_queries(reader, path)
    for n in range(10):
        post = photo_post(member_of_public, f"#launch more {n}", n=3)
        social.like_post(actor=outsider, post_id=post.pk)
    many = _count_queries(reader, path)
    assert many == few, (few, many)
    assert many <= 14


def test_notifications_list_get_dismiss_and_clear(api, member_of_public, outsider):
    post = photo_post(member_of_public)
    social.follow(actor=outsider, target=member_of_public)
    social.like_post(actor=outsider, post_id=post.pk)
    social.add_comment(actor=outsider, post_id=post.pk, body="Welcome @curious.teen")
    me = api(member_of_public)
    listed = me.get("/api/v1/notifications").json()
    assert [n["type"] for n in listed] == ["mention", "favourite", "follow"]
    assert listed[0]["status"]["in_reply_to_id"] == str(post.pk)
    assert [n["type"] for n in me.get("/api/v1/notifications", {"types[]": ["follow"]}).json()] == ["follow"]
    assert [n["type"] for n in me.get("/api/v1/notifications?exclude_types[]=mention").json()] == [
        "favourite",
        "follow",
    ]
    one = listed[1]["id"]
    assert me.get(f"/api/v1/notifications/{one}").json()["type"] == "favourite"
    other = api(outsider)
    assert other.get(f"/api/v1/notifications/{one}").status_code == 404
    assert other.post(f"/api/v1/notifications/{one}/dismiss").status_code == 404
    assert me.post(f"/api/v1/notifications/{one}/dismiss").status_code == 200
    assert len(me.get("/api/v1/notifications").json()) == 2
    assert me.post("/api/v1/notifications/clear").status_code == 200
    assert not Notification.objects.filter(recipient=member_of_public).exists()


def test_replies_are_comments_and_context_lists_them(api, member_of_public, outsider):
    post = photo_post(member_of_public, "A question?")
    reader = api(outsider)
    comment = reader.post("/api/v1/statuses", {"status": "An answer", "in_reply_to_id": post.pk}).json()
    assert comment["in_reply_to_id"] == str(post.pk) and comment["media_attachments"] == []
    reply = api(member_of_public).post(
        "/api/v1/statuses", {"status": "Thanks", "in_reply_to_id": comment["id"]}
    )
    assert reply.json()["in_reply_to_id"] == comment["id"]
    context = reader.get(f"/api/v1/statuses/{post.pk}/context").json()
    assert [s["content"] for s in context["descendants"]] == ["<p>An answer</p>", "<p>Thanks</p>"]
    sub = reader.get(f"/api/v1/statuses/{reply.json()['id']}/context").json()
    assert [s["id"] for s in sub["ancestors"]] == [str(post.pk), comment["id"]]
    assert reader.get(f"/api/v1/statuses/{post.pk}").json()["replies_count"] == 2
    assert reader.delete(f"/api/v1/statuses/{comment['id']}").json()["text"] == "An answer"
    assert reader.get(f"/api/v1/statuses/{post.pk}/context").json()["descendants"] == []


def test_an_over_long_reply_is_refused_with_its_real_length_and_stores_nothing(
    api, member_of_public, outsider
):
    post = photo_post(member_of_public, "Say a lot?")
    r = api(outsider).post("/api/v1/statuses", {"status": "x" * 6000, "in_reply_to_id": post.pk})
    assert r.status_code == 422 and "6,000" in r.json()["error"]
    assert api(outsider).get(f"/api/v1/statuses/{post.pk}/context").json()["descendants"] == []


def test_lookup_finds_only_the_exact_handle(api, member_of_public, outsider):
    reader = api(outsider)
    found = reader.get("/api/v1/accounts/lookup", {"acct": member_of_public.handle})
    assert found.json()["id"] == str(member_of_public.pk)
    longer = (member_of_public.handle + "x" * 30)[:31]
    person(longer[:30], "Thirty Characters")  # what cutting the longer name to 30 would find
    assert reader.get("/api/v1/accounts/lookup", {"acct": longer}).status_code == 404


def test_delete_answers_with_the_text_and_only_the_author_may(api, member_of_public, outsider):
    post = photo_post(member_of_public, "Draft me again")
    assert api(outsider).delete(f"/api/v1/statuses/{post.pk}").status_code == 403
    r = api(member_of_public).delete(f"/api/v1/statuses/{post.pk}")
    assert r.status_code == 200 and r.json()["text"] == "Draft me again"
    assert api(member_of_public).get(f"/api/v1/statuses/{post.pk}").status_code == 404


def test_statuses_need_photos_and_say_so(api, member_of_public):
    r = api(member_of_public).post("/api/v1/statuses", {"status": "just words"})
    assert r.status_code == 422 and r.json()["error"] == "Choose at least one photo."


def test_update_credentials_and_avatar(api, member_of_public):
    me = api(member_of_public)
    r = me.client.patch(
        "/api/v1/accounts/update_credentials",
        {"display_name": "Teen", "note": "Hello", "locked": True},
        content_type="application/json",
        headers=me.headers,
    )
    assert r.status_code == 200, r.content
    assert r.json()["display_name"] == "Teen" and r.json()["locked"] and r.json()["source"]["note"] == "Hello"
    r = me.post("/api/v1/accounts/update_credentials", {"avatar": upload(jpeg_bytes((300, 300)))})
    assert r.status_code == 200 and "/media/a/" in r.json()["avatar"]
    r = me.client.patch(
        "/api/v1/accounts/update_credentials",
        {"display_name": "x" * 65},
        content_type="application/json",
        headers=me.headers,
    )
    assert r.status_code == 422 and "at most 64" in r.json()["error"]
    member_of_public.refresh_from_db()
    assert member_of_public.display_name == "Teen"


def test_markers_are_saved_and_read(api, member_of_public):
    me = api(member_of_public)
    r = me.post("/api/v1/markers", {"home[last_read_id]": "123", "notifications[last_read_id]": "7"})
    assert r.status_code == 200 and r.json()["home"]["last_read_id"] == "123"
    me.post("/api/v1/markers", {"home[last_read_id]": "124"})
    got = me.get("/api/v1/markers", {"timeline[]": ["home"]}).json()
    assert got["home"]["last_read_id"] == "124" and got["home"]["version"] == 2 and "notifications" not in got
    assert Marker.objects.count() == 2


def test_media_alt_text_can_be_changed_until_posted(api, member_of_public):
    me = api(member_of_public)
    item = me.post("/api/v2/media", {"file": upload(jpeg_bytes((80, 60))), "description": "first"}).json()
    assert item["type"] == "image" and item["meta"]["original"]["width"] == 80
    assert me.put(f"/api/v1/media/{item['id']}", {"description": "second"}).json()["description"] == "second"
    bad = me.post("/api/v2/media", {"file": upload(b"not an image", "x.jpg")})
    assert bad.status_code == 422


def test_instance_documents(api):
    anonymous = api()
    v1 = anonymous.get("/api/v1/instance").json()
    assert v1["version"].startswith("4.") and v1["configuration"]["statuses"]["max_media_attachments"] == 10
    v2 = anonymous.get("/api/v2/instance/").json()
    assert v2["api_versions"] == {"mastodon": 2}
    meta = anonymous.get("/.well-known/oauth-authorization-server").json()
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["token_endpoint"].endswith("/oauth/token")


def test_cross_origin_preflight(api):
    r = api().client.options(
        "/api/v1/statuses", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    )
    assert r.status_code == 204 and r["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in r["Access-Control-Allow-Headers"]


def test_relationships_of_many_accounts_in_constant_queries(api, member_of_public, outsider):
    """What apps ask before drawing Follow / Requested / Unblock buttons: every state, the accounts the
    viewer blocked included (so they can be unblocked), an account that blocked the viewer left out."""
    me = outsider
    followed, private, fan, blocked, blocker, muted = (
        person(f"rel.{n}", f"Rel {n}") for n in ("followed", "private", "fan", "blocked", "blocker", "muted")
    )
    private.is_private = True
    private.save()
    social.follow(actor=me, target=followed)
    social.follow(actor=me, target=private)
    social.follow(actor=fan, target=me)
    social.block(actor=me, target=blocked)
    social.block(actor=blocker, target=me)
    social.mute(actor=me, target=muted)
    reader = api(me)
    asked = [followed, private, fan, blocked, blocker, muted, member_of_public]
    url = "/api/v1/accounts/relationships?" + "&".join(
        f"id[]={i}" for i in [*(a.pk for a in asked), "nope", 999_999]
    )
    rels = {r["id"]: r for r in reader.get(url).json()}
    assert list(rels) == [str(a.pk) for a in asked if a != blocker]
    assert rels[str(followed.pk)]["following"] and not rels[str(followed.pk)]["requested"]
    assert rels[str(private.pk)]["requested"] and not rels[str(private.pk)]["following"]
    assert rels[str(fan.pk)]["followed_by"] and not rels[str(fan.pk)]["following"]
    assert rels[str(blocked.pk)]["blocking"] and rels[str(muted.pk)]["muting"]
    assert not any(rels[str(member_of_public.pk)][k] for k in ("following", "followed_by", "blocking"))
    one = _count_queries(reader, f"/api/v1/accounts/relationships?id[]={followed.pk}")
    assert _count_queries(reader, url) == one
