"""openhouse's own REST API (django-ninja, OpenAPI at /api/openhouse/v1/openapi.json, docs at .../docs):
what Mastodon has no word for: organisations with verification and role labels, drafts and reviews (the
team only), Q&A sessions, highlights, careers. Same tokens, scopes, rate limits and error shape as the Mastodon API, and
every endpoint calls the same access functions and services as the web UI."""

from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BeforeValidator, Field

from openhouse.accounts import queries as account_queries
from openhouse.accounts import services as accounts
from openhouse.accounts.access import team_organisation
from openhouse.accounts.models import HANDLE_MAX, ROLE_LABEL_MAX
from openhouse.api import entities
from openhouse.api.http import API_ERRORS, BadRequest, authorize, error_response
from openhouse.careers import queries as careers_queries
from openhouse.core.errors import Invalid, NotFound
from openhouse.core.text import normalise
from openhouse.media.services import rendition_url
from openhouse.posts import queries as post_queries
from openhouse.posts.access import viewable_account, viewable_post, viewable_posts
from openhouse.posts.models import Post
from openhouse.publishing import access as publishing_access
from openhouse.publishing import services as publishing
from openhouse.publishing.models import REASONS_MAX, Draft
from openhouse.qa import access as qa_access
from openhouse.qa import queries as qa_queries
from openhouse.qa import services as qa
from openhouse.qa.models import ANSWER_MAX, QUESTION_MAX, Answer, QASession, Question
from openhouse.social import queries as social_queries

api = NinjaAPI(
    title="openhouse API",
    version="1",
    description=(
        "openhouse's own endpoints, beside the Mastodon client API under /api/v1 and /api/v2. "
        "Authenticate with an OAuth 2 bearer token from /oauth/token (scopes read, write). "
        "Every answer carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset; "
        'errors are {"error": "a sentence"}.'
    ),
    urls_namespace="openhouse-api",
    docs_url="/docs",
    openapi_extra={
        "components": {
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "description": "Register an app with POST /api/v1/apps, then the authorization code flow.",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": "/oauth/authorize",
                            "tokenUrl": "/oauth/token",
                            "refreshUrl": "/oauth/token",
                            "scopes": {"read": "Read", "write": "Write"},
                        }
                    },
                },
                "bearer": {"type": "http", "scheme": "bearer"},
            }
        },
        # Anonymous callers may read what is public; a token shows what its account may see.
        "security": [{}, {"bearer": []}],
    },
)

HANDLE = rf"^[A-Za-z0-9._]{{1,{HANDLE_MAX}}}$"


class Error(Schema):
    error: str


ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


def _errors(api_: NinjaAPI) -> None:
    for kind in API_ERRORS:
        api_.add_exception_handler(kind, lambda request, exc: error_response(exc))

    def validation(request: HttpRequest, exc: NinjaValidationError):
        first = exc.errors[0] if exc.errors else {}
        loc = [str(p) for p in first.get("loc", [])]
        # A JSON body's errors are also under the view's parameter name, which clients never see.
        where = ".".join(loc[2:] if loc[:1] == ["body"] else loc[1:]) or "request"
        return error_response(BadRequest(f"'{where}': {first.get('msg', 'is not valid')}."))

    api_.add_exception_handler(NinjaValidationError, validation)
    api_.add_exception_handler(
        HttpError, lambda request, exc: error_response(BadRequest(str(exc) or "Bad request."))
    )
    api_.add_exception_handler(AuthenticationError, lambda request, exc: error_response(NotFound()))


_errors(api)


# Schemas -------------------------------------------------------------------------------------------------


class RoleLabelOut(Schema):
    name: str


class OrganisationOut(Schema):
    handle: str
    display_name: str
    bio: str
    link: str
    verified: bool
    followers_count: int
    following_count: int
    post_count: int
    role_labels: list[RoleLabelOut] = Field(description="Labels the organisation's members post under")


class VerificationIn(Schema):
    verified: bool


class PhotoOut(Schema):
    id: str
    url: str
    preview_url: str
    width: int
    height: int
    alt_text: str


class PostOut(Schema):
    id: str
    account: str = Field(description="Handle of the account (for an organisation, the organisation)")
    role_label: str | None = Field(description="For an organisation's post: the label it was published under")
    caption: str
    created_at: datetime
    likes: int
    comments: int
    photos: list[PhotoOut]


class PostPage(Schema):
    items: list[PostOut]
    next_before: str | None = Field(description="Pass as `before` for the next (older) page")


