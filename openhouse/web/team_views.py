"""An organisation's team pages: members and roles, invitations, role labels, and the audit log.

Every view sits behind `team_member_required`: outsiders get a 404, members without two-factor
authentication are told to set it up, and a session must have passed a code.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openhouse.accounts import queries
from openhouse.accounts.models import Account, Membership
from openhouse.web.decorators import team_member_required


@team_member_required()
@require_GET
def team(request: HttpRequest, organisation: Account) -> HttpResponse:
    members = queries.team(organisation=organisation)
    me = next(m for m in members if m.account.pk == request.user.pk)
    return render(
        request,
        "web/team.html",
        {
            "organisation": organisation,
            "members": members,
            "is_admin": me.is_admin,
            "labels": queries.role_labels(organisation=organisation),
            "roles": Membership.Role.choices,
        },
    )
