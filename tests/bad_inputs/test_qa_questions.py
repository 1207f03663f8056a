"""Bad questions and votes through the Q&A page: a sentence for the person, and nothing stored."""

import datetime as dt

import pytest
from django.urls import reverse

from openhouse.qa import services as qa
from openhouse.qa.models import Question, QuestionVote
from tests.conftest import text
from tests.qa.conftest import CLOSES, approved

pytestmark = pytest.mark.django_db

BAD = {
    "empty": ("", "Write your question first."),
    "all whitespace": (" \n\t  ", "Write your question first."),
    "over-long": ("a" * 301, "A question is at most 300 characters; this is 301."),
    "HTML": ("<b>Hi</b> there", "Questions are plain text"),
    "script": ("<script>fetch('/x')</script>", "Questions are plain text"),
    "zero-width": (
        "Hi\u200b there",
        "A question can't contain invisible or direction-changing characters (U+200B).",
    ),
    "bidi override": ("Hi\u202e there", "(U+202E)"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_question_gets_a_sentence_and_stores_nothing(client, session, member_of_public, case):
    body, message = BAD[case]
    client.force_login(member_of_public)
    response = client.post(reverse("qa-ask", args=[session.pk]), {"body": body})
    assert response.status_code == 400
    assert message in text(response)
    assert not Question.objects.exists() and not QuestionVote.objects.exists()


def test_question_after_closing(client, session, member_of_public, during):
    during.move_to(CLOSES + dt.timedelta(minutes=5))
    client.force_login(member_of_public)
    response = client.post(reverse("qa-ask", args=[session.pk]), {"body": "Too late?"})
    assert response.status_code == 400
    assert "This Q&A closed at 11:00 on 2 March 2026; it no longer takes questions." in text(response)
    assert not Question.objects.exists()


def test_question_over_the_per_person_limit(client, session, member_of_public):
    client.force_login(member_of_public)
    for n in range(3):
        client.post(reverse("qa-ask", args=[session.pk]), {"body": f"Question {n} about the pods?"})
    response = client.post(reverse("qa-ask", args=[session.pk]), {"body": "A fourth about glass roofs?"})
    assert response.status_code == 400
    assert "You can ask up to 3 questions in this Q&A, and you have." in text(response)
    assert Question.objects.count() == 3


def test_vote_on_a_hidden_question(client, session, member_of_public, outsider, reviewer):
    question = approved(session, member_of_public, reviewer, "Hide me later?")
    qa.moderate(actor=reviewer, question=question, action="hide")
    client.force_login(outsider)
    response = client.post(reverse("qa-vote", args=[question.pk, "vote"]))
    assert response.status_code == 404
    assert "This page isn't available." in text(response)
    assert QuestionVote.objects.filter(voter=outsider).count() == 0


def test_a_voter_who_could_see_it_is_told_it_was_hidden(session, member_of_public, reviewer):
    question = approved(session, member_of_public, reviewer, "Hide me later?")
    qa.moderate(actor=reviewer, question=question, action="hide")
    from openhouse.core.errors import NotFound

    with pytest.raises(NotFound, match="This question isn't available to vote on"):
        qa.vote(actor=reviewer, question=question)  # the team sees it, but cannot vote on it either
    assert QuestionVote.objects.filter(voter=reviewer).count() == 0