# Rendering -----------------------------------------------------------------------------------------------


def _organisation_out(organisation) -> dict:
    return {
        "handle": organisation.handle,
        "display_name": organisation.display_name,
        "bio": organisation.bio,
        "link": organisation.link,
        "verified": organisation.is_verified,
        "followers_count": organisation.followers_count,
        "following_count": organisation.following_count,
        "post_count": post_queries.post_count(account=organisation),
        "role_labels": [
            {"name": label.name} for label in account_queries.role_labels(organisation=organisation)
        ],
    }


def _posts_out(request: HttpRequest, viewer, posts: list[Post]) -> list[dict]:
    post_queries.prefetch_for_statuses(posts)
    stats = social_queries.post_stats(viewer=viewer, posts=posts)
    base = request.build_absolute_uri("/").rstrip("/")

    def absolute(url: str) -> str:
        return url if url.startswith(("http://", "https://")) else base + url

    return [
        {
            "id": str(p.pk),
            "account": p.author.handle,
            "role_label": entities.role_label_of(p) or None,
            "caption": p.caption,
            "created_at": p.created_at,
            "likes": stats[p.pk].likes,
            "comments": stats[p.pk].comments,
            "photos": [
                {
                    "id": str(m.pk),
                    "url": absolute(rendition_url(m, "w1080", "jpg")),
                    "preview_url": absolute(rendition_url(m, "w640", "jpg")),
                    "width": m.width,
                    "height": m.height,
                    "alt_text": m.alt_text,
                }
                for m in p.media.all()
            ],
        }
        for p in posts
    ]


def _organisation(viewer, handle: str):
    account = viewable_account(viewer=viewer, handle=handle)
    if not account.is_organisation:
        raise NotFound()
    return account


# Endpoints -----------------------------------------------------------------------------------------------


@api.get(
    "/organisations/{handle}",
    response={200: OrganisationOut, **ERRORS},
    tags=["organisations"],
    summary="An organisation's public profile, verification and role labels",
)
def organisation(request: HttpRequest, handle: str = Path(..., pattern=HANDLE)):
    caller = authorize(request, scope="read:accounts")
    return _organisation_out(_organisation(caller.account, handle))


@api.put(
    "/organisations/{handle}/verification",
    response={200: OrganisationOut, **ERRORS},
    tags=["organisations"],
    summary="Mark an organisation verified or not (site administrators only)",
)
def verification(request: HttpRequest, body: VerificationIn, handle: str = Path(..., pattern=HANDLE)):
    caller = authorize(request, scope="write:accounts", login=True)
    organisation = _organisation(caller.account, handle)
    return _organisation_out(
        accounts.set_verified(actor=caller.user, organisation=organisation, verified=body.verified)
    )


@api.get(
    "/accounts/{handle}/posts",
    response={200: PostPage, **ERRORS},
    tags=["posts"],
    summary="An account's posts the caller may see, newest first",
)
def account_posts(
    request: HttpRequest,
    handle: str = Path(..., pattern=HANDLE),
    before: int | None = Query(None, ge=1, le=2**63 - 1),
    limit: int = Query(20, ge=1, le=40),
):
    caller = authorize(request, scope="read:statuses")
    account = viewable_account(viewer=caller.account, handle=handle)
    posts = viewable_posts(viewer=caller.account).filter(author=account).select_related("author")
    if before is not None:
        posts = posts.filter(pk__lt=before)
    page = list(posts.order_by("-id")[:limit])
    return {
        "items": _posts_out(request, caller.account, page),
        "next_before": str(page[-1].pk) if len(page) == limit else None,
    }


@api.get(
    "/posts/{post_id}",
    response={200: PostOut, **ERRORS},
    tags=["posts"],
    summary="One post, with its photos, alt texts and (for organisations) role label",
)
def post(request: HttpRequest, post_id: int = Path(..., ge=1, le=2**63 - 1)):
    caller = authorize(request, scope="read:statuses")
    found = viewable_post(viewer=caller.account, post_id=post_id)
    return _posts_out(request, caller.account, [found])[0]


# Q&A sessions --------------------------------------------------------------------------------------------


class AnswerOut(Schema):
    body: str
    role_label: str = Field(description="The label the team member answered under; never who they are")
    created_at: datetime


class QuestionOut(Schema):
    id: str
    body: str
    status: str
    votes: int
    voted: bool
    answer: AnswerOut | None


