"""Q&A pages: the public session page (live), asking and voting, the team's moderation queue and answers.

The live part of the session page is a poll, not a stream: see openhouse/qa/live.py for why and how fast.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openhouse.accounts.models import Account
from openhouse.core.errors import Invalid
from openhouse.posts.access import viewable_account, viewable_highlight
from openhouse.posts.services import CURATOR_ROLES
from openhouse.qa import live
from openhouse.qa import queries as qa_queries
from openhouse.qa import services as qa
from openhouse.qa.access import (
    HOST_ROLES,
    TEAM_ROLES,
    is_team,
    session_pk,
    team_session,
    viewable_question,
    viewable_session,
)
from openhouse.qa.models import QASession, Question
from openhouse.web.decorators import team_member_required
from openhouse.web.forms import AnswerForm, QASessionForm, QuestionForm, add_invalid
from openhouse.web.team import holds_role, team_gate

FRAGMENT_TTL = 3600


def _session_page(
    request: HttpRequest, session: QASession, form: QuestionForm, status: int = 200
) -> HttpResponse:
    answered = qa_queries.answered(session=session)
    waiting = qa_queries.waiting(session=session)
    team = is_team(account=request.user, organisation=session.organisation)
    pinnable = []
    if team and session.has_closed() and holds_role(request.user, session.organisation, CURATOR_ROLES):
        pinnable = list(session.organisation.highlights.all())
    return render(
        request,
        "web/qa/session.html",
        {
            "session": session,
            "org": session.organisation,
            "state": session.state(),
            "answered": answered,
            "waiting": waiting,
            "mine": qa_queries.own_pending(viewer=request.user, session=session),
            "voted": qa_queries.voted_ids(viewer=request.user, questions=waiting + answered),
            "team": team,
            "pinnable": pinnable,
            "form": form,
            "poll_ms": settings.QA_POLL_MS,
        },
        status=status,
    )


@require_GET
def session_page(request: HttpRequest, session_id: str) -> HttpResponse:
    session = viewable_session(viewer=request.user, session_id=session_id)
    return _session_page(request, session, QuestionForm())


@login_required
@require_POST
def ask(request: HttpRequest, session_id: str) -> HttpResponse:
    session = viewable_session(viewer=request.user, session_id=session_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            asked = qa.ask(actor=request.user, session=session, body=form.cleaned_data["body"])
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            if asked.merged:
                messages.success(
                    request, "Someone had already asked that, so we added your vote to their question."
                )
            else:
                messages.success(
                    request, "Thanks. Your question will appear here once a moderator has read it."
                )
            return redirect("qa-session", session_id=session.pk)
    return _session_page(request, session, form, status=400)


@require_GET
def live_answers(request: HttpRequest, session_id: str) -> HttpResponse:
    """{version, html} of the answered list, or 204 when `since` is still current. The same bytes for
    every viewer (rendered as for a signed-out visitor), so a proxy may cache it for a second."""
    version = live.current_version(session_pk(session_id))
    if version is None:
        raise Http404()
    if request.GET.get("since") == str(version):
        response = HttpResponse(status=204)
    else:
        key = f"qa:html:{session_id}:{version}"
        html = cache.get(key)
        if html is None:
            session = viewable_session(viewer=AnonymousUser(), session_id=session_id)
            html = render_to_string(
                "web/qa/_answers.html", {"answered": qa_queries.answered(session=session), "live": True}
            )
            cache.set(key, html, FRAGMENT_TTL)
        response = JsonResponse({"version": version, "html": html})
    response["Cache-Control"] = "public, max-age=1"
    return response


@login_required
@require_POST
def vote(request: HttpRequest, question_id: str, action: str) -> HttpResponse:
    question = viewable_question(viewer=request.user, question_id=question_id)
    try:
        (qa.vote if action == "vote" else qa.unvote)(actor=request.user, question=question)
    except Invalid as exc:
        messages.error(request, exc.message)
    return redirect(reverse("qa-session", args=[question.session_id]) + f"#q-{question.pk}")


@never_cache
@login_required
@require_GET
def moderate_page(request: HttpRequest, session_id: str) -> HttpResponse:
    session = viewable_session(viewer=request.user, session_id=session_id)
    if refused := team_gate(request, session.organisation, TEAM_ROLES):
        return refused
    session = team_session(actor=request.user, session_id=session_id)
    status = request.GET.get("status", Question.Status.PENDING)
    if status not in Question.Status.values:
        status = Question.Status.PENDING
    labels = qa_queries.role_labels(organisation=session.organisation)
    return render(
        request,
        "web/qa/moderate.html",
        {
            "session": session,
            "org": session.organisation,
            "status": status,
            "statuses": Question.Status.choices,
            "counts": qa_queries.status_counts(session=session),
            "questions": qa_queries.moderation_queue(session=session, status=status),
            "labels": labels,
            "answer_form": AnswerForm(labels=labels),
        },
    )


def _back_to_queue(question: Question, status: str) -> HttpResponse:
    return redirect(reverse("qa-moderate", args=[question.session_id]) + f"?status={status}")


@login_required
@require_POST
def moderate(request: HttpRequest, question_id: str, action: str) -> HttpResponse:
    question = viewable_question(viewer=request.user, question_id=question_id)
    if refused := team_gate(request, question.session.organisation, TEAM_ROLES):
        return refused
    was = question.status
    try:
        qa.moderate(actor=request.user, question=question, action=action)
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        done = {"approve": "Approved.", "hide": "Hidden.", "mark_answered": "Marked answered."}[action]
        messages.success(request, done)
    return _back_to_queue(question, was)


@login_required
@require_POST
def answer(request: HttpRequest, question_id: str) -> HttpResponse:
    question = viewable_question(viewer=request.user, question_id=question_id)
    if refused := team_gate(request, question.session.organisation, TEAM_ROLES):
        return refused
    was = question.status
    labels = qa_queries.role_labels(organisation=question.session.organisation)
    form = AnswerForm(request.POST, labels=labels)
    if not form.is_valid():
        messages.error(request, "Choose one of the organisation's role labels to answer under.")
        return _back_to_queue(question, was)
    try:
        qa.answer(
            actor=request.user,
            question=question,
            body=form.cleaned_data["answer"],
            role_label=form.cleaned_data["role_label"],
        )
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Answer published as “{form.cleaned_data['role_label']}”.")
    return _back_to_queue(question, was)


@login_required
@require_POST
def pin(request: HttpRequest, session_id: str) -> HttpResponse:
    session = viewable_session(viewer=request.user, session_id=session_id)
    if refused := team_gate(request, session.organisation, HOST_ROLES):
        return refused
    highlight = viewable_highlight(viewer=request.user, highlight_id=request.POST.get("highlight", ""))
    try:
        qa.pin_to_highlight(actor=request.user, session=session, highlight=highlight)
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Pinned to “{highlight.title}”.")
    return redirect("qa-session", session_id=session.pk)


@require_GET
def sessions(request: HttpRequest, handle: str) -> HttpResponse:
    account = viewable_account(viewer=request.user, handle=handle)
    if not account.is_organisation:
        raise Http404()
    return render(
        request,
        "web/qa/list.html",
        {
            "account": account,
            "sessions": list(qa_queries.sessions_of(organisation=account)[:50]),
            "can_host": holds_role(request.user, account, HOST_ROLES),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@team_member_required(*HOST_ROLES)
def new_session(request: HttpRequest, organisation: Account) -> HttpResponse:
    form = QASessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = qa.open_session(
                actor=request.user,
                organisation=organisation,
                title=data["title"],
                intro=data["intro"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                questions_per_person=data["questions_per_person"],
            )
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            messages.success(request, "The Q&A is ready. Share the link when it opens.")
            return redirect("qa-session", session_id=session.pk)
    return render(
        request,
        "web/qa/new.html",
        {"form": form, "account": organisation},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def close(request: HttpRequest, session_id: str) -> HttpResponse:
    session = viewable_session(viewer=request.user, session_id=session_id)
    if refused := team_gate(request, session.organisation, HOST_ROLES):
        return refused
    try:
        qa.close_session(actor=request.user, session=session)
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The Q&A is closed. It stays readable, and you can still answer.")
    return redirect("qa-moderate", session_id=session.pk)
