"""Two-person review of organisation posts: draft -> review -> approved -> published, and every way around it
that must fail (approving one's own draft, editing after approval, publishing without the path)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from openhouse.accounts import services as accounts
from openhouse.accounts.access import team_organisation
from openhouse.accounts.models import Account, Membership
from openhouse.audit import services as audit
from openhouse.audit.models import AuditEntry
from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.media.models import MediaItem
from openhouse.posts import services as posts
from openhouse.posts.models import Post
from openhouse.publishing import services as publishing
from openhouse.publishing.models import Draft, Review
from tests.conftest import log_in_verified, person, stored_files, text
from tests.publishing.conftest import approved, photos, submitted, write_draft

pytestmark = pytest.mark.django_db
Status = Draft.Status


def actions(organisation) -> list[str]:
    return list(
        AuditEntry.objects.filter(organisation=organisation).order_by("seq").values_list("action", flat=True)
    )


def test_author_drafts_reviewer_approves_and_the_post_goes_out_as_the_organisation(
    organisation, officer, reviewer, label
):
    draft = submitted(officer, organisation, label=label, caption="Ask us anything #qa")
    draft = publishing.approve_draft(
        reviewer=reviewer, draft=draft, revision=draft.revision, publish_now=True
    )

    post = Post.objects.get()
    assert draft.status == Status.PUBLISHED and draft.post == post
    assert post.author == organisation and post.role_label == "Surveillance officer"
    assert post.caption == "Ask us anything #qa" and list(post.hashtags.values_list("name", flat=True)) == [
        "qa"
    ]
    items = list(post.media.order_by("position"))
    assert [i.alt_text for i in items] == ["Archive photo 1", "Archive photo 2"]
    assert {i.owner_id for i in items} == {organisation.pk}  # never the member who uploaded them
    assert actions(organisation) == [
        "draft.created",
        "draft.edited",
        "draft.submitted",
        "review.approved",
        "draft.approved",
        "draft.published",
    ]
    assert audit.verify() == []
    who = dict(AuditEntry.objects.filter(organisation=organisation).values_list("action", "actor_handle"))
    assert who["draft.submitted"] == officer.handle and who["draft.approved"] == reviewer.handle


def test_reviewer_cannot_approve_own_draft_through_any_adapter(client, admin_client, organisation, officer):
    """An account holding both roles writes a draft; neither the service, the studio page, Django's admin
    nor posting directly as the organisation gets it published."""
    Membership.objects.create(organisation=organisation, member=officer, role=Membership.Role.REVIEWER)
    draft = submitted(officer, organisation)

    with pytest.raises(NotAllowed, match="someone else on the team"):
        publishing.approve_draft(reviewer=officer, draft=draft, revision=draft.revision)

    log_in_verified(client, officer)
    url = reverse("studio-draft-action", args=[organisation.handle, draft.pk, "approve"])
    response = client.post(url, {"revision": draft.revision, "when": "now"}, follow=True)
    assert "someone else on the team has to review it" in text(response)
    page = text(client.get(reverse("studio-draft", args=[organisation.handle, draft.pk])))
    assert "another reviewer has to approve it" in page and 'action="' + url not in page

    # Django's admin: drafts are read-only and there is no page to add or change posts.
    assert (
        admin_client.post(
            reverse("admin:publishing_draft_change", args=[draft.pk]), {"status": "approved"}
        ).status_code
        == 403
    )
    with pytest.raises(NoReverseMatch):
        reverse("admin:posts_post_add")

    # Publishing as the organisation without review, by any caller of the posts service.
    item = MediaItem.objects.filter(owner=organisation).first()
    with pytest.raises(NotAllowed, match="published through its review"):
        posts.create_post(author=organisation, media_ids=[item.pk], caption="Sneaky")
    with pytest.raises(Invalid, match="approved in its current version"):
        publishing.publish_draft_now(actor=officer, draft=draft)

    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and not Post.objects.exists() and not Review.objects.exists()


def test_site_superuser_outside_the_team_cannot_review_or_publish(organisation, officer, reviewer):
    boss = Account.objects.create_superuser("site.boss", "boss@example.org", "x" * 12)
    draft = submitted(officer, organisation)
    with pytest.raises(NotAllowed):
        publishing.approve_draft(reviewer=boss, draft=draft, revision=draft.revision, publish_now=True)
    draft = publishing.approve_draft(reviewer=reviewer, draft=draft, revision=draft.revision)
    with pytest.raises(NotAllowed):
        publishing.publish_draft_now(actor=boss, draft=draft)
    with pytest.raises(NotFound):
        team_organisation(viewer=boss, handle=organisation.handle)
    assert not Post.objects.exists()


def test_an_edit_after_approval_requires_re_approval(organisation, officer, reviewer, label):
    draft = approved(officer, reviewer, organisation, label=label)
    assert draft.status == Status.APPROVED
    items = publishing.draft_photos(draft)

    draft = publishing.edit_draft(
        actor=officer,
        draft=draft,
        caption="A different caption",
        role_label_id=label.pk,
        media_ids=[i.pk for i in items],
        alt_texts=[i.alt_text for i in items],
    )
    assert draft.status == Status.SUBMITTED and draft.revision == 3
    assert publishing.approvals_of_current_revision(draft) == []
    with pytest.raises(Invalid):
        publishing.publish_draft_now(actor=reviewer, draft=draft)
    with pytest.raises(Invalid, match="Review the new version"):
        publishing.approve_draft(reviewer=reviewer, draft=draft, revision=2)

    draft = publishing.approve_draft(reviewer=reviewer, draft=draft, revision=3, publish_now=True)
    assert Post.objects.get().caption == "A different caption"


@pytest.mark.parametrize("change", ["order", "alt", "label", "remove"])
def test_every_kind_of_edit_voids_the_approval(organisation, officer, reviewer, label, change):
    draft = approved(officer, reviewer, organisation, count=3)
    items = publishing.draft_photos(draft)
    ids, alts, remove = [i.pk for i in items], [i.alt_text for i in items], []
    label_id = None
    if change == "order":
        ids, alts = ids[::-1], alts[::-1]
    elif change == "alt":
        alts[1] = "Someone standing by the pods"
    elif change == "label":
        label_id = label.pk
    else:
        remove, ids, alts = [ids[2]], ids[:2], alts[:2]
    draft = publishing.edit_draft(
        actor=officer,
        draft=draft,
        caption=draft.caption,
        role_label_id=label_id,
        media_ids=ids,
        alt_texts=alts,
        remove_ids=remove,
    )
    assert draft.status == Status.SUBMITTED and not publishing.approvals_cover(draft)


def test_an_edit_that_changes_nothing_keeps_the_approval(organisation, officer, reviewer):
    draft = approved(officer, reviewer, organisation)
    items = publishing.draft_photos(draft)
    same = publishing.edit_draft(
        actor=officer,
        draft=draft,
        caption=draft.caption,
        role_label_id=None,
        media_ids=[i.pk for i in items],
        alt_texts=[i.alt_text for i in items],
    )
    assert same.status == Status.APPROVED and same.revision == draft.revision


def test_an_editor_becomes_a_writer_and_cannot_approve(organisation, officer, reviewer):
    """Someone who edits another author's draft wrote part of it: they can't be its reviewer either."""
    Membership.objects.create(organisation=organisation, member=reviewer, role=Membership.Role.AUTHOR)
    draft = submitted(officer, organisation)
    items = publishing.draft_photos(draft)
    draft = publishing.edit_draft(
        actor=reviewer,
        draft=draft,
        caption="Edited by the reviewer",
        role_label_id=None,
        media_ids=[i.pk for i in items],
        alt_texts=[i.alt_text for i in items],
    )
    with pytest.raises(NotAllowed):
        publishing.approve_draft(reviewer=reviewer, draft=draft, revision=draft.revision)


def test_the_organisation_can_require_two_approvals(
    organisation, officer, reviewer, second_reviewer, team_admin
):
    publishing.set_required_approvals(actor=team_admin, organisation=organisation, count=2)
    with pytest.raises(NotAllowed):
        publishing.set_required_approvals(actor=officer, organisation=organisation, count=1)
    with pytest.raises(Invalid):
        publishing.set_required_approvals(actor=team_admin, organisation=organisation, count=0)
    draft = submitted(officer, organisation)
    draft = publishing.approve_draft(
        reviewer=reviewer, draft=draft, revision=draft.revision, publish_now=True
    )
    assert draft.status == Status.SUBMITTED and not Post.objects.exists()
    with pytest.raises(Invalid, match="already reviewed"):
        publishing.approve_draft(reviewer=reviewer, draft=draft, revision=draft.revision)
    draft = publishing.approve_draft(reviewer=second_reviewer, draft=draft, revision=draft.revision)
    assert draft.status == Status.APPROVED


def test_an_approval_leaves_the_team_with_its_reviewer(
    client, organisation, officer, reviewer, second_reviewer, team_admin
):
    """A reviewer removed from the team (or no longer a reviewer) no longer vouches for what they approved:
    publishing or scheduling sends the draft back to review, where a current reviewer must approve it."""
    draft = approved(officer, reviewer, organisation)
    accounts.remove_member(actor=team_admin, organisation=organisation, member=reviewer)
    assert not publishing.approvals_cover(draft)
    log_in_verified(client, officer)
    page = text(client.get(reverse("studio-draft", args=[organisation.handle, draft.pk])))
    assert "An approval no longer counts." in page and "approvals of this version: 0 of 1" in page
    response = client.post(reverse("studio-draft-action", args=[organisation.handle, draft.pk, "publish"]))
    assert response.status_code == 302 and not Post.objects.exists()
    page = text(client.get(response["Location"]))
    assert "so the draft went back to review" in page
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and actions(organisation)[-1] == "draft.returned_to_review"
    draft = publishing.approve_draft(reviewer=second_reviewer, draft=draft, revision=draft.revision)
    assert draft.status == Status.APPROVED
    accounts.set_roles(
        actor=team_admin, organisation=organisation, member=second_reviewer, roles=[Membership.Role.AUTHOR]
    )
    with pytest.raises(Invalid, match="went back to review"):
        publishing.schedule_draft(actor=officer, draft=draft, publish_at=timezone.now() + timedelta(hours=1))
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.publish_at is None
    # Made a reviewer again, the second reviewer's earlier approval does not come back.
    accounts.set_roles(
        actor=team_admin, organisation=organisation, member=second_reviewer, roles=[Membership.Role.REVIEWER]
    )
    assert not publishing.approvals_cover(draft)


def test_a_deactivated_reviewers_approval_does_not_count(organisation, officer, reviewer):
    draft = approved(officer, reviewer, organisation)
    assert publishing.approvals_cover(draft)
    Account.objects.filter(pk=reviewer.pk).update(is_active=False)
    assert not publishing.approvals_cover(draft)


def test_rejection_needs_reasons_and_sends_the_draft_back(client, organisation, officer, reviewer):
    draft = submitted(officer, organisation)
    with pytest.raises(Invalid, match="Say what needs to change"):
        publishing.reject_draft(reviewer=reviewer, draft=draft, revision=draft.revision, reasons="  ")
    draft = publishing.reject_draft(
        reviewer=reviewer, draft=draft, revision=draft.revision, reasons="The badge in photo 2 is readable."
    )
    assert draft.status == Status.REJECTED
    log_in_verified(client, officer)
    page = text(client.get(reverse("studio-draft", args=[organisation.handle, draft.pk])))
    assert "Changes requested." in page and "The badge in photo 2 is readable." in page
    with pytest.raises(Invalid):
        publishing.publish_draft_now(actor=officer, draft=draft)
    items = publishing.draft_photos(draft)
    draft = publishing.edit_draft(
        actor=officer,
        draft=draft,
        caption="Badge cropped",
        role_label_id=None,
        media_ids=[items[0].pk],
        alt_texts=[items[0].alt_text],
        remove_ids=[items[1].pk],
    )
    assert draft.status == Status.DRAFT
    assert publishing.submit_draft(actor=officer, draft=draft).status == Status.SUBMITTED


def test_withdrawn_drafts_never_publish_and_deleting_removes_their_photos(
    organisation, officer, reviewer, media_root, django_capture_on_commit_callbacks
):
    draft = approved(officer, reviewer, organisation)
    draft = publishing.withdraw_draft(actor=reviewer, draft=draft)
    with pytest.raises(Invalid):
        publishing.publish_draft_now(actor=reviewer, draft=draft)
    with pytest.raises(NotAllowed):
        publishing.delete_draft(actor=reviewer, draft=draft)  # reviewers don't delete drafts
    assert stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.delete_draft(actor=officer, draft=draft)
    assert not Draft.objects.exists() and not MediaItem.objects.exists() and stored_files(media_root) == []
    assert actions(organisation)[-2:] == ["draft.withdrawn", "draft.deleted"]


def test_outsiders_and_other_organisations_teams_find_no_studio(client, organisation, officer, outsider):
    draft = write_draft(officer, organisation)
    other_org = Account.objects.create(handle="museum", is_organisation=True)
    other_member = person("museum.staff", "Museum Staff")
    Membership.objects.create(organisation=other_org, member=other_member, role=Membership.Role.ADMIN)
    urls = [
        reverse("studio", args=[organisation.handle]),
        reverse("studio-new", args=[organisation.handle]),
        reverse("studio-settings", args=[organisation.handle]),
        reverse("studio-draft", args=[organisation.handle, draft.pk]),
        reverse("studio", args=["nobody.here"]),
    ]
    for viewer in (outsider, other_member):
        log_in_verified(client, viewer)
        for url in urls:
            assert client.get(url).status_code == 404, url
        response = client.post(reverse("studio-draft-action", args=[organisation.handle, draft.pk, "submit"]))
        assert response.status_code == 404
    client.logout()
    assert client.get(urls[0]).status_code == 404
    for viewer in (outsider, AnonymousUser()):
        with pytest.raises(NotAllowed):
            publishing.submit_draft(actor=viewer, draft=draft)
    assert Draft.objects.get().status == Status.DRAFT


def test_start_draft_refuses_bad_photos_and_stores_nothing(organisation, officer, media_root):
    with pytest.raises(Invalid):
        publishing.start_draft(actor=officer, organisation=organisation, uploads=photos(11))
    assert not Draft.objects.exists() and stored_files(media_root) == []
