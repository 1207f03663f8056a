"""Discovery: searching accounts and hashtags, hashtag top and recent lists, the explore ranking."""

import itertools
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from openhouse.feeds import discovery
from openhouse.social import services as social
from tests.conftest import person
from tests.posts.test_publish_and_view import _post

pytestmark = pytest.mark.django_db

anonymous = AnonymousUser()


def _handles(viewer, q):
    return [a.handle for a in discovery.search_accounts(viewer, q)]


def _tags(q, viewer=anonymous):
    return [(t.name, t.posts) for t in discovery.search_hashtags(q, viewer=viewer)]


_fans = itertools.count()


def _like(post, times):
    for _ in range(times):
        n = next(_fans)
        social.like_post(actor=person(f"fan{n}", f"Fan {n}"), post_id=post.pk)


# Account search ------------------------------------------------------------------------------------------


def test_handle_prefix_finds_the_account(organisation, member_of_public):
    assert _handles(member_of_public, "mi5") == ["mi5official"]
    assert _handles(anonymous, "@MI5off") == ["mi5official"]
    assert _handles(anonymous, "m") == ["mi5official"]  # one letter: handles by prefix only
    assert _handles(anonymous, "curious.te") == ["curious.teen"]


def test_display_name_word_prefix_finds_the_account(db):
    team = person("spooks", "Surveillance Team")
    person("zoe", "Zoë Café")
    assert _handles(anonymous, "surv") == [team.handle]
    assert _handles(anonymous, "TEAM surveil") == [team.handle]
    assert _handles(anonymous, "zoë caf") == ["zoe"]
    assert _handles(anonymous, "surveillance teams") == []  # every word must match


def test_exact_handle_ranks_first_then_handle_prefixes_then_names(db):
    person("zed", "Archive Archive Archive")
    person("archive.friends", "Friends")
    person("archive", "Jo")
    person("quiet", "Archivist")
    found = _handles(anonymous, "archive")
    assert found[0] == "archive"
    assert found.index("archive.friends") < found.index("zed")
    assert "quiet" in _handles(anonymous, "archiv")


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        '"',
        '""',
        "*",
        ":",
        "&|!()",
        "mi5:* & (a | !b) <-> c",
        "' OR 1=1 --",
        "handle:mi5",
        "{handle display_name}: x",
        "NEAR(a b) AND OR NOT",
        "a\x00b",
        "\\",
        "%_%",
        "🙂🙂",
        "\uff4d\uff49\uff15",  # full-width "mi5" folds to ASCII
        "x" * 100_000,
        "mi5 " * 5_000,
    ],
)
def test_odd_queries_never_fail(organisation, member_of_public, q):
    assert isinstance(discovery.search_accounts(member_of_public, q), list)
    assert isinstance(discovery.search_hashtags(q, viewer=member_of_public), list)


def test_operators_are_stripped_not_obeyed(organisation):
    assert _handles(anonymous, "mi5:*") == ["mi5official"]
    assert _handles(anonymous, '"mi5"*') == ["mi5official"]
    assert _handles(anonymous, "\uff4d\uff49\uff15") == ["mi5official"]
    assert _handles(anonymous, "mi5 | nobody") == []


def test_blocked_accounts_are_absent_both_ways(member_of_public, outsider, director):
    social.block(actor=outsider, target=member_of_public)
    assert _handles(member_of_public, "outsider") == []
    assert _handles(outsider, "curious") == []
    assert _handles(director, "outsider") == ["outsider"]
    assert _handles(director, "curious") == ["curious.teen"]


def test_inactive_accounts_are_absent_private_ones_are_found(member_of_public, outsider):
    outsider.is_active = False
    outsider.save()
    member_of_public.is_private = True
    member_of_public.save()
    assert _handles(anonymous, "outsider") == []
    assert _handles(anonymous, "curious") == ["curious.teen"]