class SessionSummary(Schema):
    id: str
    organisation: str
    title: str
    intro: str
    opens_at: datetime
    closes_at: datetime
    state: str = Field(description="upcoming, open or closed")


class SessionOut(SessionSummary):
    answered: list[QuestionOut]
    waiting: list[QuestionOut] = Field(description="Approved questions not yet answered, most votes first")
    mine_pending: list[QuestionOut] = Field(description="The caller's own questions waiting for moderation")


# Typed text is measured as the services keep it (NFC, Unix line ends, trimmed), so a limit in this
# document is the services' own and "\r\n" or a decomposed accent don't count twice.
Typed = Annotated[str, BeforeValidator(lambda v: normalise(v) if isinstance(v, str) else v)]


class AskIn(Schema):
    body: Typed = Field(..., max_length=QUESTION_MAX)


class AskOut(Schema):
    question: QuestionOut
    merged: bool = Field(description="True when it joined an existing, similar question as a vote")


class VoteOut(Schema):
    voted: bool
    votes: int


class ModerateIn(Schema):
    action: str = Field(..., description="approve, hide or mark_answered", max_length=20)


class AnswerIn(Schema):
    body: Typed = Field(..., max_length=ANSWER_MAX)
    role_label: str = Field(..., max_length=ROLE_LABEL_MAX)


def _session_summary(session: QASession) -> dict:
    return {
        "id": str(session.pk),
        "organisation": session.organisation.handle,
        "title": session.title,
        "intro": session.intro,
        "opens_at": session.opens_at,
        "closes_at": session.closes_at,
        "state": session.state(),
    }


def _question_out(question: Question, voted: set[int]) -> dict:
    reply = _answer_of(question) if question.status == Question.Status.ANSWERED else None
    return {
        "id": str(question.pk),
        "body": question.body,
        "status": question.status,
        "votes": question.votes_count,
        "voted": question.pk in voted,
        "answer": (
            {"body": reply.body, "role_label": reply.role_label, "created_at": reply.created_at}
            if reply is not None
            else None
        ),
    }


def _answer_of(question: Question) -> Answer | None:
    try:
        return question.answer
    except Answer.DoesNotExist:
        return None


@api.get(
    "/organisations/{handle}/qa",
    response={200: list[SessionSummary], **ERRORS},
    tags=["qa"],
    summary="An organisation's Q&A sessions, newest first",
)
def qa_sessions(request: HttpRequest, handle: str = Path(..., pattern=HANDLE)):
    caller = authorize(request, scope="read:statuses")
    organisation = _organisation(caller.account, handle)
    return [
        _session_summary(s)
        for s in qa_queries.sessions_of(organisation=organisation).select_related("organisation")[:50]
    ]


@api.get(
    "/qa/{session_id}",
    response={200: SessionOut, **ERRORS},
    tags=["qa"],
    summary="A Q&A session: answered questions (with their role labels) and those waiting",
)
def qa_session(request: HttpRequest, session_id: int = Path(..., ge=1, le=2**63 - 1)):
    caller = authorize(request, scope="read:statuses")
    session = qa_access.viewable_session(viewer=caller.account, session_id=session_id)
    answered = qa_queries.answered(session=session)
    waiting = qa_queries.waiting(session=session)
    mine = qa_queries.own_pending(viewer=caller.account, session=session)
    voted = qa_queries.voted_ids(viewer=caller.account, questions=[*answered, *waiting])
    return {
        **_session_summary(session),
        "answered": [_question_out(q, voted) for q in answered],
        "waiting": [_question_out(q, voted) for q in waiting],
        "mine_pending": [_question_out(q, voted) for q in mine],
    }


@api.post(
    "/qa/{session_id}/questions",
    response={200: AskOut, **ERRORS},
    tags=["qa"],
    summary="Ask a question while the session is open (it waits for moderation)",
)
def qa_ask(request: HttpRequest, body: AskIn, session_id: int = Path(..., ge=1, le=2**63 - 1)):
    caller = authorize(request, scope="write:statuses", login=True)
    session = qa_access.viewable_session(viewer=caller.account, session_id=session_id)
    asked = qa.ask(actor=caller.user, session=session, body=body.body)
    return {"question": _question_out(asked.question, set()), "merged": asked.merged}


def _vote(request: HttpRequest, question_id: int, *, on: bool) -> dict:
    caller = authorize(request, scope="write:favourites", login=True)
    question = qa_access.viewable_question(viewer=caller.account, question_id=question_id)
    (qa.vote if on else qa.unvote)(actor=caller.user, question=question)
    question.refresh_from_db(fields=["votes_count"])
    return {"voted": on, "votes": question.votes_count}


