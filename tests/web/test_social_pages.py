"""Social pages through the HTTP interface: follow buttons, likes, comments, notifications, blocks."""

import json
import re

import pytest
from django.urls import reverse

from openhouse.accounts.models import Follow
from openhouse.social import services as social
from openhouse.social.models import Comment, Like
from tests.conftest import person, text
from tests.posts.test_publish_and_view import _post

pytestmark = pytest.mark.django_db


def test_follow_from_the_profile_page(client, member_of_public, organisation):
    client.force_login(member_of_public)
    page = text(client.get(reverse("profile", args=[organisation.handle])))
    assert ">Follow</button>" in page and "0 followers" in " ".join(page.split()).replace(
        "<strong>", ""
    ).replace("</strong>", "")
    client.post(reverse("relationship", args=[organisation.handle, "follow"]))
    page = text(client.get(reverse("profile", args=[organisation.handle])))
    assert ">Following</button>" in page
    assert Follow.objects.filter(follower=member_of_public, followee=organisation).exists()


def test_like_with_and_without_javascript(client, member_of_public, outsider):
    post = _post(member_of_public, 1)
    client.force_login(outsider)
    response = client.post(reverse("like", args=[post.pk, "like"]), HTTP_ACCEPT="application/json")
    assert json.loads(response.content) == {"liked": True, "likes": 1}
    back = client.post(reverse("like", args=[post.pk, "unlike"]), {"next": reverse("home")})
    assert back["Location"] == reverse("home")
    assert not Like.objects.exists()