def test_search_follows_renames_and_deletions(outsider):
    ada = person("ada", "Countess Lovelace")
    assert _handles(anonymous, "lovel") == ["ada"]
    ada.display_name = "Night Owl"
    ada.save()
    assert _handles(anonymous, "owl") == ["ada"]
    assert _handles(anonymous, "lovel") == []
    outsider.delete()
    assert _handles(anonymous, "sider") == []
    newcomer = person("newcomer", "Brand New")
    assert _handles(anonymous, "brand") == [newcomer.handle]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table and its triggers are SQLite's")
def test_sqlite_search_triggers_survive_later_migrations(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'accounts_account'"
        )
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers == {
        "feeds_account_search_insert",
        "feeds_account_search_update",
        "feeds_account_search_delete",
    }, "a later migration rebuilt accounts_account: create the triggers of feeds 0002 again"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_search_uses_the_gin_index(db):
    from django.contrib.postgres.search import SearchQuery

    from openhouse.accounts.models import Account

    query = SearchQuery("surv:*", search_type="raw", config="simple")
    search = Account.objects.annotate(document=discovery.account_document()).filter(document=query)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search.explain()
    assert "feeds_account_search_gin" in plan, "account_document() and the index of feeds 0002 differ"


# Hashtag search ------------------------------------------------------------------------------------------


def test_hashtag_prefix_finds_tags_with_visible_post_counts(member_of_public):
    _post(member_of_public, 1, caption="#archives #architecture")
    _post(member_of_public, 1, caption="#Archives #art")
    assert _tags("arch") == [("archives", 2), ("architecture", 1)]
    assert _tags("#ARCHIT") == [("architecture", 1)]
    assert _tags("zzz") == []


def test_exact_hashtag_ranks_first(member_of_public):
    for _ in range(3):
        _post(member_of_public, 1, caption="#artwork")
    _post(member_of_public, 1, caption="#art")
    assert _tags("art") == [("art", 1), ("artwork", 3)]


def test_private_accounts_hashtags_count_only_for_followers(member_of_public, outsider, director):
    member_of_public.is_private = True
    member_of_public.save()
    _post(member_of_public, 1, caption="#secretgarden")
    assert _tags("secret") == []
    assert _tags("secret", viewer=outsider) == []
    social.follow(actor=outsider, target=member_of_public)
    social.answer_follow_request(actor=member_of_public, requester=outsider, approve=True)
    assert _tags("secret", viewer=outsider) == [("secretgarden", 1)]
    assert _tags("secret", viewer=director) == []


# Hashtag pages -------------------------------------------------------------------------------------------


def test_hashtag_top_ranks_by_likes_and_twice_comments_counting_pending(member_of_public, outsider):
    liked = _post(member_of_public, 1, caption="#museum liked")
    talked = _post(member_of_public, 1, caption="#museum talked about")
    quiet = _post(member_of_public, 1, caption="#museum quiet")
    _like(liked, 3)
    social.fold_counts(post_id=liked.pk)  # settled counts and pending deltas both count
    _like(talked, 1)
    social.add_comment(actor=outsider, post_id=talked.pk, body="Lovely")  # 1 + 2 = 3, newer: wins the tie
    social.add_comment(actor=outsider, post_id=quiet.pk, body="ok")
    tag = discovery.find_hashtag("museum")
    top = discovery.hashtag_top(viewer=anonymous, tag=tag)
    assert [p.pk for p in top] == [talked.pk, liked.pk, quiet.pk]


def test_hashtag_top_leaves_out_posts_older_than_90_days(member_of_public):
    with time_machine.travel(timezone.now() - timedelta(days=91), tick=False):
        old = _post(member_of_public, 1, caption="#museum old")
    new = _post(member_of_public, 1, caption="#museum new")
    tag = discovery.find_hashtag("museum")
    assert [p.pk for p in discovery.hashtag_top(viewer=anonymous, tag=tag)] == [new.pk]
    assert [p.pk for p in discovery.hashtag_recent(viewer=anonymous, tag=tag)] == [new.pk, old.pk]