@api.post(
    "/qa/questions/{question_id}/vote",
    response={200: VoteOut, **ERRORS},
    tags=["qa"],
    summary="Vote for a public question of an open session",
)
def qa_vote(request: HttpRequest, question_id: int = Path(..., ge=1, le=2**63 - 1)):
    return _vote(request, question_id, on=True)


@api.delete(
    "/qa/questions/{question_id}/vote",
    response={200: VoteOut, **ERRORS},
    tags=["qa"],
    summary="Take back a vote",
)
def qa_unvote(request: HttpRequest, question_id: int = Path(..., ge=1, le=2**63 - 1)):
    return _vote(request, question_id, on=False)


@api.post(
    "/qa/questions/{question_id}/moderation",
    response={200: QuestionOut, **ERRORS},
    tags=["qa"],
    summary="The organisation's team approves, hides or marks a question answered",
)
def qa_moderate(request: HttpRequest, body: ModerateIn, question_id: int = Path(..., ge=1, le=2**63 - 1)):
    caller = authorize(request, scope="write:statuses", login=True)
    question = qa_access.viewable_question(viewer=caller.account, question_id=question_id)
    if not qa_access.is_team(account=caller.account, organisation=question.session.organisation):
        raise NotFound()  # as on the web: outsiders learn nothing about moderation
    moderated = qa.moderate(actor=caller.user, question=question, action=body.action)
    return _question_out(moderated, set()) | {"answer": None}


@api.post(
    "/qa/questions/{question_id}/answer",
    response={200: QuestionOut, **ERRORS},
    tags=["qa"],
    summary="The organisation's team answers under one of its role labels",
)
def qa_answer(request: HttpRequest, body: AnswerIn, question_id: int = Path(..., ge=1, le=2**63 - 1)):
    caller = authorize(request, scope="write:statuses", login=True)
    question = qa_access.viewable_question(viewer=caller.account, question_id=question_id)
    if not qa_access.is_team(account=caller.account, organisation=question.session.organisation):
        raise NotFound()
    qa.answer(actor=caller.user, question=question, body=body.body, role_label=body.role_label)
    question.refresh_from_db()
    return _question_out(question, set())


# Highlights and careers ----------------------------------------------------------------------------------


class HighlightItemOut(Schema):
    post: PostOut | None
    qa_session: SessionSummary | None


class HighlightOut(Schema):
    id: str
    title: str
    items: list[HighlightItemOut]


class ListingOut(Schema):
    id: str
    title: str
    team: str
    region: str
    closes_on: date
    summary: str
    apply_url: str = Field(description="Applications go to the organisation's own site")


@api.get(
    "/accounts/{handle}/highlights",
    response={200: list[HighlightOut], **ERRORS},
    tags=["highlights"],
    summary="An account's highlights with the posts and Q&A sessions they keep",
)
def highlights(request: HttpRequest, handle: str = Path(..., pattern=HANDLE)):
    caller = authorize(request, scope="read:statuses")
    account = viewable_account(viewer=caller.account, handle=handle)
    shown = post_queries.profile_highlights(viewer=caller.account, account=account)[:50]
    items = post_queries.items_of_highlights(viewer=caller.account, highlights=shown)
    every_post = [i.post for h in shown for i in items[h.pk] if i.post]
    posts = {
        p["id"]: p for p in _posts_out(request, caller.account, list({p.pk: p for p in every_post}.values()))
    }
    return [
        {
            "id": str(highlight.pk),
            "title": highlight.title,
            "items": [
                {
                    "post": posts.get(str(i.post_id)) if i.post_id else None,
                    "qa_session": _session_summary(i.qa_session) if i.qa_session_id else None,
                }
                for i in items[highlight.pk]
            ],
        }
        for highlight in shown
    ]


@api.get(
    "/organisations/{handle}/careers",
    response={200: list[ListingOut], **ERRORS},
    tags=["careers"],
    summary="Open job listings; 'apply' links lead to the organisation's official site",
)
def careers(request: HttpRequest, handle: str = Path(..., pattern=HANDLE)):
    caller = authorize(request, scope="read:statuses")
    organisation = _organisation(caller.account, handle)
    return [
        {
            "id": str(job.pk),
            "title": job.title,
            "team": job.team,
            "region": job.region,
            "closes_on": job.closes_on,
            "summary": job.summary,
            "apply_url": job.apply_url,
        }
        for job in careers_queries.open_listings(organisation=organisation)
    ]


