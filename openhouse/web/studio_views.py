"""The organisation studio: drafts, review with the pre-publication report, scheduling, the watch list.

Every view sits behind `team_member_required`: to anyone outside the team a studio does not exist (404, like
an unknown page), and a member's session must have passed a two-factor code. Drafts are then looked up
through publishing.access. Actions are POST forms that work without JavaScript and redirect back.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from openhouse.accounts.models import Account, Membership
from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.core.ids import parse_id
from openhouse.publishing import access, queries
from openhouse.publishing import services as publishing
from openhouse.publishing.models import Draft
from openhouse.web.decorators import team_member_required
from openhouse.web.forms import UploadForm, add_invalid
from openhouse.web.studio_forms import (
    ApprovalsForm,
    ApproveForm,
    DraftForm,
    RejectForm,
    ScheduleForm,
    WatchEntryForm,
)

Role = Membership.Role


def _context(request: HttpRequest, organisation: Account, **extra) -> dict:
    roles = access.team_roles(viewer=request.user, organisation=organisation)
    return {
        "org": organisation,
        "roles": roles,
        "can_write": bool(roles & {Role.AUTHOR, Role.ADMIN}),
        "can_review": Role.REVIEWER in roles,
        "is_admin": Role.ADMIN in roles,
        **extra,
    }


def _draft_url(organisation: Account, draft: Draft) -> str:
    return reverse("studio-draft", args=[organisation.handle, draft.pk])


@team_member_required()
@require_http_methods(["GET"])
def studio(request: HttpRequest, organisation: Account) -> HttpResponse:
    """Every status's most recent drafts; with ?status=, all of that status, a page at a time."""
    drafts = access.team_drafts(viewer=request.user, organisation=organisation)
    status = request.GET.get("status", "")
    if not status:
        sections = queries.studio_sections(drafts=drafts)
        return render(request, "web/studio.html", _context(request, organisation, sections=sections))
    section = queries.status_page(drafts=drafts, status=status, before=request.GET.get("before", "")[:40])
    if section is None:
        raise NotFound()
    context = _context(request, organisation, sections=[section] if section.total else [], only=section)
    return render(request, "web/studio.html", context)


