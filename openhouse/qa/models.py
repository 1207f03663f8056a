"""Q&A sessions: a window in which the public asks, the team moderates and answers under role labels.

Who answered is kept in `Answer.answered_by` and the organisation's audit log only. No public page, API
or feed reads that column: the public learns the role label and nothing else.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone

from openhouse.accounts.models import ROLE_LABEL_MAX
from openhouse.core.ids import new_id

TITLE_MAX = 120
INTRO_MAX = 1000
QUESTION_MAX = 300
ANSWER_MAX = 2000
PER_PERSON_MAX = 20
FINGERPRINT_MAX = 400


class QASession(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="qa_sessions",
        limit_choices_to={"is_organisation": True},
    )
    title = models.CharField(max_length=TITLE_MAX)
    intro = models.TextField(max_length=INTRO_MAX, blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    questions_per_person = models.PositiveSmallIntegerField(default=3)
    # Bumped in the transaction of every change the public page shows; live pages poll for it.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Not public: which team member opened it.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Q&A session"
        indexes = [models.Index(fields=["organisation", "-opens_at"], name="qa_session_org_newest")]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(models.F("closes_at"), models.F("opens_at")),
                name="qa_session_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(questions_per_person__gte=1, questions_per_person__lte=PER_PERSON_MAX),
                name="qa_session_per_person_range",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("title"), TITLE_MAX), name="qa_session_title_max"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("intro"), INTRO_MAX), name="qa_session_intro_max"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def has_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"


class Question(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        HIDDEN = "hidden", "Hidden"
        ANSWERED = "answered", "Answered"

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    session = models.ForeignKey(QASession, on_delete=models.CASCADE, related_name="questions")
    # The asker is never shown on the public page; moderators see the handle.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.CharField(max_length=QUESTION_MAX)
    # Lower-cased content words, sorted: equal fingerprints are the same question (see qa.similarity).
    fingerprint = models.CharField(max_length=FINGERPRINT_MAX, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Equal to the number of QuestionVote rows; qa.services keeps it so in the same transaction.
    votes_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # When the public first saw the answer; orders the live list.
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["session", "status", "-votes_count"], name="qa_question_by_status"),
            models.Index(fields=["session", "fingerprint"], name="qa_question_fingerprint"),
            models.Index(fields=["session", "author"], name="qa_question_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), QUESTION_MAX), name="qa_question_body_max"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "hidden", "answered"]),
                name="qa_question_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "voter"], name="qa_vote_once")]

    def __str__(self) -> str:
        return f"vote on {self.question_id}"


class Answer(models.Model):
    """The public part is `body` and `role_label` (text copied from the organisation's RoleLabel list, so
    renaming or deleting a label later does not rewrite what was published)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="answer")
    body = models.TextField(max_length=ANSWER_MAX)
    role_label = models.CharField(max_length=ROLE_LABEL_MAX)
    # Not public: never rendered, serialised or selected by a public read (qa.queries).
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), ANSWER_MAX), name="qa_answer_body_max"
            ),
            models.CheckConstraint(condition=~models.Q(role_label=""), name="qa_answer_has_role_label"),
        ]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"
