"""Reads of Q&A sessions for the pages that show them; each a fixed number of queries.

Public reads select the answer's body and role label only: `answered_by` is never loaded for them.
"""

from django.db.models import Count, Prefetch, Q, QuerySet

from openhouse.accounts.models import Account, RoleLabel
from openhouse.posts.access import Viewer
from openhouse.qa.models import Answer, QASession, Question, QuestionVote

LIST_MAX = 200

_PUBLIC_ANSWER = Answer.objects.only("id", "question_id", "body", "role_label", "created_at")


def answered(*, session: QASession) -> list[Question]:
    """Answered questions, newest answer first, each with its public answer (or none when marked answered)."""
    return list(
        Question.objects.filter(session=session, status=Question.Status.ANSWERED)
        .only("id", "session_id", "body", "status", "votes_count", "answered_at", "created_at")
        .prefetch_related(Prefetch("answer", queryset=_PUBLIC_ANSWER))
        .order_by("-answered_at", "-id")[:LIST_MAX]
    )


def waiting(*, session: QASession) -> list[Question]:
    """Approved, not yet answered: the public list people vote on, most votes first."""
    return list(
        Question.objects.filter(session=session, status=Question.Status.APPROVED)
        .only("id", "session_id", "body", "status", "votes_count", "created_at")
        .order_by("-votes_count", "id")[:LIST_MAX]
    )


def own_pending(*, viewer: Viewer, session: QASession) -> list[Question]:
    if not viewer.is_authenticated:
        return []
    return list(
        Question.objects.filter(
            session=session, author_id=viewer.pk, status=Question.Status.PENDING
        ).order_by("id")
    )


def voted_ids(*, viewer: Viewer, questions: list[Question]) -> set[int]:
    if not viewer.is_authenticated or not questions:
        return set()
    return set(
        QuestionVote.objects.filter(voter_id=viewer.pk, question__in=questions).values_list(
            "question_id", flat=True
        )
    )


def moderation_queue(*, session: QASession, status: str) -> list[Question]:
    """For the team: questions in one status with their askers' handles, most votes first."""
    return list(
        Question.objects.filter(session=session, status=status)
        .select_related("author")
        .prefetch_related(Prefetch("answer", queryset=_PUBLIC_ANSWER))
        .order_by("-votes_count", "id")[:LIST_MAX]
    )


def status_counts(*, session: QASession) -> dict[str, int]:
    rows = Question.objects.filter(session=session).values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in Question.Status}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def role_labels(*, organisation: Account) -> list[str]:
    return list(RoleLabel.objects.filter(organisation=organisation).values_list("name", flat=True))


def sessions_of(*, organisation: Account) -> QuerySet[QASession]:
    return (
        QASession.objects.filter(organisation=organisation)
        .annotate(answers=Count("questions", filter=Q(questions__status=Question.Status.ANSWERED)))
        .order_by("-opens_at")
    )
