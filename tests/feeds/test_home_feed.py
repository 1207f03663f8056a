"""The home feed: own and followed posts, newest first, pushed to ordinary followers, merged for big ones."""

import pytest

from openhouse.feeds import services as feeds
from openhouse.feeds import store
from openhouse.posts import services as posts
from openhouse.social import services as social
from tests.conftest import person
from tests.posts.test_publish_and_view import _post

# Real commits, so the tasks enqueued after commit (fan-out, backfill, forget) run as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _feed(viewer, **kw):
    return [p.pk for p in feeds.home_feed(viewer=viewer, **kw)]


def test_followed_and_own_posts_newest_first(member_of_public, outsider, director):
    social.follow(actor=member_of_public, target=outsider)
    a = _post(outsider, 1)
    b = _post(member_of_public, 1)
    _post(director, 1)  # not followed
    assert _feed(member_of_public) == [b.pk, a.pk]


def test_keyset_pages_never_repeat_or_skip(member_of_public, outsider):
    social.follow(actor=member_of_public, target=outsider)
    made = [_post(outsider, 1).pk for _ in range(7)]
    first = _feed(member_of_public, limit=3)
    second = _feed(member_of_public, limit=3, before=first[-1])
    third = _feed(member_of_public, limit=3, before=second[-1])
    assert first + second + third == sorted(made, reverse=True)


def test_unfollow_block_and_delete_take_effect_at_once(member_of_public, outsider, director):
    social.follow(actor=member_of_public, target=outsider)
    social.follow(actor=member_of_public, target=director)
    p1, p2 = _post(outsider, 1), _post(director, 1)
    assert set(_feed(member_of_public)) == {p1.pk, p2.pk}
    social.unfollow(actor=member_of_public, target=outsider)
    assert _feed(member_of_public) == [p2.pk]
    social.block(actor=director, target=member_of_public)
    assert _feed(member_of_public) == []
    mine = _post(member_of_public, 1)
    posts.delete_post(actor=member_of_public, post=mine)
    assert _feed(member_of_public) == []


def test_big_accounts_are_merged_at_read_not_pushed(member_of_public, outsider, organisation, settings):
    settings.FANOUT_MAX_FOLLOWERS = 1
    social.follow(actor=member_of_public, target=organisation)
    social.follow(actor=outsider, target=organisation)  # now above the threshold
    post = _post(organisation, 1)
    assert store.page(member_of_public.pk, before=None, limit=10) == []  # nothing pushed
    assert feeds.fan_out(post_id=post.pk) == 1  # only the author's own timeline
    assert _feed(member_of_public) == [post.pk] and _feed(outsider) == [post.pk]


def test_following_brings_recent_posts_in(member_of_public, outsider):
    old = _post(outsider, 1)
    social.follow(actor=member_of_public, target=outsider)
    assert store.page(member_of_public.pk, before=None, limit=10) == [old.pk]
    assert _feed(member_of_public) == [old.pk]


def test_timeline_is_capped_but_older_posts_still_come(member_of_public, outsider, monkeypatch):
    monkeypatch.setattr(store, "TIMELINE_CAP", 3)
    social.follow(actor=member_of_public, target=outsider)
    made = [_post(outsider, 1).pk for _ in range(5)]
    store.trim(member_of_public.pk)
    assert len(store.page(member_of_public.pk, before=None, limit=10)) <= 4
    everything = _feed(member_of_public, limit=10)
    assert everything == sorted(made, reverse=True)


@pytest.mark.parametrize("count", [2, 8])
def test_feed_query_count_is_constant(member_of_public, django_assert_num_queries, count):
    followed = [person(f"friend{n}", f"Friend {n}") for n in range(count)]
    for f in followed:
        social.follow(actor=member_of_public, target=f)
        _post(f, 2)
    expected = 2 if store.uses_redis() else 3
    with django_assert_num_queries(expected):
        assert len(feeds.home_feed(viewer=member_of_public)) == count


def test_muted_accounts_leave_the_feed_but_stay_followed(member_of_public, outsider):
    social.follow(actor=member_of_public, target=outsider)
    post = _post(outsider, 1)
    assert _feed(member_of_public) == [post.pk]
    social.mute(actor=member_of_public, target=outsider)
    assert _feed(member_of_public) == []
    social.unmute(actor=member_of_public, target=outsider)
    assert _feed(member_of_public) == [post.pk]
