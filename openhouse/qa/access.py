"""Who may see which Q&A sessions and questions, and who acts for the organisation in them.

Sessions are public pages of their organisation (hidden only where the profile is: blocks, inactive
accounts). Approved and answered questions are public; a pending question is seen by its asker and the
team; a hidden one by the team alone. Absent and hidden are the same NotFound.
"""

from django.db.models import Q, QuerySet

from openhouse.accounts.models import Account, Membership
from openhouse.accounts.services import require_org_role
from openhouse.core.errors import NotFound
from openhouse.posts.access import Viewer, blocked_between
from openhouse.qa.models import QASession, Question

# Team roles that open sessions, and that moderate and answer them.
HOST_ROLES = (Membership.Role.ADMIN, Membership.Role.AUTHOR)
TEAM_ROLES = (Membership.Role.ADMIN, Membership.Role.AUTHOR, Membership.Role.REVIEWER)
PUBLIC_STATUSES = (Question.Status.APPROVED, Question.Status.ANSWERED)


def session_pk(raw: int | str) -> int:
    """An id from user input as a database key, or NotFound (also beyond the 64-bit range of the column)."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < value < 2**63:
        raise NotFound()
    return value


def viewable_session(*, viewer: Viewer, session_id: int | str) -> QASession:
    session = (
        QASession.objects.select_related("organisation")
        .filter(pk=session_pk(session_id), organisation__is_active=True)
        .first()
    )
    if session is None:
        raise NotFound()
    if viewer.is_authenticated and blocked_between(viewer.pk, session.organisation_id):
        raise NotFound()
    return session


def is_team(*, account: Viewer, organisation: Account) -> bool:
    return bool(
        account.is_authenticated
        and Membership.objects.filter(organisation=organisation, member=account, role__in=TEAM_ROLES).exists()
    )


def team_session(*, actor: Viewer, session_id: int | str) -> QASession:
    """A session the actor moderates and answers in: NotFound if unseen, NotAllowed if not on the team."""
    session = viewable_session(viewer=actor, session_id=session_id)
    require_org_role(account=actor, organisation=session.organisation, roles=TEAM_ROLES)  # type: ignore[arg-type]
    return session


def viewable_questions(*, viewer: Viewer, session: QASession) -> QuerySet[Question]:
    visible = Q(status__in=PUBLIC_STATUSES)
    if viewer.is_authenticated:
        visible |= Q(author_id=viewer.pk, status=Question.Status.PENDING)
    return Question.objects.filter(session=session).filter(visible)


def viewable_question(*, viewer: Viewer, question_id: int | str) -> Question:
    """A question the viewer may see (and so vote on, while it is public)."""
    question = (
        Question.objects.select_related("session__organisation").filter(pk=session_pk(question_id)).first()
    )
    if question is None:
        raise NotFound()
    session = viewable_session(viewer=viewer, session_id=question.session_id)
    if is_team(account=viewer, organisation=session.organisation):
        return question
    if not viewable_questions(viewer=viewer, session=session).filter(pk=question.pk).exists():
        raise NotFound()
    return question