def test_like_redirect_never_leaves_the_site(client, member_of_public, outsider):
    post = _post(member_of_public, 1)
    client.force_login(outsider)
    response = client.post(reverse("like", args=[post.pk, "like"]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("post", args=[post.pk])


def test_comment_reply_and_notification_pages(client, member_of_public, outsider):
    post = _post(member_of_public, 1)
    client.force_login(outsider)
    r = client.post(reverse("comment", args=[post.pk]), {"body": "How does a photo keep a secret?"})
    first = Comment.objects.get()
    assert r["Location"].endswith(f"#c{first.pk}")
    client.force_login(member_of_public)
    client.post(reverse("comment", args=[post.pk]), {"body": "By saying nothing.", "parent": str(first.pk)})
    page = text(client.get(reverse("post", args=[post.pk])))
    assert "How does a photo keep a secret?" in page and "By saying nothing." in page
    assert 'class="replies"' in client.get(reverse("post", args=[post.pk])).content.decode()
    inbox = text(client.get(reverse("notifications")))
    assert "commented on your post" in inbox
    client.force_login(outsider)
    assert "replied to your comment" in text(client.get(reverse("notifications")))


def test_empty_comment_shows_a_sentence(client, member_of_public, outsider):
    post = _post(member_of_public, 1)
    client.force_login(outsider)
    page = text(client.post(reverse("comment", args=[post.pk]), {"body": "   "}, follow=True))
    assert "Write something first." in page
    assert not Comment.objects.exists()


def test_header_shows_unread_count_and_marking_read_clears_it(client, member_of_public, outsider):
    post = _post(member_of_public, 1)
    social.like_post(actor=outsider, post_id=post.pk)
    client.force_login(member_of_public)
    assert "data-unread>1<" in client.get(reverse("home")).content.decode()
    client.post(reverse("notifications-read"))
    assert "data-unread" not in client.get(reverse("home")).content.decode()


def test_blocked_account_gets_404_on_every_page_of_the_blocker(client, member_of_public, outsider):
    post = _post(member_of_public, 1, caption="#everywhere")
    social.block(actor=member_of_public, target=outsider)
    client.force_login(outsider)
    for url in [
        reverse("profile", args=[member_of_public.handle]),
        reverse("post", args=[post.pk]),
        reverse("liked-by", args=[post.pk]),
        reverse("people", args=[member_of_public.handle, "followers"]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [reverse("like", args=[post.pk, "like"]), reverse("comment", args=[post.pk])]:
        assert client.post(url, {"body": "hi"}).status_code == 404, url
    assert str(post.pk) not in client.get(reverse("home")).content.decode()
    assert str(post.pk) not in client.get(reverse("hashtag", args=["everywhere"])).content.decode()


def test_a_hidden_page_and_a_missing_one_answer_alike(client, member_of_public, outsider):
    """A blocked viewer's 404, a post that never existed and a path that matches no route give the same
    page (and under the API, the same JSON error), so nothing tells hidden from absent."""
    post = _post(member_of_public, 1)
    social.block(actor=member_of_public, target=outsider)
    client.force_login(outsider)
    hidden = client.get(reverse("post", args=[post.pk]))
    absent = client.get(reverse("post", args=[post.pk + 1]))
    no_route = client.get("/p/not-a-number/at/all/")
    answers = (hidden, absent, no_route)
    assert [r.status_code for r in answers] == [404, 404, 404]
    panel = re.compile(r'<section class="panel center">.*?</section>', re.S)
    panels = {panel.search(r.content.decode()).group(0) for r in answers}
    assert len(panels) == 1 and "Page not found" in panels.pop()
    api = client.get("/api/v1/no/such/endpoint")
    assert api.status_code == 404 and api["Content-Type"].startswith("application/json")
    assert api.json() == client.get(f"/api/v1/statuses/{post.pk + 1}").json()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count", [2, 8])
def test_signed_in_home_feed_query_count_is_constant(
    client, member_of_public, django_assert_num_queries, count
):
    from openhouse.feeds.store import uses_redis

    for n in range(count):
        friend = person(f"friend{n}", f"Friend {n}")
        social.follow(actor=member_of_public, target=friend)
        post = _post(friend, 2)
        social.like_post(actor=member_of_public, post_id=post.pk)
        social.add_comment(actor=friend, post_id=post.pk, body="first!")
    client.force_login(member_of_public)
    # session, user, big followees, [timeline table], posts, media, pending counts, viewer's likes, unread
    with django_assert_num_queries(8 if uses_redis() else 9):
        response = client.get(reverse("home"))
    assert text(response).count('class="card"') == count


@pytest.mark.parametrize("count", [1, 6])
def test_post_page_query_count_with_comments_is_constant(
    client, member_of_public, django_assert_num_queries, count
):
    post = _post(member_of_public, 2)
    for n in range(count):
        fan = person(f"fan{n}", f"Fan {n}")
        top = social.add_comment(actor=fan, post_id=post.pk, body=f"comment {n}")
        social.add_comment(actor=member_of_public, post_id=post.pk, body="thanks", parent_id=top.pk)
    # access, post+author, media, pending counts, comments, replies
    with django_assert_num_queries(6):
        response = client.get(reverse("post", args=[post.pk]))
    assert text(response).count('class="comment"') == 2 * count


@pytest.mark.parametrize("count", [1, 6])
def test_notifications_query_count_is_constant(client, member_of_public, django_assert_num_queries, count):
    for n in range(count):
        fan = person(f"fan{n}", f"Fan {n}")
        post = _post(member_of_public, 1)
        social.like_post(actor=fan, post_id=post.pk)
        social.follow(actor=fan, target=member_of_public)
    client.force_login(member_of_public)
    # session, user, like groups, others, the rows with actors/posts/comments, unread count
    with django_assert_num_queries(6):
        response = client.get(reverse("notifications"))
    assert text(response).count("liked your post") == count


@pytest.mark.parametrize("count", [1, 6])
def test_profile_query_count_signed_in_is_constant(
    client, member_of_public, outsider, django_assert_num_queries, count
):
    for _ in range(count):
        _post(member_of_public, 2)
    client.force_login(outsider)
    # session, user, account, 2 block checks, grid, media, post count, follows, block, mute, unread, highlights
    with django_assert_num_queries(13):
        response = client.get(reverse("profile", args=[member_of_public.handle]))
    assert text(response).count('class="tile"') == count


def test_the_team_menu_offers_each_member_only_the_pages_their_roles_open(
    client, organisation, officer, reviewer, team_admin, member_of_public
):
    from tests.conftest import log_in_verified

    url = reverse("profile", args=[organisation.handle])
    menus = {}
    for who in (officer, reviewer, team_admin, member_of_public):
        log_in_verified(client, who)
        page = client.get(url).content.decode()
        menus[who.handle] = [
            label
            for label in ("Open a Q&amp;A", "Add a job listing", "Highlights", "Links and colours")
            if f">{label}</a>" in page
        ]
        assert ('href="' + reverse("studio", args=[organisation.handle]) + '"' in page) == (
            who != member_of_public
        )
    assert menus == {
        officer.handle: ["Open a Q&amp;A", "Add a job listing", "Highlights"],
        reviewer.handle: [],
        team_admin.handle: ["Open a Q&amp;A", "Add a job listing", "Highlights", "Links and colours"],
        member_of_public.handle: [],
    }
