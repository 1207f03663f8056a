"""The Q&A through the web: the public page, the live poll, the moderation queue; officers stay anonymous."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from openhouse.qa import services as qa
from openhouse.qa.models import Question
from tests.conftest import log_in_verified, text
from tests.qa.conftest import CLOSES, approved

pytestmark = pytest.mark.django_db

CANARIES = ("officer.canary", "Canary Officer Realname", "officer.canary@example.org", "reviewer.canary")


def _answered(session, member_of_public, reviewer, officer, body="Is it like the films?"):
    question = approved(session, member_of_public, reviewer, body)
    qa.answer(actor=officer, question=question, body="Less running, more tea.", role_label="Agent runner")
    return question


def test_public_page_shows_answers_under_the_role_label_and_never_the_member(
    client, session, member_of_public, reviewer, officer
):
    _answered(session, member_of_public, reviewer, officer)
    page = text(client.get(reverse("qa-session", args=[session.pk])))
    assert "Less running, more tea." in page and "Agent runner" in page
    for canary in CANARIES:
        assert canary not in page
    live = client.get(reverse("qa-live", args=[session.pk]))
    body = live.content.decode()
    assert "Less running, more tea." in json.loads(body)["html"]
    for canary in CANARIES:
        assert canary not in body


def test_no_public_page_reveals_the_answering_member_even_to_signed_in_people(
    client, session, member_of_public, reviewer, officer, organisation
):
    _answered(session, member_of_public, reviewer, officer)
    client.force_login(member_of_public)
    for url in [
        reverse("qa-session", args=[session.pk]),
        reverse("qa-live", args=[session.pk]),
        reverse("qa-sessions", args=[organisation.handle]),
        reverse("profile", args=[organisation.handle]),
    ]:
        page = text(client.get(url))
        for canary in CANARIES:
            assert canary not in page, (url, canary)


def test_pending_questions_are_seen_by_their_asker_only(client, session, member_of_public, outsider):
    qa.ask(actor=member_of_public, session=session, body="Secret pending question?")
    url = reverse("qa-session", args=[session.pk])
    assert "Secret pending question?" not in text(client.get(url))
    client.force_login(outsider)
    assert "Secret pending question?" not in text(client.get(url))
    client.force_login(member_of_public)
    assert "Secret pending question?" in text(client.get(url))


def test_live_poll_answers_204_while_nothing_changed_and_json_when_it_did(
    client,
    session,
    member_of_public,
    reviewer,
    officer,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    url = reverse("qa-live", args=[session.pk])
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "public, max-age=1"
    version = first.json()["version"]
    with django_assert_num_queries(0):  # the version and the fragment come from the cache
        assert client.get(url, {"since": version}).status_code == 204
        assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the answer commits and announces its version
        _answered(session, member_of_public, reviewer, officer)
    changed = client.get(url, {"since": version})
    assert changed.status_code == 200
    assert changed.json()["version"] > version
    assert "Less running, more tea." in changed.json()["html"]


def test_live_poll_does_not_touch_the_session_or_vary_by_cookie(client, session, member_of_public):
    client.force_login(member_of_public)
    response = client.get(reverse("qa-live", args=[session.pk]))
    assert "Cookie" not in response.get("Vary", "")
    assert "sessionid" not in response.cookies


def test_live_poll_of_an_unknown_session_is_404(client, db):
    assert client.get(reverse("qa-live", args=[12345])).status_code == 404
    assert client.get(reverse("qa-live", args=["9" * 19])).status_code == 404  # beyond a 64-bit key
    assert client.get(reverse("qa-session", args=["9" * 19])).status_code == 404


def test_session_page_queries_do_not_grow_with_answers(
    client, session, member_of_public, reviewer, officer, django_assert_max_num_queries
):
    from tests.conftest import person

    _answered(session, member_of_public, reviewer, officer, "First question?")
    url = reverse("qa-session", args=[session.pk])
    client.force_login(member_of_public)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for n in range(6):
        asker = person(f"asker{n}", f"Asker {n}")
        _answered(session, asker, reviewer, officer, f"Question {n} about pods and roofs?")
        approved(session, asker, reviewer, f"Waiting {n} about roofs and glass?")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_asking_through_the_page(client, session, member_of_public):
    client.force_login(member_of_public)
    response = client.post(
        reverse("qa-ask", args=[session.pk]), {"body": "What is the canteen like?"}, follow=True
    )
    assert "will appear here once a moderator has read it" in text(response)
    assert Question.objects.get().body == "What is the canteen like?"


def test_merged_question_says_so(client, session, member_of_public, outsider):
    qa.ask(actor=outsider, session=session, body="What is the canteen like?")
    client.force_login(member_of_public)
    response = client.post(
        reverse("qa-ask", args=[session.pk]), {"body": "what's the canteen like"}, follow=True
    )
    assert "added your vote" in text(response)
    assert Question.objects.get().votes_count == 2


def test_asking_needs_an_account(client, session):
    response = client.post(reverse("qa-ask", args=[session.pk]), {"body": "Anonymous?"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Question.objects.exists()


def test_voting_through_the_page(client, session, member_of_public, outsider, reviewer):
    question = approved(session, member_of_public, reviewer, "Vote for me?")
    client.force_login(outsider)
    response = client.post(reverse("qa-vote", args=[question.pk, "vote"]))
    assert response.status_code == 302 and response["Location"].endswith(f"#q-{question.pk}")
    question.refresh_from_db()
    assert question.votes_count == 2
    client.post(reverse("qa-vote", args=[question.pk, "unvote"]))
    question.refresh_from_db()
    assert question.votes_count == 1


def test_moderation_queue_is_the_teams_alone(client, session, member_of_public, outsider, reviewer):
    qa.ask(actor=member_of_public, session=session, body="Queue me?")
    url = reverse("qa-moderate", args=[session.pk])
    assert client.get(url).status_code == 302  # to the login page
    for someone in (outsider, member_of_public):
        client.force_login(someone)
        assert client.get(url).status_code == 404
    log_in_verified(client, reviewer)
    page = client.get(url)
    assert page.status_code == 200
    assert "Queue me?" in text(page) and "asked by @curious.teen" in text(page)


def test_moderator_approves_and_team_member_answers_through_the_pages(
    client, session, member_of_public, reviewer, officer
):
    question = qa.ask(actor=member_of_public, session=session, body="How are you?").question
    log_in_verified(client, reviewer)
    client.post(reverse("qa-moderate-question", args=[question.pk, "approve"]))
    question.refresh_from_db()
    assert question.status == Question.Status.APPROVED
    log_in_verified(client, officer)
    response = client.post(
        reverse("qa-answer", args=[question.pk]),
        {"answer": "Very well, thank you.", "role_label": "Surveillance officer"},
        follow=True,
    )
    assert "Answer published as “Surveillance officer”" in text(response)
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED


def test_outsiders_cannot_moderate_or_answer_through_the_pages(client, session, member_of_public, outsider):
    question = qa.ask(actor=member_of_public, session=session, body="How are you?").question
    client.force_login(outsider)
    assert client.post(reverse("qa-moderate-question", args=[question.pk, "approve"])).status_code == 404
    question.refresh_from_db()
    assert question.status == Question.Status.PENDING


def test_closed_session_stays_readable(client, session, member_of_public, reviewer, officer, during):
    _answered(session, member_of_public, reviewer, officer)
    during.move_to(CLOSES + dt.timedelta(days=30))
    page = text(client.get(reverse("qa-session", args=[session.pk])))
    assert "Closed" in page and "Less running, more tea." in page
    assert "Send question" not in page


def test_team_opens_a_session_through_the_form(client, organisation, officer, labels, during):
    log_in_verified(client, officer)
    url = reverse("qa-new", args=[organisation.handle])
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"title": "Backwards", "opens_at": "2026-03-02T12:00", "closes_at": "2026-03-02T11:00"}
    )
    assert bad.status_code == 400 and "must be after the opening time" in text(bad)
    good = client.post(
        url, {"title": "Forwards", "opens_at": "2026-03-02T10:00", "closes_at": "2026-03-02T11:00"}
    )
    assert good.status_code == 302


def test_outsiders_do_not_get_the_open_session_form(client, organisation, outsider):
    client.force_login(outsider)
    assert client.get(reverse("qa-new", args=[organisation.handle])).status_code == 404
