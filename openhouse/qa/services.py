"""Write verbs for Q&A sessions: open, ask, vote, moderate, answer, pin to a highlight.

Every verb checks permission first and runs in one transaction. A change the public page shows bumps the
session's `version` in that transaction (see qa.live). Answers carry a role label from the organisation's
list; the answering member is written only to `Answer.answered_by` and the audit log.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from openhouse.accounts.models import Account, RoleLabel
from openhouse.accounts.services import require_org_role
from openhouse.audit import services as audit
from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.core.ratelimit import Limit
from openhouse.core.text import clean_text
from openhouse.posts.models import Highlight, HighlightItem
from openhouse.posts.services import add_to_highlight
from openhouse.qa import live, similarity
from openhouse.qa.access import HOST_ROLES, PUBLIC_STATUSES, TEAM_ROLES
from openhouse.qa.models import (
    ANSWER_MAX,
    INTRO_MAX,
    PER_PERSON_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    Answer,
    QASession,
    Question,
    QuestionVote,
)

# Anything that reads as markup: a tag opening or closing, a comment or doctype. Linear, no backtracking.
_MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")
# How many recent questions a new one is compared with for near-duplicates, beyond exact fingerprints.
_SIMILAR_WINDOW = 500

#: Per-account limits, whichever adapter the question or vote comes through.
ASKS = Limit("qa-ask", limit=20, window=600)
VOTES = Limit("qa-vote", limit=300, window=600)  # votes and unvotes


def _fmt(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def _bump(session: QASession) -> None:
    QASession.objects.filter(pk=session.pk).update(version=F("version") + 1)
    live.announce_after_commit(session_id=session.pk)


def _subject(session: QASession) -> str:
    return f"qa_session:{session.pk}"


def _clean_window(opens_at: datetime, closes_at: datetime) -> None:
    if opens_at is None or closes_at is None:
        raise Invalid("Give both an opening and a closing time.", field="opens_at")
    if closes_at <= opens_at:
        raise Invalid(
            f"The closing time ({_fmt(closes_at)}) must be after the opening time ({_fmt(opens_at)}).",
            field="closes_at",
        )


@transaction.atomic
def open_session(
    *,
    actor: Account,
    organisation: Account,
    title: str,
    intro: str,
    opens_at: datetime,
    closes_at: datetime,
    questions_per_person: int | None = None,
) -> QASession:
    """A new session of `organisation`, opened by an admin or author of its team."""
    require_org_role(account=actor, organisation=organisation, roles=HOST_ROLES)
    title = clean_text(title, field="title", label="The title", limit=TITLE_MAX)
    if not title:
        raise Invalid("Give the Q&A a title.", field="title")
    intro = clean_text(intro, field="intro", label="The introduction", limit=INTRO_MAX, multiline=True)
    _clean_window(opens_at, closes_at)
    limit = settings.QA_QUESTIONS_PER_PERSON if questions_per_person is None else questions_per_person
    if not 1 <= limit <= PER_PERSON_MAX:
        raise Invalid(
            f"Each person may ask between 1 and {PER_PERSON_MAX} questions.", field="questions_per_person"
        )
    session = QASession.objects.create(
        organisation=organisation,
        title=title,
        intro=intro,
        opens_at=opens_at,
        closes_at=closes_at,
        questions_per_person=limit,
        opened_by=actor,
    )
    audit.record(
        organisation=organisation,
        actor=actor,
        action="qa.open",
        subject=_subject(session),
        after={"title": title, "opens_at": opens_at, "closes_at": closes_at},
    )
    return session


@transaction.atomic
def close_session(*, actor: Account, session: QASession) -> QASession:
    """End an open session now (the team may stop early). It stays readable; answers may still follow."""
    require_org_role(account=actor, organisation=session.organisation, roles=HOST_ROLES)
    now = timezone.now()
    if session.has_closed(now):
        raise Invalid("This Q&A has already closed.")
    if now <= session.opens_at:
        raise Invalid("This Q&A hasn't opened yet.")
    before = session.closes_at
    session.closes_at = now
    session.save(update_fields=["closes_at"])
    audit.record(
        organisation=session.organisation,
        actor=actor,
        action="qa.close",
        subject=_subject(session),
        before={"closes_at": before},
        after={"closes_at": now},
    )
    _bump(session)
    return session


def clean_question(body: str) -> str:
    """The question as it will be stored, or Invalid with a sentence."""
    text = clean_text(body, field="body", label="A question", limit=QUESTION_MAX)
    if not text:
        raise Invalid("Write your question first.", field="body")
    if _MARKUP.search(text):
        raise Invalid(
            "Questions are plain text: take out anything that looks like HTML, such as <script>.",
            field="body",
        )
    if "\n" in text:
        text = " ".join(text.split())
    return text


@dataclass(frozen=True)
class Asked:
    question: Question
    merged: bool  # True: a near-duplicate existed and the asker's vote went to it instead


def _lock_account(account: Account) -> None:
    # Serialises one person's submissions (the per-person limit), never anyone else's.
    Account.objects.select_for_update().filter(pk=account.pk).first()


def _near_duplicate(session: QASession, fingerprint: str) -> Question | None:
    candidates = Question.objects.filter(session=session).exclude(status=Question.Status.HIDDEN)
    exact = candidates.filter(fingerprint=fingerprint).order_by("id").first()
    if exact is not None:
        return exact
    for pk, other in candidates.order_by("-id").values_list("pk", "fingerprint")[:_SIMILAR_WINDOW]:
        if similarity.similar(fingerprint, other):
            return candidates.get(pk=pk)
    return None


@transaction.atomic
def ask(*, actor: Account, session: QASession, body: str) -> Asked:
    """Submit a question while the session is open. It waits for moderation.

    A near-duplicate of a question already in the session (not hidden) is not stored again: the asker's
    vote is added to the existing question, and it does not count against their limit.
    """
    if not actor.is_authenticated:
        raise NotAllowed("Log in to ask a question.")
    ASKS.hit(actor.pk)
    now = timezone.now()
    if now < session.opens_at:
        raise Invalid(f"This Q&A opens at {_fmt(session.opens_at)}; ask your question then.", field="body")
    if session.has_closed(now):
        raise Invalid(
            f"This Q&A closed at {_fmt(session.closes_at)}; it no longer takes questions.", field="body"
        )
    text = clean_question(body)
    fingerprint = similarity.fingerprint(text)[:400]
    _lock_account(actor)
    existing = _near_duplicate(session, fingerprint) if fingerprint else None
    if existing is not None:
        if existing.author_id == actor.pk:
            raise Invalid("You've already asked this question.", field="body")
        if QuestionVote.objects.filter(question=existing, voter=actor).exists():
            raise Invalid("Someone already asked this, and you've voted for it.", field="body")
        _add_vote(existing, actor)
        return Asked(existing, merged=True)
    asked = Question.objects.filter(session=session, author=actor).count()
    if asked >= session.questions_per_person:
        raise Invalid(
            f"You can ask up to {session.questions_per_person} "
            f"question{'s' if session.questions_per_person != 1 else ''} in this Q&A, and you have.",
            field="body",
        )
    question = Question.objects.create(session=session, author=actor, body=text, fingerprint=fingerprint)
    _add_vote(question, actor)
    return Asked(question, merged=False)


def _add_vote(question: Question, voter: Account) -> None:
    QuestionVote.objects.create(question=question, voter=voter)
    Question.objects.filter(pk=question.pk).update(votes_count=F("votes_count") + 1)


def _check_votable(question: Question) -> None:
    if question.status not in (Question.Status.APPROVED, Question.Status.ANSWERED):
        # Hidden and pending questions are invisible to voters: the same sentence as an unknown one.
        raise NotFound("This question isn't available to vote on.")
    if question.session.has_closed():
        raise Invalid("This Q&A has closed; votes are no longer counted.")


@transaction.atomic
def vote(*, actor: Account, question: Question) -> bool:
    """Upvote a public question of an open session. Returns False if the vote was already there."""
    if not actor.is_authenticated:
        raise NotAllowed("Log in to vote.")
    VOTES.hit(actor.pk)
    question = Question.objects.select_related("session").get(pk=question.pk)
    _check_votable(question)
    try:
        with transaction.atomic():
            QuestionVote.objects.create(question=question, voter=actor)
    except IntegrityError:
        return False
    Question.objects.filter(pk=question.pk).update(votes_count=F("votes_count") + 1)
    return True


@transaction.atomic
def unvote(*, actor: Account, question: Question) -> bool:
    if not actor.is_authenticated:
        raise NotAllowed("Log in to vote.")
    VOTES.hit(actor.pk)
    question = Question.objects.select_related("session").get(pk=question.pk)
    _check_votable(question)
    deleted, _ = QuestionVote.objects.filter(question=question, voter=actor).delete()
    if deleted:
        Question.objects.filter(pk=question.pk).update(votes_count=F("votes_count") - 1)
    return bool(deleted)


_MODERATION = {
    "approve": (Question.Status.APPROVED, {Question.Status.PENDING, Question.Status.HIDDEN}),
    "hide": (
        Question.Status.HIDDEN,
        {Question.Status.PENDING, Question.Status.APPROVED, Question.Status.ANSWERED},
    ),
    "mark_answered": (Question.Status.ANSWERED, {Question.Status.PENDING, Question.Status.APPROVED}),
}


@transaction.atomic
def moderate(*, actor: Account, question: Question, action: str) -> Question:
    """approve, hide or mark_answered (answered elsewhere, e.g. in another reply), by any team member.

    Approving a hidden question that had been answered shows it answered again, with its answer: the
    status says whether there is an answer, and only `answer` and mark_answered set that.
    """
    require_org_role(account=actor, organisation=question.session.organisation, roles=TEAM_ROLES)
    if action not in _MODERATION:
        raise Invalid("Choose approve, hide or mark answered.")
    target, allowed_from = _MODERATION[action]
    question = Question.objects.select_for_update().get(pk=question.pk)
    if action == "approve" and question.status == Question.Status.HIDDEN and question.answered_at:
        target = Question.Status.ANSWERED
    before = question.status
    if before == target:
        return question
    if before not in allowed_from:
        raise Invalid(
            f"A question that is {question.get_status_display().lower()} can't be changed that way."
        )
    question.status = target
    fields = ["status"]
    if target == Question.Status.ANSWERED and question.answered_at is None:
        question.answered_at = timezone.now()
        fields.append("answered_at")
    question.save(update_fields=fields)
    session = question.session
    audit.record(
        organisation=session.organisation,
        actor=actor,
        action=f"qa.{action}",
        subject=f"qa_question:{question.pk}",
        before={"status": before},
        after={"status": target},
    )
    if before in PUBLIC_STATUSES or target in PUBLIC_STATUSES:
        _bump(session)
    return question


@transaction.atomic
def answer(*, actor: Account, question: Question, body: str, role_label: str) -> Answer:
    """Publish an answer under one of the organisation's role labels. The question becomes answered.

    The label is checked against the organisation's RoleLabel list; the answering member is recorded in
    non-public places only.
    """
    organisation = question.session.organisation
    require_org_role(account=actor, organisation=organisation, roles=TEAM_ROLES)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status == Question.Status.HIDDEN:
        raise Invalid("This question is hidden. Approve it before answering.")
    if Answer.objects.filter(question=question).exists():
        raise Invalid("This question already has an answer.")
    text = clean_text(body, field="answer", label="The answer", limit=ANSWER_MAX, multiline=True)
    if not text:
        raise Invalid("Write the answer first.", field="answer")
    label = RoleLabel.objects.filter(organisation=organisation, name=role_label).values_list(
        "name", flat=True
    )
    chosen = label.first()
    if chosen is None:
        raise Invalid("Choose one of the organisation's role labels to answer under.", field="role_label")
    reply = Answer.objects.create(question=question, body=text, role_label=chosen, answered_by=actor)
    before = question.status
    question.status = Question.Status.ANSWERED
    question.answered_at = timezone.now()
    question.save(update_fields=["status", "answered_at"])
    audit.record(
        organisation=organisation,
        actor=actor,
        action="qa.answer",
        subject=f"qa_question:{question.pk}",
        before={"status": before},
        after={"status": question.status, "role_label": chosen, "answer_id": reply.pk},
    )
    _bump(question.session)
    return reply


@transaction.atomic
def pin_to_highlight(*, actor: Account, session: QASession, highlight: Highlight) -> HighlightItem:
    """Keep a closed session in one of its organisation's highlights."""
    organisation = session.organisation
    require_org_role(account=actor, organisation=organisation, roles=HOST_ROLES)
    if highlight.account_id != organisation.pk:
        raise NotFound("That highlight isn't available.")
    if not session.has_closed():
        raise Invalid(f"A Q&A can be pinned once it has closed (at {_fmt(session.closes_at)}).")
    item = add_to_highlight(actor=actor, highlight=highlight, qa_session_id=session.pk)
    audit.record(
        organisation=organisation,
        actor=actor,
        action="qa.pin",
        subject=_subject(session),
        after={"highlight": highlight.pk},
    )
    return item
