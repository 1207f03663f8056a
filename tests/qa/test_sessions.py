"""Opening, asking, merging near-duplicates, voting, moderating and answering under role labels."""

import datetime as dt
import re

import pytest

from openhouse.audit.models import AuditEntry
from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.qa import services as qa
from openhouse.qa.models import Answer, QASession, Question, QuestionVote
from tests.conftest import person
from tests.qa.conftest import CLOSES, OPENS, approved

pytestmark = pytest.mark.django_db


def test_team_author_opens_a_session_and_it_is_audited(session, officer):
    assert session.questions_per_person == 3
    entry = AuditEntry.objects.get(action="qa.open")
    assert entry.actor_handle == officer.handle
    assert entry.subject == f"qa_session:{session.pk}"


@pytest.mark.parametrize("who", ["outsider", "member_of_public", "director", "reviewer"])
def test_only_admins_and_authors_open_sessions(request, organisation, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        qa.open_session(
            actor=actor, organisation=organisation, title="T", intro="", opens_at=OPENS, closes_at=CLOSES
        )
    assert not QASession.objects.exists()


@pytest.mark.parametrize("closes", [OPENS, OPENS - dt.timedelta(minutes=1)])
def test_closing_time_must_follow_opening_time(organisation, officer, closes):
    with pytest.raises(Invalid, match="must be after the opening time"):
        qa.open_session(
            actor=officer, organisation=organisation, title="T", intro="", opens_at=OPENS, closes_at=closes
        )
    assert not QASession.objects.exists()


def test_database_refuses_a_window_that_closes_before_it_opens(organisation):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        QASession.objects.create(organisation=organisation, title="T", opens_at=OPENS, closes_at=OPENS)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write your question first."),
        ("   \t  ", "Write your question first."),
        ("x" * 301, "at most 300 characters; this is 301"),
        ("<script>alert(1)</script> how?", "plain text"),
        ("Is this <b>bold</b>?", "plain text"),
        ("Who\u200bgoes there?", "invisible or direction-changing characters (U+200B)"),
        ("Who goes\u202ethere?", "U+202E"),
    ],
)
def test_bad_questions_are_refused_and_nothing_is_stored(session, member_of_public, body, message):
    with pytest.raises(Invalid, match=re.escape(message)):
        qa.ask(actor=member_of_public, session=session, body=body)
    assert not Question.objects.exists()
    assert not QuestionVote.objects.exists()


def test_a_question_of_exactly_300_characters_is_accepted(session, member_of_public):
    asked = qa.ask(actor=member_of_public, session=session, body="y" * 299 + "?")
    assert len(asked.question.body) == 300
    assert asked.question.status == Question.Status.PENDING


def test_less_than_sign_in_plain_text_is_fine(session, member_of_public):
    asked = qa.ask(actor=member_of_public, session=session, body="Is 3 < 4 in your job too?")
    assert asked.question.body == "Is 3 < 4 in your job too?"


def test_no_questions_before_opening_or_after_closing(session, member_of_public, during):
    during.move_to(OPENS - dt.timedelta(minutes=1))
    with pytest.raises(Invalid, match="opens at 10:00 on 2 March 2026"):
        qa.ask(actor=member_of_public, session=session, body="Early?")
    during.move_to(CLOSES)
    with pytest.raises(Invalid, match="closed at 11:00 on 2 March 2026"):
        qa.ask(actor=member_of_public, session=session, body="Late?")
    assert not Question.objects.exists()


def test_per_person_limit(session, member_of_public, outsider):
    for n in range(3):
        qa.ask(actor=member_of_public, session=session, body=f"Question number {n} about pods?")
    with pytest.raises(Invalid, match="up to 3 questions in this Q&A"):
        qa.ask(actor=member_of_public, session=session, body="One more about the glass roof?")
    assert Question.objects.filter(author=member_of_public).count() == 3
    qa.ask(actor=outsider, session=session, body="Someone else's question?")  # the limit is per person


def test_near_duplicates_merge_into_one_question_with_the_votes(session, member_of_public, outsider):
    first = qa.ask(actor=member_of_public, session=session, body="What's it like being an agent runner?")
    second = qa.ask(actor=outsider, session=session, body="what is it like to be an Agent-Runner")
    assert second.merged and second.question.pk == first.question.pk
    assert Question.objects.count() == 1
    question = Question.objects.get()
    assert question.votes_count == 2 == QuestionVote.objects.filter(question=question).count()


def test_a_merged_question_does_not_count_against_the_limit(session, member_of_public, outsider):
    qa.ask(actor=outsider, session=session, body="Do you carry gadgets around?")
    for n in range(3):
        qa.ask(actor=member_of_public, session=session, body=f"Own question {n} about pods?")
    merged = qa.ask(actor=member_of_public, session=session, body="Do you carry gadgets around")
    assert merged.merged


