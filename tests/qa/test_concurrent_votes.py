"""Vote counts equal the vote rows after many people vote at once (twice each, as double taps do)."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from openhouse.qa import services as qa
from openhouse.qa.models import Question, QuestionVote
from tests.conftest import person


@pytest.mark.django_db(transaction=True)
def test_thirty_people_voting_at_once_count_exactly(organisation, officer, reviewer, member_of_public):
    now = timezone.now()
    session = qa.open_session(
        actor=officer,
        organisation=organisation,
        title="Busy",
        intro="",
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(hours=1),
    )
    question = qa.ask(actor=member_of_public, session=session, body="Popular question?").question
    qa.moderate(actor=reviewer, question=question, action="approve")
    voters = [person(f"voter{n}", f"Voter {n}") for n in range(30)]
    barrier = threading.Barrier(len(voters))
    errors = []

    def vote(account):
        try:
            barrier.wait()
            qa.vote(actor=account, question=question)
            qa.vote(actor=account, question=question)
            if account.handle.endswith(("0", "5")):
                qa.unvote(actor=account, question=question)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(v,)) for v in voters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = QuestionVote.objects.filter(question=question).count()
    assert rows == 1 + 30 - 6
    assert Question.objects.get(pk=question.pk).votes_count == rows
