"""The team acts as the owner of the organisation's published posts: authors and admins moderate comments
(delete, pin, turn off), admins take a post down. Every such act is in the audit log, the page never names
the member, and nobody outside the team gets the controls or the power."""

import pytest
from django.test import Client
from django.urls import reverse

from openhouse.accounts.models import Membership
from openhouse.audit.models import AuditEntry
from openhouse.core.errors import NotAllowed, TwoFactorRequired
from openhouse.posts import services as posts
from openhouse.posts.models import Post
from openhouse.social import services as social
from openhouse.social.models import Comment
from tests.conftest import log_in_verified, person, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_post(organisation):
    from tests.conftest import publish_for_organisation

    return publish_for_organisation(organisation, caption="Open day at Thames House")


@pytest.fixture
def abuse(org_post, outsider):
    return social.add_comment(actor=outsider, post_id=org_post.pk, body="DM me your staff list")


def _actions(organisation) -> list[str]:
    return list(AuditEntry.objects.filter(organisation_id=organisation.pk).values_list("action", flat=True))


def test_an_author_deletes_an_abusive_comment_from_the_post_page(organisation, officer, org_post, abuse):
    client = Client()
    log_in_verified(client, officer)
    page = client.get(reverse("post", args=[org_post.pk]))
    assert "Turn off comments" in text(page) and "Delete post" not in text(page)  # authors moderate only
    r = client.post(reverse("comment-action", args=[abuse.pk, "delete"]))
    assert r.status_code == 302 and not Comment.objects.filter(pk=abuse.pk).exists()
    entry = AuditEntry.objects.get(organisation_id=organisation.pk, action="comment.deleted")
    assert entry.actor_handle == officer.handle and entry.before["body"] == "DM me your staff list"
    public = Client().get(reverse("post", args=[org_post.pk]))
    assert "DM me your staff list" not in text(public) and officer.handle not in text(public)


def test_an_author_pins_and_turns_comments_off(organisation, officer, org_post, abuse):
    client = Client()
    log_in_verified(client, officer)
    client.post(reverse("comment-action", args=[abuse.pk, "pin"]))
    client.post(reverse("comments-switch", args=[org_post.pk]))  # no "enabled": off
    abuse.refresh_from_db()
    org_post.refresh_from_db()
    assert abuse.pinned_at is not None and not org_post.comments_enabled
    assert _actions(organisation)[-2:] == ["comment.pinned", "post.comments_switched"]
    r = Client().get(reverse("post", args=[org_post.pk]))
    assert "Comments are turned off for this post." in text(r)


def test_an_admin_takes_a_post_down_and_the_log_keeps_its_caption(organisation, team_admin, org_post):
    client = Client()
    log_in_verified(client, team_admin)
    assert "Delete post" in text(client.get(reverse("post", args=[org_post.pk])))
    r = client.post(reverse("delete-post", args=[org_post.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("profile", args=[organisation.handle])
    assert not Post.objects.filter(pk=org_post.pk).exists()
    entry = AuditEntry.objects.get(organisation_id=organisation.pk, action="post.deleted")
    assert entry.actor_handle == team_admin.handle and entry.before["caption"] == "Open day at Thames House"
    assert Client().get(reverse("post", args=[org_post.pk])).status_code == 404


def test_an_author_cannot_take_a_post_down(officer, org_post):
    with pytest.raises(NotAllowed):
        posts.delete_post(actor=officer, post=org_post)
    client = Client()
    log_in_verified(client, officer)
    assert client.post(reverse("delete-post", args=[org_post.pk])).status_code == 403
    assert Post.objects.filter(pk=org_post.pk).exists()


def test_reviewers_and_outsiders_get_no_controls_and_no_power(reviewer, outsider, org_post, abuse):
    for account in (reviewer, outsider):
        client = Client()
        log_in_verified(client, account)
        page = text(client.get(reverse("post", args=[org_post.pk])))
        assert "Turn off comments" not in page and "Pin" not in page and "Delete post" not in page
        with pytest.raises(NotAllowed):
            social.set_comments_enabled(actor=account, post=org_post, enabled=False)
    outsider_client = Client()
    outsider_client.force_login(reviewer)
    r = outsider_client.post(reverse("comment-action", args=[abuse.pk, "pin"]))
    assert r.status_code == 403
    abuse.refresh_from_db()
    org_post.refresh_from_db()
    assert abuse.pinned_at is None and org_post.comments_enabled


def test_a_member_without_two_factor_or_without_a_code_this_session_is_stopped(organisation, org_post, abuse):
    unenrolled = person("new.author", "New Author Realname")
    Membership.objects.create(organisation=organisation, member=unenrolled, role=Membership.Role.AUTHOR)
    with pytest.raises(TwoFactorRequired):
        social.delete_comment(actor=unenrolled, comment=abuse)
    officer_like = person("second.author", "Second Author Realname")
    Membership.objects.create(organisation=organisation, member=officer_like, role=Membership.Role.AUTHOR)
    from tests.conftest import enrol

    enrol(officer_like)
    client = Client()
    client.force_login(officer_like)  # enrolled, but this session has not passed a code
    r = client.post(reverse("comment-action", args=[abuse.pk, "delete"]))
    assert r.status_code == 302 and "code" in r["Location"]
    assert Comment.objects.filter(pk=abuse.pk).exists() and "comment.deleted" not in _actions(organisation)


def test_the_commenter_still_deletes_their_own_comment_without_any_team_check(outsider, org_post, abuse):
    client = Client()
    client.force_login(outsider)
    assert client.post(reverse("comment-action", args=[abuse.pk, "delete"])).status_code == 302
    assert not Comment.objects.filter(pk=abuse.pk).exists()
    assert not AuditEntry.objects.filter(action="comment.deleted").exists()