def test_hashtag_recent_is_newest_first_in_keyset_pages(member_of_public, monkeypatch):
    monkeypatch.setattr(discovery, "GRID_PAGE", 2)
    made = [_post(member_of_public, 1, caption="#daily").pk for _ in range(5)]
    tag = discovery.find_hashtag("daily")
    pages, before = [], None
    while True:
        page = [p.pk for p in discovery.hashtag_recent(viewer=anonymous, tag=tag, before=before)]
        if not page:
            break
        pages.append(page)
        before = page[-1]
    assert [pk for page in pages for pk in page] == sorted(made, reverse=True) and len(pages) == 3


def test_private_posts_reach_hashtag_lists_only_of_accepted_followers(member_of_public, outsider):
    member_of_public.is_private = True
    member_of_public.save()
    post = _post(member_of_public, 1, caption="#garden")
    tag = discovery.find_hashtag("garden")
    for viewer in (anonymous, outsider):
        assert discovery.hashtag_top(viewer=viewer, tag=tag) == []
        assert discovery.hashtag_recent(viewer=viewer, tag=tag) == []
    social.follow(actor=outsider, target=member_of_public)
    assert discovery.hashtag_recent(viewer=outsider, tag=tag) == []  # requested, not yet accepted
    social.answer_follow_request(actor=member_of_public, requester=outsider, approve=True)
    assert [p.pk for p in discovery.hashtag_top(viewer=outsider, tag=tag)] == [post.pk]
    assert [p.pk for p in discovery.hashtag_recent(viewer=outsider, tag=tag)] == [post.pk]


def test_hashtag_names_are_checked():
    assert discovery.hashtag_name("#Museum") == "museum"
    assert discovery.hashtag_name("café_2") == "café_2"
    for bad in ["", "two words", "a-b", "x" * 101, "a\x00"]:
        assert discovery.hashtag_name(bad) is None


# Explore -------------------------------------------------------------------------------------------------


def _explore(viewer, **kw):
    return [p.pk for p in discovery.explore(viewer=viewer, **kw)]


def test_explore_prefers_well_liked_recent_posts(member_of_public, outsider, director):
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=2), tick=False):
        recent = _post(outsider, 1, caption="recent")
    with time_machine.travel(now - timedelta(days=3), tick=False):
        older = _post(outsider, 1, caption="older")
    fresh = _post(director, 1, caption="fresh, no likes")
    _like(recent, 4)
    _like(older, 4)
    social.fold_counts(post_id=older.pk)
    ranked = _explore(member_of_public, now=now)
    assert ranked.index(recent.pk) < ranked.index(fresh.pk) < ranked.index(older.pk)


def test_explore_leaves_out_old_own_muted_blocked_and_private_posts(member_of_public, outsider, director):
    mine = _post(member_of_public, 1)
    theirs = _post(outsider, 1)
    with time_machine.travel(timezone.now() - timedelta(days=8), tick=False):
        stale = _post(outsider, 1)
    assert _explore(anonymous) == [theirs.pk, mine.pk]
    assert stale.pk not in _explore(director)
    assert _explore(member_of_public) == [theirs.pk]
    social.mute(actor=member_of_public, target=outsider)
    assert _explore(member_of_public) == []
    social.block(actor=outsider, target=director)
    assert _explore(director) == [mine.pk]
    member_of_public.is_private = True
    member_of_public.save()
    social.follow(actor=director, target=member_of_public)
    social.answer_follow_request(actor=member_of_public, requester=director, approve=True)
    assert _explore(director) == []  # followers see private posts in their feed, never in explore
    assert _explore(anonymous) == [theirs.pk]


def test_explore_pages_do_not_repeat(member_of_public, monkeypatch):
    monkeypatch.setattr(discovery, "GRID_PAGE", 2)
    made = {_post(member_of_public, 1).pk for _ in range(5)}
    seen = [pk for page in (1, 2, 3) for pk in _explore(anonymous, page=page)]
    assert sorted(seen) == sorted(made)
