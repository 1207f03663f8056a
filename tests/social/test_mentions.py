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
