"""Being mentioned in a caption notifies the account, unless it could not see the post."""

import pytest

from openhouse.social import services as social
from openhouse.social.models import Notification
from tests.posts.test_publish_and_view import _post

# Real commits: the notification is sent by a task after the post commits.
pytestmark = pytest.mark.django_db(transaction=True)


def test_caption_mention_notifies_once(member_of_public, outsider):
    post = _post(member_of_public, 1, caption="Thanks @outsider and @outsider again, and @nobody.here")
    assert list(Notification.objects.values_list("recipient__handle", "kind", "post_id")) == [
        ("outsider", "mention", post.pk)
    ]
    assert social.notify_caption_mentions(post_id=post.pk) == 0  # running again tells nobody twice


def test_private_post_mention_does_not_reach_a_non_follower(member_of_public, outsider):
    member_of_public.is_private = True
    member_of_public.save()
    _post(member_of_public, 1, caption="hello @outsider")
    assert not Notification.objects.exists()


def test_a_comment_on_a_private_post_notifies_no_mentioned_outsider(member_of_public, outsider):
    from tests.conftest import person

    member_of_public.is_private = True
    member_of_public.save()
    friend = person("friend", "Friend")
    social.follow(actor=friend, target=member_of_public)
    social.answer_follow_request(actor=member_of_public, requester=friend, approve=True)
    post = _post(member_of_public, 1, caption="Private day out")
    social.add_comment(actor=friend, post_id=post.pk, body="Lovely, @outsider should see this")
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_notifications_of_a_post_one_can_no_longer_see_are_not_listed(member_of_public, outsider):
    from openhouse.social import queries

    member_of_public.is_private = True
    member_of_public.save()
    social.follow(actor=outsider, target=member_of_public)
    social.answer_follow_request(actor=member_of_public, requester=outsider, approve=True)
    _post(member_of_public, 1, caption="Only for followers, @outsider")
    assert [n.kind for n in queries.notifications(viewer=outsider)] == ["mention"]
    social.unfollow(actor=outsider, target=member_of_public)
    assert list(queries.notifications(viewer=outsider)) == []
    assert queries.notification_groups(viewer=outsider) == []
