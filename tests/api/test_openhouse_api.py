"""openhouse's own endpoints (/api/openhouse/v1/): organisations, Q&A, highlights and careers, through the
HTTP client with real tokens, calling the same services as the web pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openhouse.accounts.models import RoleLabel
from openhouse.careers import services as careers
from openhouse.posts import services as posts
from openhouse.qa.models import Question
from tests.api.test_authorization import org_post
from tests.conftest import open_qa_session

pytestmark = pytest.mark.django_db

V1 = "/api/openhouse/v1"
CANARIES = ("officer.canary", "Canary Officer Realname", "reviewer.canary", "Canary Reviewer Realname")


def _no_canary(response) -> None:
    text = response.content.decode()
    for canary in CANARIES:
        assert canary not in text, canary


def test_organisation_profile_with_role_labels_and_verification(api, organisation, officer, outsider):
    RoleLabel.objects.create(organisation=organisation, name="Surveillance officer")
    r = api().get(f"{V1}/organisations/mi5official")
    assert r.status_code == 200 and r["X-RateLimit-Limit"]
    assert r.json()["verified"] is True
    assert r.json()["role_labels"] == [{"name": "Surveillance officer"}]
    _no_canary(r)
    assert api().get(f"{V1}/organisations/outsider").status_code == 404  # a person, not an organisation

    body = {"verified": False}
    assert api(outsider).put(f"{V1}/organisations/mi5official/verification", body).status_code == 403
    outsider.is_staff = True
    outsider.save()
    assert (
        api(outsider, scopes="read").put(f"{V1}/organisations/mi5official/verification", body).status_code
        == 403
    )
    r = api(outsider).put(f"{V1}/organisations/mi5official/verification", body)
    assert r.status_code == 200 and r.json()["verified"] is False


def test_posts_endpoint_shows_the_organisation_and_never_the_member(api, organisation, officer, reviewer):
    post = org_post(organisation, officer, reviewer, "From the archive", n=2)
    r = api().get(f"{V1}/posts/{post.pk}")
    assert r.status_code == 200
    assert r.json()["account"] == "mi5official" and len(r.json()["photos"]) == 2
    _no_canary(r)
    page = api().get(f"{V1}/accounts/mi5official/posts", {"limit": 1}).json()
    assert [p["id"] for p in page["items"]] == [str(post.pk)] and page["next_before"] == str(post.pk)


POSTS_HAVE_LABELS = any(f.name == "role_label" for f in posts.Post._meta.get_fields())


@pytest.mark.skipif(
    not POSTS_HAVE_LABELS, reason="posts carry role labels once organisation publishing lands"
)
def test_an_organisation_posts_role_label_shows_in_both_apis(api, organisation, officer, reviewer):
    label = RoleLabel.objects.create(organisation=organisation, name="Surveillance officer")
    post = org_post(organisation, officer, reviewer, "From the archive", label=label)
    assert api().get(f"{V1}/posts/{post.pk}").json()["role_label"] == "Surveillance officer"
    mastodon = api().get(f"/api/v1/statuses/{post.pk}")
    assert mastodon.json()["content"].startswith("<p>Surveillance officer</p>")
    assert mastodon.json()["openhouse"]["role_label"] == "Surveillance officer"
    _no_canary(mastodon)


def test_qa_from_question_to_answer_under_a_role_label(
    api, organisation, officer, member_of_public, outsider
):
    RoleLabel.objects.create(organisation=organisation, name="Agent runner")
    session = open_qa_session(organisation, officer)
    public, asker, team = api(), api(member_of_public), api(officer)
    listed = public.get(f"{V1}/organisations/mi5official/qa").json()
    assert [s["title"] for s in listed] == ["Ask an officer"] and listed[0]["state"] == "open"

    asked = asker.post(
        f"{V1}/qa/{session.pk}/questions",
        {"body": "What is a normal day like?"},
        content_type="application/json",
    )
    assert asked.status_code == 200, asked.content
    question_id = asked.json()["question"]["id"]
    assert asked.json()["question"]["status"] == "pending"
    assert public.get(f"{V1}/qa/{session.pk}").json()["waiting"] == []  # not before moderation
    assert [q["id"] for q in asker.get(f"{V1}/qa/{session.pk}").json()["mine_pending"]] == [question_id]

    # Only the team moderates; to anyone else the question is not there to moderate.
    moderation = {"action": "approve"}
    assert (
        api(outsider)
        .post(f"{V1}/qa/questions/{question_id}/moderation", moderation, content_type="application/json")
        .status_code
        == 404
    )
    r = team.post(f"{V1}/qa/questions/{question_id}/moderation", moderation, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"

    assert api(outsider).post(f"{V1}/qa/questions/{question_id}/vote").json() == {"voted": True, "votes": 2}
    reply = {"body": "Mostly paperwork.", "role_label": "Agent runner"}
    bad = team.post(
        f"{V1}/qa/questions/{question_id}/answer",
        reply | {"role_label": "Officer Realname"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    r = team.post(f"{V1}/qa/questions/{question_id}/answer", reply, content_type="application/json")
    assert r.status_code == 200 and r.json()["answer"]["role_label"] == "Agent runner"

    page = public.get(f"{V1}/qa/{session.pk}")
    assert page.json()["answered"][0]["answer"]["body"] == "Mostly paperwork."
    _no_canary(page)
    assert "curious.teen" not in page.content.decode()  # askers are not shown either
    assert Question.objects.get(pk=question_id).status == Question.Status.ANSWERED


def test_a_read_token_cannot_ask_or_vote(api, organisation, officer, member_of_public):
    session = open_qa_session(organisation, officer, "Ask")
    reader = api(member_of_public, scopes="read")
    r = reader.post(f"{V1}/qa/{session.pk}/questions", {"body": "Hello?"}, content_type="application/json")
    assert r.status_code == 403 and not Question.objects.exists()


def test_careers_and_highlights(api, organisation, officer, reviewer):
    careers.create_listing(
        actor=officer,
        organisation=organisation,
        title="Surveillance officer",
        team="Operations",
        region="London",
        closes_on=timezone.now().date() + timedelta(days=10),
        summary="Watch carefully.",
        apply_url="https://www.example.gov.uk/careers",
    )
    jobs = api().get(f"{V1}/organisations/mi5official/careers").json()
    assert [j["title"] for j in jobs] == ["Surveillance officer"]
    assert jobs[0]["apply_url"].startswith("https://")
    post = org_post(organisation, officer, reviewer, "Archive")
    highlight = posts.create_highlight(actor=officer, account=organisation, title="From the archive")
    posts.add_to_highlight(actor=officer, highlight=highlight, post_id=post.pk)
    r = api().get(f"{V1}/accounts/mi5official/highlights")
    assert r.status_code == 200, r.content
    assert r.json()[0]["title"] == "From the archive"
    assert r.json()[0]["items"][0]["post"]["id"] == str(post.pk)
    _no_canary(r)


def test_highlights_cost_the_same_queries_for_one_or_five(api, organisation, officer, reviewer):
    made = [org_post(organisation, officer, reviewer, f"Archive {n}") for n in range(3)]
    first = posts.create_highlight(actor=officer, account=organisation, title="Highlight 0")
    posts.add_to_highlight(actor=officer, highlight=first, post_id=made[0].pk)
    url = f"{V1}/accounts/mi5official/highlights"
    with CaptureQueriesContext(connection) as one:
        assert api().get(url).status_code == 200
    for n in range(1, 5):
        more = posts.create_highlight(actor=officer, account=organisation, title=f"Highlight {n}")
        for post in made[: 1 + n % 3]:
            posts.add_to_highlight(actor=officer, highlight=more, post_id=post.pk)
    with CaptureQueriesContext(connection) as five:
        listed = api().get(url).json()
    assert [len(h["items"]) for h in listed] == [1, 2, 3, 1, 2]
    assert len(five.captured_queries) == len(one.captured_queries)