def test_asking_the_same_question_twice_is_refused(session, member_of_public):
    qa.ask(actor=member_of_public, session=session, body="Do you carry gadgets?")
    with pytest.raises(Invalid, match="already asked this question"):
        qa.ask(actor=member_of_public, session=session, body="do you carry gadgets")
    assert Question.objects.count() == 1


def test_different_questions_are_not_merged(session, member_of_public, outsider):
    qa.ask(actor=member_of_public, session=session, body="What is it like to be an agent runner?")
    other = qa.ask(actor=outsider, session=session, body="What is it like to be an agent runner in Belfast?")
    assert not other.merged


def test_hidden_questions_are_not_merge_targets(session, member_of_public, outsider, reviewer):
    hidden = qa.ask(actor=member_of_public, session=session, body="Rude question about gadgets").question
    qa.moderate(actor=reviewer, question=hidden, action="hide")
    again = qa.ask(actor=outsider, session=session, body="Rude question about gadgets")
    assert not again.merged


def test_votes_count_equals_vote_rows_and_voting_twice_is_idempotent(
    session, member_of_public, outsider, reviewer
):
    question = approved(session, member_of_public, reviewer, "Do you like the pods?")
    assert qa.vote(actor=outsider, question=question) is True
    assert qa.vote(actor=outsider, question=question) is False
    question.refresh_from_db()
    assert question.votes_count == 2 == question.votes.count()
    assert qa.unvote(actor=outsider, question=question) is True
    assert qa.unvote(actor=outsider, question=question) is False
    question.refresh_from_db()
    assert question.votes_count == 1 == question.votes.count()


@pytest.mark.parametrize("status", ["hide", None])
def test_no_votes_on_hidden_or_pending_questions(session, member_of_public, outsider, reviewer, status):
    question = qa.ask(actor=member_of_public, session=session, body="A question to vote on?").question
    if status:
        qa.moderate(actor=reviewer, question=question, action=status)
    with pytest.raises(NotFound, match="isn't available to vote on"):
        qa.vote(actor=outsider, question=question)
    assert question.votes.count() == 1  # the asker's own


def test_no_votes_after_closing(session, member_of_public, outsider, reviewer, during):
    question = approved(session, member_of_public, reviewer, "A question to vote on?")
    during.move_to(CLOSES + dt.timedelta(seconds=1))
    with pytest.raises(Invalid, match="has closed"):
        qa.vote(actor=outsider, question=question)
    assert question.votes.count() == 1


@pytest.mark.parametrize("who", ["outsider", "member_of_public", "director"])
def test_only_the_team_moderates_and_answers(request, session, member_of_public, labels, who):
    actor = request.getfixturevalue(who)
    question = qa.ask(actor=member_of_public, session=session, body="Who moderates?").question
    with pytest.raises(NotAllowed):
        qa.moderate(actor=actor, question=question, action="approve")
    with pytest.raises(NotAllowed):
        qa.answer(actor=actor, question=question, body="Me.", role_label=labels[0])
    question.refresh_from_db()
    assert question.status == Question.Status.PENDING
    assert not Answer.objects.exists()


def test_moderation_moves_and_is_audited(session, member_of_public, reviewer):
    question = qa.ask(actor=member_of_public, session=session, body="Moderate me?").question
    qa.moderate(actor=reviewer, question=question, action="approve")
    qa.moderate(actor=reviewer, question=question, action="hide")
    qa.moderate(actor=reviewer, question=question, action="approve")
    qa.moderate(actor=reviewer, question=question, action="mark_answered")
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED and question.answered_at is not None
    actions = list(AuditEntry.objects.filter(action__startswith="qa.").values_list("action", flat=True))
    assert actions == ["qa.open", "qa.approve", "qa.hide", "qa.approve", "qa.mark_answered"]
    with pytest.raises(Invalid, match="can't be changed that way"):
        qa.moderate(actor=reviewer, question=question, action="approve")
    with pytest.raises(Invalid, match="Choose approve"):
        qa.moderate(actor=reviewer, question=question, action="delete")


def test_answer_is_published_under_a_role_label_and_the_member_only_in_private_places(
    session, member_of_public, reviewer, officer, labels
):
    question = approved(session, member_of_public, reviewer, "Is it like the films?")
    answer = qa.answer(actor=officer, question=question, body="Less running.", role_label="Agent runner")
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED
    assert answer.role_label == "Agent runner" and answer.answered_by == officer
    entry = AuditEntry.objects.get(action="qa.answer")
    assert entry.actor_handle == officer.handle and entry.after["role_label"] == "Agent runner"


def test_answers_need_one_of_the_organisations_labels(session, member_of_public, reviewer, officer):
    question = approved(session, member_of_public, reviewer, "Which label?")
    for label in ["", "Director General", "Canary Officer Realname"]:
        with pytest.raises(Invalid, match="role labels"):
            qa.answer(actor=officer, question=question, body="An answer.", role_label=label)
    with pytest.raises(Invalid, match="Write the answer first"):
        qa.answer(actor=officer, question=question, body="  ", role_label="Agent runner")
    assert not Answer.objects.exists()


