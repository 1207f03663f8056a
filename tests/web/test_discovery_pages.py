"""Discovery pages through the HTTP interface: search, explore, hashtag tabs, and what they never show."""

import pytest
from django.db import connection
from django.urls import reverse

from openhouse.social import services as social
from tests.conftest import person, text
from tests.posts.test_publish_and_view import _post

pytestmark = pytest.mark.django_db


def _search(client, q):
    return text(client.get(reverse("search"), {"q": q}))


def test_every_page_has_a_search_box_that_works_without_javascript(client, member_of_public):
    page = client.get(reverse("home")).content.decode()
    assert '<form class="topsearch" action="/search/" method="get" role="search">' in page
    assert 'name="q"' in page and 'href="/search/"' in page and 'href="/explore/"' in page
    empty = client.get(reverse("search")).content.decode()
    assert 'action="/search/" method="get"' in empty and "explore this week" in empty


def test_search_lists_accounts_with_badge_and_name_and_hashtags_with_counts(
    client, organisation, member_of_public
):
    _post(member_of_public, 1, caption="#mi5history")
    _post(member_of_public, 1, caption="#MI5history again")
    page = _search(client, "mi5")
    assert 'href="/mi5official/">mi5official</a><svg class="verified"' in page
    assert "MI5" in page
    assert 'href="/tags/mi5history/">#mi5history</a>' in page and "2 posts" in page
    assert page.index("Accounts") < page.index("Hashtags")
    assert 'value="mi5"' in page


def test_search_says_when_nothing_matches_and_survives_odd_input(client, organisation):
    assert "No accounts or hashtags match “zzzz”." in _search(client, "zzzz")
    for q in ['"*:&|!()', "x" * 100_000, "a\x00b", "<script>alert(1)</script>"]:
        response = client.get(reverse("search"), {"q": q})
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()


def test_blocked_accounts_are_not_in_search_pages_either_way(client, member_of_public, outsider):
    social.block(actor=member_of_public, target=outsider)
    client.force_login(outsider)
    assert 'href="/curious.teen/"' not in _search(client, "curious")
    client.force_login(member_of_public)
    assert 'href="/outsider/"' not in _search(client, "outsider")


def test_private_posts_never_show_to_non_followers_but_do_to_followers(
    client, member_of_public, outsider, director
):
    member_of_public.is_private = True
    member_of_public.save()
    post = _post(member_of_public, 1, caption="#hidden garden")
    url = reverse("post", args=[post.pk])
    pages = [
        reverse("explore"),
        reverse("hashtag", args=["hidden"]),
        reverse("hashtag", args=["hidden"]) + "?tab=recent",
        reverse("search") + "?q=hidden",
    ]
    for viewer in (None, outsider):
        if viewer:
            client.force_login(viewer)
        for page in pages:
            body = client.get(page).content.decode()
            assert url not in body and 'class="tile"' not in body, page
            assert 'href="/tags/hidden/">#hidden' not in body, page  # the tag is not offered in search
    # the account itself can be found; its posts cannot
    assert 'href="/curious.teen/"' in _search(client, "curious") and "Private" in _search(client, "curious")
    social.follow(actor=outsider, target=member_of_public)
    social.answer_follow_request(actor=member_of_public, requester=outsider, approve=True)
    for tab in ("top", "recent"):
        assert url in text(client.get(reverse("hashtag", args=["hidden"]), {"tab": tab}))
    assert url not in text(client.get(reverse("explore")))


def test_hashtag_tabs(client, member_of_public, outsider):
    quiet = _post(member_of_public, 1, caption="#Museum quiet")
    loved = _post(member_of_public, 1, caption="#museum loved")
    quiet_newer = _post(member_of_public, 1, caption="#museum newest")
    social.like_post(actor=outsider, post_id=loved.pk)
    top = client.get(reverse("hashtag", args=["Museum"])).content.decode()
    assert 'aria-current="page">Top</a>' in top
    assert top.index(reverse("post", args=[loved.pk])) < top.index(reverse("post", args=[quiet_newer.pk]))
    recent = client.get(reverse("hashtag", args=["museum"]), {"tab": "recent"}).content.decode()
    assert 'aria-current="page">Recent</a>' in recent
    order = [recent.index(reverse("post", args=[p.pk])) for p in (quiet_newer, loved, quiet)]
    assert order == sorted(order)
    assert "No posts with #nothing yet." in text(
        client.get(reverse("hashtag", args=["nothing"]), {"tab": "recent"})
    )
    assert client.get("/tags/two%20words/").status_code == 404


def test_explore_page_shows_others_posts(client, member_of_public, outsider):
    theirs = _post(outsider, 1)
    mine = _post(member_of_public, 1)
    client.force_login(member_of_public)
    page = text(client.get(reverse("explore"), {"page": "x"}))
    assert reverse("post", args=[theirs.pk]) in page and reverse("post", args=[mine.pk]) not in page
    assert client.get(reverse("explore"), {"page": "99999999999999999999999"}).status_code == 200


# Query counts: constant whatever the number of items --------------------------------------------------------


@pytest.mark.parametrize("count", [1, 6])
def test_explore_query_count_is_constant(client, member_of_public, django_assert_num_queries, count):
    for n in range(count):
        author = person(f"maker{n}", f"Maker {n}")
        post = _post(author, 2)
        social.like_post(actor=member_of_public, post_id=post.pk)
    with django_assert_num_queries(2):  # ranked posts, media
        response = client.get(reverse("explore"))
    assert text(response).count('class="tile"') == count
    client.force_login(member_of_public)
    with django_assert_num_queries(5):  # session, user, ranked posts, media, unread
        response = client.get(reverse("explore"))
    assert text(response).count('class="tile"') == count


@pytest.mark.parametrize("count", [1, 6])
def test_search_query_count_is_constant(client, outsider, django_assert_num_queries, count):
    for n in range(count):
        fan = person(f"fan{n}", f"Fan Number {n}")
        _post(fan, 1, caption=f"#fan{n} #fans")
    client.force_login(outsider)
    accounts = 1 if connection.vendor == "postgresql" else 2  # SQLite: FTS5 matches, then accounts
    # session, user, accounts, hashtag candidates, their visible post counts, unread
    with django_assert_num_queries(accounts + 5):
        response = client.get(reverse("search"), {"q": "fan"})
    page = text(response)
    assert page.count('class="handle" href="/fan') == count
    assert page.count('class="handle" href="/tags/fan') == count + 1


@pytest.mark.parametrize("count", [1, 6])
@pytest.mark.parametrize("tab", ["top", "recent"])
def test_hashtag_query_count_is_constant(
    client, member_of_public, outsider, django_assert_num_queries, count, tab
):
    for _ in range(count):
        post = _post(member_of_public, 2, caption="#archives")
        social.like_post(actor=outsider, post_id=post.pk)
    client.force_login(outsider)
    with django_assert_num_queries(6):  # session, user, tag, posts, media, unread
        response = client.get(reverse("hashtag", args=["archives"]), {"tab": tab})
    assert text(response).count('class="tile"') == count
