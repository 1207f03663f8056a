"""Drafts and reviews through /api/openhouse/v1/: the team only, two people, and drafts never anywhere else."""

import json

import pytest

from openhouse.accounts.models import RoleLabel
from openhouse.publishing.models import Draft
from tests.publishing.conftest import write_draft

pytestmark = pytest.mark.django_db

V1 = "/api/openhouse/v1/organisations/mi5official/drafts"


@pytest.fixture
def label(organisation) -> RoleLabel:
    return RoleLabel.objects.create(organisation=organisation, name="Surveillance officer")


def test_author_submits_and_another_reviewer_publishes(
    api, organisation, officer, reviewer, label, member_of_public
):
    draft = write_draft(officer, organisation, caption="Secret caption canary", label=label)
    author, checker = api(officer), api(reviewer)
    listed = author.get(V1).json()
    assert [d["id"] for d in listed] == [str(draft.pk)] and listed[0]["photos"] == 2
    submitted = author.post(f"{V1}/{draft.pk}/submit").json()
    assert submitted["status"] == "submitted"
    # The author can't approve their own draft.
    own = author.post(
        f"{V1}/{draft.pk}/reviews",
        {"verdict": "approve", "revision": draft.revision},
        content_type="application/json",
    )
    assert own.status_code == 403

    # Before publication the draft shows through no public endpoint.
    public = api(member_of_public)
    for path in [
        "/api/v1/timelines/public",
        f"/api/v1/accounts/{organisation.pk}/statuses",
        "/api/v2/search?q=secret",
        "/api/openhouse/v1/accounts/mi5official/posts",
        "/api/openhouse/v1/accounts/mi5official/highlights",
    ]:
        r = public.get(path)
        assert "Secret caption canary" not in r.content.decode(), path
    assert public.get(V1).status_code == 404
    assert public.get(f"{V1}/{draft.pk}").status_code == 404

    done = checker.post(
        f"{V1}/{draft.pk}/reviews",
        {"verdict": "approve", "revision": submitted["revision"], "publish_now": True},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "published" and done.json()["post_id"]
    status = public.get(f"/api/v1/statuses/{done.json()['post_id']}").json()
    assert status["account"]["username"] == "mi5official"
    assert status["content"].startswith("<p>Surveillance officer</p>")
    text = json.dumps(status)
    for canary in (
        "officer.canary",
        "Canary Officer Realname",
        "reviewer.canary",
        "Canary Reviewer Realname",
    ):
        assert canary not in text


def test_drafts_are_404_to_outsiders_and_to_read_only_writes(api, organisation, officer, outsider, label):
    draft = write_draft(officer, organisation, label=label)
    assert api(outsider).get(f"{V1}/{draft.pk}").status_code == 404
    assert api(outsider).post(f"{V1}/{draft.pk}/submit").status_code == 404
    assert api(officer, scopes="read").post(f"{V1}/{draft.pk}/submit").status_code == 403
    assert api().get(V1).status_code == 401
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.DRAFT