def test_one_answer_per_question_and_none_for_hidden(session, member_of_public, outsider, reviewer, officer):
    question = approved(session, member_of_public, reviewer, "Answer me once?")
    qa.answer(actor=officer, question=question, body="Once.", role_label="Agent runner")
    with pytest.raises(Invalid, match="already has an answer"):
        qa.answer(actor=officer, question=question, body="Twice.", role_label="Agent runner")
    hidden = qa.ask(actor=outsider, session=session, body="Hide me?").question
    qa.moderate(actor=reviewer, question=hidden, action="hide")
    with pytest.raises(Invalid, match="hidden"):
        qa.answer(actor=officer, question=hidden, body="No.", role_label="Agent runner")
    assert Answer.objects.count() == 1


def test_a_hidden_answered_question_comes_back_answered(session, member_of_public, reviewer, officer):
    question = approved(session, member_of_public, reviewer, "Shown, hidden, shown?")
    reply = qa.answer(actor=officer, question=question, body="Yes.", role_label="Agent runner")
    assert qa.moderate(actor=reviewer, question=question, action="hide").status == Question.Status.HIDDEN
    again = qa.moderate(actor=reviewer, question=question, action="approve")
    assert again.status == Question.Status.ANSWERED and Answer.objects.get(question=question) == reply
    marked = approved(session, member_of_public, reviewer, "Answered in another reply?")
    qa.moderate(actor=reviewer, question=marked, action="mark_answered")
    qa.moderate(actor=reviewer, question=marked, action="hide")
    assert qa.moderate(actor=reviewer, question=marked, action="approve").status == Question.Status.ANSWERED


def test_public_changes_bump_the_version_and_private_ones_do_not(
    session, member_of_public, reviewer, officer
):
    def version():
        return QASession.objects.get(pk=session.pk).version

    start = version()
    question = qa.ask(actor=member_of_public, session=session, body="Bump?").question
    assert version() == start  # a pending question is not public
    hidden = qa.ask(actor=member_of_public, session=session, body="Hide quietly?").question
    qa.moderate(actor=reviewer, question=hidden, action="hide")
    assert version() == start
    qa.moderate(actor=reviewer, question=question, action="approve")
    assert version() == start + 1
    qa.answer(actor=officer, question=question, body="Yes.", role_label="Agent runner")
    assert version() == start + 2


def test_closing_early(session, officer, member_of_public, during):
    qa.close_session(actor=officer, session=session)
    assert session.has_closed()
    with pytest.raises(Invalid, match="closed at 10:15"):
        qa.ask(actor=member_of_public, session=session, body="Still open?")
    with pytest.raises(Invalid, match="already closed"):
        qa.close_session(actor=officer, session=session)


def test_closing_before_opening_is_refused(organisation, officer, labels, during):
    later = qa.open_session(
        actor=officer,
        organisation=organisation,
        title="Tomorrow",
        intro="",
        opens_at=OPENS + dt.timedelta(days=1),
        closes_at=CLOSES + dt.timedelta(days=1),
    )
    with pytest.raises(Invalid, match="hasn't opened"):
        qa.close_session(actor=officer, session=later)


def test_signed_out_visitors_cannot_ask_or_vote(session, member_of_public, reviewer):
    from django.contrib.auth.models import AnonymousUser

    question = approved(session, member_of_public, reviewer, "Anyone there?")
    with pytest.raises(NotAllowed):
        qa.ask(actor=AnonymousUser(), session=session, body="Me?")
    with pytest.raises(NotAllowed):
        qa.vote(actor=AnonymousUser(), question=question)
    with pytest.raises(NotAllowed):
        qa.unvote(actor=AnonymousUser(), question=question)


def test_session_fields_are_bounded(organisation, officer):
    with pytest.raises(Invalid, match="title"):
        qa.open_session(
            actor=officer, organisation=organisation, title=" ", intro="", opens_at=OPENS, closes_at=CLOSES
        )
    with pytest.raises(Invalid, match="at most 120"):
        qa.open_session(
            actor=officer,
            organisation=organisation,
            title="t" * 121,
            intro="",
            opens_at=OPENS,
            closes_at=CLOSES,
        )
    with pytest.raises(Invalid, match="between 1 and 20"):
        qa.open_session(
            actor=officer,
            organisation=organisation,
            title="T",
            intro="",
            opens_at=OPENS,
            closes_at=CLOSES,
            questions_per_person=21,
        )
    assert not QASession.objects.exists()


def test_many_people_near_duplicate_a_question(session, reviewer):
    asker = person("first.asker", "First Asker")
    qa.ask(actor=asker, session=session, body="How do you recruit people from every region?")
    for n in range(5):
        voter = person(f"voter{n}", f"Voter {n}")
        assert qa.ask(actor=voter, session=session, body="how do you recruit people from every region").merged
    question = Question.objects.get()
    assert question.votes_count == 6 == question.votes.count()