# Organisation drafts and reviews (the team only) ---------------------------------------------------------


class DraftOut(Schema):
    id: str
    status: str
    revision: int
    caption: str
    role_label: str | None
    photos: int
    publish_at: datetime | None
    post_id: str | None = Field(description="The published post, once the draft is out")
    updated_at: datetime


class ReviewIn(Schema):
    verdict: str = Field(..., description="approve or reject", max_length=10)
    revision: int = Field(..., ge=1, le=2**31 - 1, description="The revision the reviewer read")
    reasons: Typed = Field("", max_length=REASONS_MAX)
    publish_now: bool = False


def _team(caller, handle: str):
    """The organisation, when the caller may act in it (a role and two-factor); NotFound for anyone else."""
    return team_organisation(viewer=caller.account, handle=handle)


def _draft_out(draft: Draft) -> dict:
    label = draft.role_label_text  # what reviewers approve and the post carries, even after a rename
    return {
        "id": str(draft.pk),
        "status": draft.status,
        "revision": draft.revision,
        "caption": draft.caption,
        "role_label": label or None,
        "photos": getattr(draft, "photo_count", None) or draft.photos.count(),
        "publish_at": draft.publish_at,
        "post_id": str(draft.post_id) if draft.post_id else None,
        "updated_at": draft.updated_at,
    }


@api.get(
    "/organisations/{handle}/drafts",
    response={200: list[DraftOut], **ERRORS},
    tags=["publishing"],
    summary="The organisation's drafts, newest first (its team only; 404 to anyone else)",
)
def drafts(request: HttpRequest, handle: str = Path(..., pattern=HANDLE)):
    caller = authorize(request, scope="read:statuses", login=True)
    organisation = _team(caller, handle)
    rows = (
        publishing_access.team_drafts(viewer=caller.account, organisation=organisation)
        .select_related("role_label")
        .annotate(photo_count=Count("photos"))
        .order_by("-id")[:100]
    )
    return [_draft_out(d) for d in rows]


@api.get(
    "/organisations/{handle}/drafts/{draft_id}",
    response={200: DraftOut, **ERRORS},
    tags=["publishing"],
    summary="One draft (its team only)",
)
def draft(
    request: HttpRequest,
    handle: str = Path(..., pattern=HANDLE),
    draft_id: int = Path(..., ge=1, le=2**63 - 1),
):
    caller = authorize(request, scope="read:statuses", login=True)
    organisation = _team(caller, handle)
    return _draft_out(
        publishing_access.team_draft(viewer=caller.account, organisation=organisation, draft_id=draft_id)
    )


@api.post(
    "/organisations/{handle}/drafts/{draft_id}/submit",
    response={200: DraftOut, **ERRORS},
    tags=["publishing"],
    summary="An author sends the draft to review",
)
def submit(
    request: HttpRequest,
    handle: str = Path(..., pattern=HANDLE),
    draft_id: int = Path(..., ge=1, le=2**63 - 1),
):
    caller = authorize(request, scope="write:statuses", login=True)
    organisation = _team(caller, handle)
    found = publishing_access.team_draft(viewer=caller.account, organisation=organisation, draft_id=draft_id)
    return _draft_out(publishing.submit_draft(actor=caller.user, draft=found))


@api.post(
    "/organisations/{handle}/drafts/{draft_id}/reviews",
    response={200: DraftOut, **ERRORS},
    tags=["publishing"],
    summary="A reviewer who wrote none of it approves (and may publish) or rejects the revision they read",
)
def review(
    request: HttpRequest,
    body: ReviewIn,
    handle: str = Path(..., pattern=HANDLE),
    draft_id: int = Path(..., ge=1, le=2**63 - 1),
):
    caller = authorize(request, scope="write:statuses", login=True)
    organisation = _team(caller, handle)
    found = publishing_access.team_draft(viewer=caller.account, organisation=organisation, draft_id=draft_id)
    if body.verdict == "approve":
        done = publishing.approve_draft(
            reviewer=caller.user, draft=found, revision=body.revision, publish_now=body.publish_now
        )
    elif body.verdict == "reject":
        done = publishing.reject_draft(
            reviewer=caller.user, draft=found, revision=body.revision, reasons=body.reasons
        )
    else:
        raise Invalid("The verdict is approve or reject.", field="verdict")
    done.refresh_from_db()
    return _draft_out(done)
