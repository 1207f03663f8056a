"""Likes and comments: exact counts, one like per person, threads, pinning, switching comments off."""

import io
import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.posts.models import Post
from openhouse.social import queries, services
from openhouse.social.models import Comment, CountDelta, Like, Notification
from tests.conftest import person
from tests.posts.test_publish_and_view import _post


def _stats(viewer, post):
    post.refresh_from_db()
    return queries.post_stats(viewer=viewer, posts=[post])[post.pk]


@pytest.mark.django_db
def test_like_twice_counts_once_and_unlike_takes_it_back(member_of_public, outsider):
    post = _post(member_of_public, 1)
    assert services.like_post(actor=outsider, post_id=post.pk) is True
    assert services.like_post(actor=outsider, post_id=post.pk) is False
    assert _stats(outsider, post) == queries.PostStats(likes=1, comments=0, liked=True)
    services.unlike_post(actor=outsider, post_id=post.pk)
    assert _stats(outsider, post).likes == 0
    assert not Notification.objects.filter(kind="like").exists()


@pytest.mark.django_db
def test_folding_moves_pending_likes_into_the_post_without_changing_the_count(member_of_public, outsider):
    post = _post(member_of_public, 1)
    services.like_post(actor=outsider, post_id=post.pk)
    services.like_post(actor=member_of_public, post_id=post.pk)
    assert CountDelta.objects.count() == 2 and _stats(outsider, post).likes == 2
    services.fold_all_counts()
    post.refresh_from_db()
    assert CountDelta.objects.count() == 0 and post.likes_count == 2 and _stats(outsider, post).likes == 2


@pytest.mark.django_db(transaction=True)
def test_fifty_people_liking_at_once_count_exactly(organisation):
    post = _post(organisation, 1)
    people = [person(f"fan{n}", f"Fan {n}") for n in range(50)]
    barrier = threading.Barrier(50)
    errors = []

    def like(account):
        try:
            barrier.wait()
            services.like_post(actor=account, post_id=post.pk)
            services.like_post(actor=account, post_id=post.pk)  # a double tap
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=like, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Like.objects.filter(post=post).count() == 50
    assert _stats(organisation, post).likes == 50
    services.fold_all_counts()
    assert Post.objects.get(pk=post.pk).likes_count == 50


@pytest.mark.django_db
def test_comments_replies_and_counts(member_of_public, outsider, director):
    post = _post(member_of_public, 1)
    first = services.add_comment(actor=outsider, post_id=post.pk, body="How does it feel to be followed?")
    reply = services.add_comment(actor=member_of_public, post_id=post.pk, body="Strange!", parent_id=first.pk)
    nested = services.add_comment(
        actor=director, post_id=post.pk, body="@outsider agreed", parent_id=reply.pk
    )
    assert nested.parent_id == first.pk  # one level: a reply to a reply joins the thread
    thread = queries.comments_for(viewer=outsider, post=post)
    assert [c.pk for c in thread] == [first.pk]
    assert [r.pk for r in thread[0].replies.all()] == [reply.pk, nested.pk]
    assert _stats(outsider, post).comments == 3
    kinds = sorted(Notification.objects.filter(recipient=outsider).values_list("kind", flat=True))
    assert kinds == ["reply", "reply"]
    services.delete_comment(actor=member_of_public, comment=first)  # the post's owner removes a thread
    assert _stats(outsider, post).comments == 0 and not Comment.objects.exists()


@pytest.mark.django_db
def test_no_reply_to_a_reply_of_someone_blocked_either_way(member_of_public, outsider, director):
    post = _post(member_of_public, 1)
    first = services.add_comment(actor=outsider, post_id=post.pk, body="A thread")
    reply = services.add_comment(actor=director, post_id=post.pk, body="A reply", parent_id=first.pk)
    third = person("third.party", "Third Party")
    services.block(actor=director, target=third)
    with pytest.raises(NotFound):
        services.add_comment(actor=third, post_id=post.pk, body="Answering you anyway", parent_id=reply.pk)
    services.add_comment(actor=third, post_id=post.pk, body="To the thread", parent_id=first.pk)
    assert Comment.objects.filter(author=third).count() == 1


@pytest.mark.django_db
def test_only_authors_and_post_owners_delete_comments(member_of_public, outsider, director):
    post = _post(member_of_public, 1)
    comment = services.add_comment(actor=director, post_id=post.pk, body="hello")
    with pytest.raises(NotAllowed):
        services.delete_comment(actor=outsider, comment=comment)
    services.delete_comment(actor=director, comment=comment)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"), [("", "Write something"), ("x" * 2201, "at most 2,200"), ("hi\u202e", r"U\+202E")]
)
def test_bad_comments_are_refused(member_of_public, outsider, body, message):
    post = _post(member_of_public, 1)
    with pytest.raises(Invalid, match=message):
        services.add_comment(actor=outsider, post_id=post.pk, body=body)
    assert not Comment.objects.exists() and not CountDelta.objects.exists()


