"""An organisation's team pages: members and roles, invitations, role labels, and the audit log.

Every view sits behind `team_member_required`: outsiders get a 404, members without two-factor
authentication are told to set it up, and a session must have passed a code. Changes are POST forms that
redirect back to the team page with a message; a refused change stores nothing and says why.
"""

import csv
import json
from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openhouse.accounts import access, queries
from openhouse.accounts import services as accounts
from openhouse.accounts.models import Account, Membership
from openhouse.audit import queries as audit_queries
from openhouse.audit import services as audit
from openhouse.core import ratelimit
from openhouse.core.errors import Invalid, NotAllowed
from openhouse.core.ids import parse_id
from openhouse.web.decorators import team_member_required
from openhouse.web.forms import InviteForm, RoleLabelForm, RolesForm

ADMIN = Membership.Role.ADMIN
NEW_LINK = "team_new_invitation_link"


def _back(organisation: Account, anchor: str = "") -> HttpResponse:
    return redirect(reverse("team", args=[organisation.handle]) + (f"#{anchor}" if anchor else ""))


def _first_error(form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "Check the form and try again."  # pragma: no cover - only called with errors


@team_member_required()
@require_GET
def team(request: HttpRequest, organisation: Account) -> HttpResponse:
    members = queries.team(organisation=organisation)
    me = next(m for m in members if m.account.pk == request.user.pk)
    context = {
        "organisation": organisation,
        "members": members,
        "me": me,
        "is_admin": me.is_admin,
        "labels": queries.role_labels(organisation=organisation),
        "role_choices": Membership.Role.choices,
    }
    if me.is_admin:
        context |= {
            "invitations": queries.pending_invitations(organisation=organisation),
            "invite_form": InviteForm(initial={"roles": [Membership.Role.AUTHOR]}),
            "label_form": RoleLabelForm(),
            "new_link": request.session.pop(NEW_LINK, None),
            "link_hours": settings.INVITATION_MAX_AGE_HOURS,
        }
    return render(request, "web/team.html", context)


@team_member_required(ADMIN)
@require_POST
def invite(request: HttpRequest, organisation: Account) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(organisation, "invite")
    email = form.cleaned_data["email"]
    try:
        _, token = accounts.invite(
            actor=request.user, organisation=organisation, roles=form.cleaned_data["roles"], email=email
        )
    except Invalid as exc:
        messages.error(request, exc.message)
        return _back(organisation, "invite")
    if email:
        messages.success(request, f"Invitation sent to {email.strip()}.")
    else:
        # The token exists only now: show the link once, on the next page, then forget it.
        request.session[NEW_LINK] = request.build_absolute_uri(reverse("invitation", args=[token]))
    return _back(organisation, "invite")


@team_member_required(ADMIN)
@require_POST
def revoke_invitation(request: HttpRequest, organisation: Account, invitation_id: str) -> HttpResponse:
    invitation = access.team_invitation(organisation=organisation, invitation_id=invitation_id)
    try:
        accounts.revoke_invitation(actor=request.user, invitation=invitation)
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Invitation withdrawn; its link no longer works.")
    return _back(organisation, "invitations")


@team_member_required(ADMIN)
@require_POST
def member_roles(request: HttpRequest, organisation: Account, member_handle: str) -> HttpResponse:
    member = access.team_member(organisation=organisation, handle=member_handle)
    form = RolesForm(request.POST)
    try:
        if not form.is_valid():
            raise Invalid(_first_error(form))
        accounts.set_roles(
            actor=request.user, organisation=organisation, member=member, roles=form.cleaned_data["roles"]
        )
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Roles of @{member.handle} saved.")
    return _back(organisation, "members")


@team_member_required()
@require_POST
def remove_member(request: HttpRequest, organisation: Account, member_handle: str) -> HttpResponse:
    """Admins remove a member; any member may remove themselves (leave the team)."""
    member = access.team_member(organisation=organisation, handle=member_handle)
    try:
        accounts.remove_member(actor=request.user, organisation=organisation, member=member)
    except Invalid as exc:
        messages.error(request, exc.message)
        return _back(organisation, "members")
    if member.pk == request.user.pk:
        messages.success(request, f"You left the team of @{organisation.handle}.")
        return redirect("profile", handle=organisation.handle)
    messages.success(request, f"@{member.handle} is no longer on the team.")
    return _back(organisation, "members")


@team_member_required(ADMIN)
@require_POST
def add_label(request: HttpRequest, organisation: Account) -> HttpResponse:
    form = RoleLabelForm(request.POST)
    try:
        if not form.is_valid():
            raise Invalid(_first_error(form))
        label = accounts.add_role_label(
            actor=request.user, organisation=organisation, name=form.cleaned_data["name"]
        )
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Role label “{label.name}” added.")
    return _back(organisation, "labels")


@team_member_required(ADMIN)
@require_POST
def label_action(request: HttpRequest, organisation: Account, label_id: str, action: str) -> HttpResponse:
    label = access.team_role_label(organisation=organisation, label_id=label_id)
    try:
        if action == "rename":
            form = RoleLabelForm(request.POST)
            if not form.is_valid():
                raise Invalid(_first_error(form))
            accounts.rename_role_label(actor=request.user, label=label, name=form.cleaned_data["name"])
        elif action == "delete":
            accounts.delete_role_label(actor=request.user, label=label)
            messages.success(request, f"Role label “{label.name}” deleted.")
        else:
            accounts.move_role_label(actor=request.user, label=label, offset=-1 if action == "up" else 1)
    except Invalid as exc:
        messages.error(request, exc.message)
    return _back(organisation, "labels")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: shows which team and roles are offered, and accepts for the signed-in account."""
    ratelimit.hit("invitation-ip", request.client_ip, limit=60, window=3600)  # type: ignore[attr-defined]
    offered = access.pending_invitation(token=token)
    error = ""
    if request.method == "POST":
        try:
            organisation = accounts.accept_invitation(account=request.user, token=token)
        except (Invalid, NotAllowed) as exc:
            error = exc.message
        else:
            messages.success(
                request,
                f"You joined the team of @{organisation.handle}."
                + (
                    ""
                    if accounts.has_two_factor(request.user)
                    else " Set up two-factor authentication to act for it."
                ),
            )
            return redirect("team", handle=organisation.handle)
    return render(
        request,
        "web/invitation.html",
        {"invitation": offered, "organisation": offered.organisation, "error": error},
        status=400 if error else 200,
    )


# The audit log: organisation admins only.


def _before(request: HttpRequest) -> int | None:
    raw = request.GET.get("before", "")
    return parse_id(raw, max_digits=18)


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


@team_member_required(ADMIN)
@require_GET
def audit_log(request: HttpRequest, organisation: Account) -> HttpResponse:
    entries = audit_queries.entries_page(organisation=organisation, before=_before(request))
    problems = audit.verify(organisation_id=organisation.pk, since_last_check=True)
    for entry in entries:
        entry.before_text = _json(entry.before)  # type: ignore[attr-defined]
        entry.after_text = _json(entry.after)  # type: ignore[attr-defined]
    return render(
        request,
        "web/audit.html",
        {
            "organisation": organisation,
            "entries": entries,
            "problems": problems,
            "fully_checked_at": audit_queries.fully_checked_at(organisation=organisation),
            "more": entries[-1].seq if len(entries) == audit_queries.PAGE and entries[-1].seq > 1 else None,
        },
    )


class _Line:
    """A file-like object csv.writer writes one row into, handing the text back."""

    def write(self, value: str) -> str:
        return value


def _spreadsheet_safe(cell: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote them (CSV injection)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _csv_lines(organisation: Account) -> Iterator[str]:
    writer = csv.writer(_Line())
    for row in audit.csv_rows(organisation=organisation):
        yield writer.writerow([_spreadsheet_safe(cell) for cell in row])


@team_member_required(ADMIN)
@require_GET
def audit_csv(request: HttpRequest, organisation: Account) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(organisation), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{organisation.handle}-audit-log.csv"'
    return response