@team_member_required(Role.AUTHOR, Role.ADMIN)
@require_http_methods(["GET", "POST"])
def studio_new(request: HttpRequest, organisation: Account) -> HttpResponse:
    """Step 1 of a draft: choose the photos (cleaned and kept as the organisation's), then describe them."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = publishing.start_draft(
                actor=request.user, organisation=organisation, uploads=form.cleaned_data["photos"]
            )
        except Invalid as exc:
            form.add_error("photos", exc.message)
        else:
            return redirect(_draft_url(organisation, draft))
    context = _context(request, organisation, form=form)
    return render(request, "web/studio_new.html", context, status=400 if form.errors else 200)


def _draft_page(request: HttpRequest, organisation: Account, draft: Draft, **forms) -> HttpResponse:
    items = publishing.draft_photos(draft)
    labels = queries.role_labels(organisation=organisation)
    initial = {"caption": draft.caption, "role_label": draft.role_label_id}
    context = _context(
        request,
        organisation,
        draft=draft,
        report=queries.report(draft=draft, items=items),
        edit_form=forms.get("edit_form") or DraftForm(initial=initial, items=items, labels=labels),
        approve_form=forms.get("approve_form") or ApproveForm(initial={"revision": draft.revision}),
        reject_form=forms.get("reject_form") or RejectForm(initial={"revision": draft.revision}),
        schedule_form=forms.get("schedule_form") or ScheduleForm(),
    )
    context["is_writer"] = request.user.pk in draft.writer_ids
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "web/studio_draft.html", context, status=status)


@team_member_required()
@require_http_methods(["GET", "POST"])
def studio_draft(request: HttpRequest, organisation: Account, draft_id: str) -> HttpResponse:
    """The draft: its report, the edit form (writers), review and publication actions. POST saves an edit."""
    draft = access.team_draft(viewer=request.user, organisation=organisation, draft_id=draft_id)
    if request.method == "GET":
        return _draft_page(request, organisation, draft)
    items = publishing.draft_photos(draft)
    form = DraftForm(request.POST, items=items, labels=queries.role_labels(organisation=organisation))
    if form.is_valid():
        try:
            before = draft.revision
            draft = publishing.edit_draft(actor=request.user, draft=draft, **form.parsed())
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            if draft.revision == before:
                messages.success(request, "Nothing changed.")
            elif draft.status == Draft.Status.SUBMITTED:
                messages.success(
                    request, "Saved. The changes go back to review before anything is published."
                )
            else:
                messages.success(request, "Draft saved.")
            return redirect(_draft_url(organisation, draft))
    return _draft_page(request, organisation, draft, edit_form=form)


@team_member_required()
@require_POST
def studio_draft_action(
    request: HttpRequest, organisation: Account, draft_id: str, action: str
) -> HttpResponse:
    draft = access.team_draft(viewer=request.user, organisation=organisation, draft_id=draft_id)
    actor = request.user
    try:
        if action == "submit":
            publishing.submit_draft(actor=actor, draft=draft)
            messages.success(request, "Sent to review.")
        elif action == "approve":
            form = ApproveForm(request.POST)
            if not form.is_valid():
                return _draft_page(request, organisation, draft, approve_form=form)
            data = form.cleaned_data
            draft = publishing.approve_draft(
                reviewer=actor,
                draft=draft,
                revision=data["revision"],
                publish_at=data["publish_at"] if data["when"] == "schedule" else None,
                publish_now=data["when"] == "now",
            )
            messages.success(request, _approved_message(draft))
        elif action == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                return _draft_page(request, organisation, draft, reject_form=form)
            publishing.reject_draft(
                reviewer=actor,
                draft=draft,
                revision=form.cleaned_data["revision"],
                reasons=form.cleaned_data["reasons"],
            )
            messages.success(request, "Sent back to the author with your reasons.")
        elif action == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                return _draft_page(request, organisation, draft, schedule_form=form)
            publishing.schedule_draft(actor=actor, draft=draft, publish_at=form.cleaned_data["publish_at"])
            messages.success(request, "Scheduled.")
        elif action == "unschedule":
            publishing.unschedule_draft(actor=actor, draft=draft)
            messages.success(request, "Schedule cancelled; the draft stays approved.")
        elif action == "publish":
            publishing.publish_draft_now(actor=actor, draft=draft)
            messages.success(request, "Published.")
        elif action == "withdraw":
            publishing.withdraw_draft(actor=actor, draft=draft)
            messages.success(request, "Withdrawn. It will not be published.")
        elif action == "delete":
            publishing.delete_draft(actor=actor, draft=draft)
            messages.success(request, "Draft deleted, with its photos.")
            return redirect("studio", handle=organisation.handle)
    except (Invalid, NotAllowed) as exc:
        messages.error(request, exc.message)
    return redirect(_draft_url(organisation, draft))


@team_member_required()
@require_POST
def studio_draft_blur(request: HttpRequest, organisation: Account, draft_id: str) -> HttpResponse:
    """One click on a detected face: the photo is made again from its original with that face blurred."""
    draft = access.team_draft(viewer=request.user, organisation=organisation, draft_id=draft_id)
    media_id = parse_id(request.POST.get("media"))
    face = parse_id(request.POST.get("face"), max_digits=3)
    if media_id is None or face is None:
        messages.error(request, "Choose a face to blur.")
        return redirect(_draft_url(organisation, draft))
    try:
        publishing.blur_face(actor=request.user, draft=draft, media_id=media_id, face=face)
    except (Invalid, NotAllowed) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Face blurred. The draft goes back to review with the new photo.")
    return redirect(_draft_url(organisation, draft) + "#report-title")


def _approved_message(draft: Draft) -> str:
    if draft.status == Draft.Status.PUBLISHED:
        return "Approved and published."
    if draft.status == Draft.Status.SCHEDULED:
        return f"Approved and scheduled for {draft.publish_at:%-d %B %Y, %H:%M} UTC."
    if draft.status == Draft.Status.APPROVED:
        return "Approved."
    return "Your approval is recorded; the draft needs more approvals before it can go out."


@team_member_required()
@require_http_methods(["GET", "POST"])
def studio_settings(request: HttpRequest, organisation: Account) -> HttpResponse:
    """The watch list and the number of approvals (admins change them, the team reads them), with the
    role labels, which admins manage on the team page."""
    forms = {
        "watch_form": WatchEntryForm(),
        "approvals_form": ApprovalsForm(
            initial={"required_approvals": publishing.required_approvals(organisation)}
        ),
    }
    if request.method == "POST":
        do = request.POST.get("do", "")
        actor = request.user
        try:
            if do == "add_watch":
                form = forms["watch_form"] = WatchEntryForm(request.POST)
                if form.is_valid():
                    publishing.add_watch_entry(actor=actor, organisation=organisation, **form.cleaned_data)
                    messages.success(request, "Added to the watch list.")
                    return redirect("studio-settings", handle=organisation.handle)
            elif do == "remove_watch" and (entry_id := parse_id(request.POST.get("id"))) is not None:
                publishing.remove_watch_entry(actor=actor, organisation=organisation, entry_id=entry_id)
                messages.success(request, "Removed from the watch list.")
                return redirect("studio-settings", handle=organisation.handle)
            elif do == "approvals":
                form = forms["approvals_form"] = ApprovalsForm(request.POST)
                if form.is_valid():
                    publishing.set_required_approvals(
                        actor=actor, organisation=organisation, count=form.cleaned_data["required_approvals"]
                    )
                    messages.success(request, "Saved.")
                    return redirect("studio-settings", handle=organisation.handle)
        except (Invalid, NotAllowed) as exc:
            target = {"add_watch": "watch_form", "approvals": "approvals_form"}
            if isinstance(exc, Invalid) and do in target:
                add_invalid(forms[target[do]], exc)
            else:
                messages.error(request, exc.message)
    context = _context(
        request,
        organisation,
        entries=queries.watch_entries(organisation=organisation),
        labels=queries.role_labels(organisation=organisation),
        **forms,
    )
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "web/studio_settings.html", context, status=status)