@pytest.mark.django_db
def test_owner_pins_up_to_three_comments_and_they_come_first(member_of_public, outsider):
    post = _post(member_of_public, 1)
    comments = [services.add_comment(actor=outsider, post_id=post.pk, body=f"c{n}") for n in range(4)]
    with pytest.raises(NotAllowed):
        services.set_pinned(actor=outsider, comment=comments[0], pinned=True)
    for c in comments[1:]:
        services.set_pinned(actor=member_of_public, comment=c, pinned=True)
    with pytest.raises(Invalid, match="Up to 3"):
        services.set_pinned(actor=member_of_public, comment=comments[0], pinned=True)
    order = [c.body for c in queries.comments_for(viewer=outsider, post=post)]
    assert order == ["c1", "c2", "c3", "c0"]


@pytest.mark.django_db
def test_comments_can_be_turned_off(member_of_public, outsider):
    post = _post(member_of_public, 1)
    with pytest.raises(NotAllowed):
        services.set_comments_enabled(actor=outsider, post=post, enabled=False)
    services.set_comments_enabled(actor=member_of_public, post=post, enabled=False)
    with pytest.raises(NotAllowed, match="turned off"):
        services.add_comment(actor=outsider, post_id=post.pk, body="hello")


@pytest.mark.django_db
def test_likes_are_grouped_in_notifications(member_of_public):
    post = _post(member_of_public, 1)
    fans = [person(f"fan{n}", f"Fan {n}") for n in range(5)]
    for fan in fans:
        services.like_post(actor=fan, post_id=post.pk)
    services.add_comment(actor=fans[0], post_id=post.pk, body="nice")
    groups = queries.notification_groups(viewer=member_of_public)
    assert [(g.kind, g.others) for g in groups] == [("comment", 0), ("like", 4)]
    assert groups[1].actor == fans[-1]
    assert queries.unread_count(viewer=member_of_public) == 6
    services.mark_notifications_read(actor=member_of_public)
    assert queries.unread_count(viewer=member_of_public) == 0


@pytest.mark.django_db
def test_hidden_posts_cannot_be_liked(member_of_public, outsider):
    member_of_public.is_private = True
    member_of_public.save()
    post = _post(member_of_public, 1)
    with pytest.raises(NotFound):
        services.like_post(actor=outsider, post_id=post.pk)


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_likes_updates_the_post_row_once_and_counts_stay_exact(organisation, monkeypatch):
    monkeypatch.setattr(services, "FOLD_EVERY_S", 60)  # the whole burst falls in one fold window
    post = _post(organisation, 1)
    fans = [person(f"fan{n}", f"Fan {n}") for n in range(5)]
    for fan in fans:
        services.like_post(actor=fan, post_id=post.pk)
    post.refresh_from_db()
    assert post.likes_count == 1  # the first like folded right after its commit; the rest wait
    assert CountDelta.objects.filter(post=post).count() == 4
    assert [_stats(fan, post).likes for fan in fans] == [5] * 5
    call_command("fold_counts", stdout=io.StringIO())  # the sweeper
    assert Post.objects.get(pk=post.pk).likes_count == 5 and not CountDelta.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_page_showing_many_pending_likes_folds_them(organisation, monkeypatch):
    monkeypatch.setattr(services, "FOLD_EVERY_S", 60)
    monkeypatch.setattr(services, "FOLD_PENDING_MAX", 3)
    post = _post(organisation, 1)
    for n in range(4):
        services.like_post(actor=person(f"fan{n}", f"Fan {n}"), post_id=post.pk)
    assert CountDelta.objects.count() == 3
    assert _stats(organisation, post).likes == 4  # the window is still closed: nothing folds yet
    cache.delete(f"fold:{post.pk}")  # the window ends
    assert _stats(organisation, post).likes == 4
    assert not CountDelta.objects.exists() and Post.objects.get(pk=post.pk).likes_count == 4


@pytest.mark.django_db
def test_a_like_is_four_statements(member_of_public, outsider, django_assert_num_queries):
    post = _post(member_of_public, 1)
    # (savepoint,) visibility, the like, its count delta, the notification (mute checked inside), (release)
    with django_assert_num_queries(6):
        assert services.like_post(actor=outsider, post_id=post.pk) is True
    with django_assert_num_queries(4):  # a double tap: savepoint, visibility, the ignored like, release
        assert services.like_post(actor=outsider, post_id=post.pk) is False


@pytest.mark.django_db
def test_likes_from_a_muted_account_notify_nobody(member_of_public, outsider):
    services.mute(actor=member_of_public, target=outsider)
    post = _post(member_of_public, 1)
    services.like_post(actor=outsider, post_id=post.pk)
    services.like_post(actor=member_of_public, post_id=post.pk)  # one's own like: no notification either
    assert _stats(outsider, post).likes == 2 and not Notification.objects.exists()
