"""A Q&A of the organisation, open for an hour from 10:00 UTC, with the team's role labels."""

import datetime as dt

import pytest
import time_machine

from openhouse.accounts.models import RoleLabel
from openhouse.qa import services as qa

OPENS = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
CLOSES = OPENS + dt.timedelta(hours=1)


@pytest.fixture
def during():
    """Time stands at 10:15, inside the session's window."""
    with time_machine.travel(OPENS + dt.timedelta(minutes=15), tick=False) as traveller:
        yield traveller


@pytest.fixture
def labels(organisation):
    for position, name in enumerate(["Surveillance officer", "Agent runner"]):
        RoleLabel.objects.create(organisation=organisation, name=name, position=position)
    return ["Surveillance officer", "Agent runner"]


@pytest.fixture
def session(organisation, officer, labels, during):
    return qa.open_session(
        actor=officer,
        organisation=organisation,
        title="Ask a surveillance officer",
        intro="What the job is really like.",
        opens_at=OPENS,
        closes_at=CLOSES,
        questions_per_person=3,
    )


def approved(session, asker, moderator, body):
    question = qa.ask(actor=asker, session=session, body=body).question
    qa.moderate(actor=moderator, question=question, action="approve")
    question.refresh_from_db()
    return question
