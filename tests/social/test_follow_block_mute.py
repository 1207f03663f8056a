"""Following, follow requests, blocking and muting, and the counts people see."""

import pytest

from openhouse.accounts.models import Account, Follow
from openhouse.core.errors import Invalid, NotFound
from openhouse.posts import access
from openhouse.social import queries, services
from openhouse.social.models import Notification
from tests.posts.test_publish_and_view import _post

pytestmark = pytest.mark.django_db


def _counts(*accounts):
    return [
        (a.followers_count, a.following_count)
        for a in Account.objects.filter(pk__in=[x.pk for x in accounts]).order_by("pk")
    ]


def _truth(account):
    return (
        Follow.objects.filter(followee=account, accepted=True).count(),
        Follow.objects.filter(follower=account, accepted=True).count(),
    )


def test_follow_and_unfollow_keep_counts_equal_to_the_rows(member_of_public, organisation, outsider):
    services.follow(actor=member_of_public, target=organisation)
    services.follow(actor=outsider, target=organisation)
    services.follow(actor=outsider, target=organisation)  # twice changes nothing
    organisation.refresh_from_db()
    assert (organisation.followers_count, organisation.following_count) == _truth(organisation) == (2, 0)
    services.unfollow(actor=outsider, target=organisation)
    for a in (member_of_public, organisation, outsider):
        a.refresh_from_db()
        assert (a.followers_count, a.following_count) == _truth(a)
    assert Notification.objects.filter(recipient=organisation, kind="follow").count() == 2


def test_nobody_follows_themselves(member_of_public):
    with pytest.raises(Invalid, match="can't follow yourself"):
        services.follow(actor=member_of_public, target=member_of_public)


def test_private_account_gets_requests_and_decides(member_of_public, outsider):
    member_of_public.is_private = True
    member_of_public.save()
    post = _post(member_of_public, 1)
    link = services.follow(actor=outsider, target=member_of_public)
    assert not link.accepted
    assert queries.follow_requests(account=member_of_public) == [outsider]
    with pytest.raises(NotFound):
        access.viewable_post(viewer=outsider, post_id=post.pk)
    services.answer_follow_request(actor=member_of_public, requester=outsider, approve=True)
    assert access.viewable_post(viewer=outsider, post_id=post.pk) == post
    member_of_public.refresh_from_db()
    assert member_of_public.followers_count == 1
    assert list(Notification.objects.filter(recipient=member_of_public).values_list("kind", flat=True)) == [
        "follow"
    ]


def test_declined_request_leaves_nothing(member_of_public, outsider):
    member_of_public.is_private = True
    member_of_public.save()
    services.follow(actor=outsider, target=member_of_public)
    services.answer_follow_request(actor=member_of_public, requester=outsider, approve=False)
    assert not Follow.objects.exists()
    with pytest.raises(NotFound):
        services.answer_follow_request(actor=member_of_public, requester=outsider, approve=True)


def test_block_removes_follows_both_ways_and_hides_everything(member_of_public, outsider):
    services.follow(actor=member_of_public, target=outsider)
    services.follow(actor=outsider, target=member_of_public)
    post = _post(member_of_public, 1)
    services.block(actor=member_of_public, target=outsider)
    assert not Follow.objects.exists()
    assert _counts(member_of_public, outsider) == [(0, 0), (0, 0)]
    with pytest.raises(NotFound):
        access.viewable_post(viewer=outsider, post_id=post.pk)
    with pytest.raises(NotFound):
        access.viewable_account(viewer=outsider, handle=member_of_public.handle)
    with pytest.raises(NotFound):
        services.follow(actor=outsider, target=member_of_public)
    with pytest.raises(NotFound):
        services.like_post(actor=outsider, post_id=post.pk)
    with pytest.raises(NotFound):
        services.add_comment(actor=outsider, post_id=post.pk, body="hello")
    services.unblock(actor=member_of_public, target=outsider)
    assert access.viewable_post(viewer=outsider, post_id=post.pk) == post


def test_muted_accounts_send_no_notifications(member_of_public, outsider):
    post = _post(member_of_public, 1)
    services.mute(actor=member_of_public, target=outsider)
    services.like_post(actor=outsider, post_id=post.pk)
    services.follow(actor=outsider, target=member_of_public)
    assert not Notification.objects.filter(recipient=member_of_public).exists()
    services.unmute(actor=member_of_public, target=outsider)
    services.add_comment(actor=outsider, post_id=post.pk, body="hi")
    assert Notification.objects.filter(recipient=member_of_public).count() == 1
