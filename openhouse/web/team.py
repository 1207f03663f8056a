"""Whether the signed-in person holds a role in an organisation: for showing team controls in pages.

Showing a control is not permission: every action goes through a service that checks again.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from openhouse.accounts.models import Account, Membership
from openhouse.careers.services import CARD_ROLES, LISTING_ROLES, SETTINGS_ROLES
from openhouse.posts.models import Post
from openhouse.posts.services import CURATOR_ROLES
from openhouse.qa.access import HOST_ROLES
from openhouse.web.decorators import team_access


def holds_role(user: object, organisation: Account, roles: tuple[str, ...]) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and organisation.is_organisation
        and Membership.objects.filter(organisation=organisation, member=user, role__in=roles).exists()
    )


def roles_of(user: object, account: Account) -> set[str]:
    """The roles the signed-in person holds in `account` (empty for people and outsiders): one query."""
    if not (getattr(user, "is_authenticated", False) and account.is_organisation):
        return set()
    return set(Membership.objects.filter(organisation=account, member=user).values_list("role", flat=True))


def team_gate(request: HttpRequest, organisation: Account, roles: tuple[str, ...]) -> HttpResponse | None:
    """The gate of `team_member_required` (decorators.team_access) for team pages whose URL names an
    object, not a handle (a Q&A session): None when the member may act, otherwise the response to send."""
    outcome = team_access(request, organisation.handle, roles)
    return outcome if isinstance(outcome, HttpResponse) else None


def owner_gate(request: HttpRequest, post: Post, roles: tuple[str, ...]) -> HttpResponse | None:
    """Before a team member acts as the owner of their organisation's post (comments, takedown): the
    session checks of team pages (team_gate). None for anyone else: the service decides, and refuses."""
    own = post.author_id == getattr(request.user, "pk", None)
    if own or not holds_role(request.user, post.author, roles):
        return None
    return team_gate(request, post.author, roles)


# The team menu on an organisation's profile: each page with the roles its service requires.
_TOOLS = [
    ("Open a Q&A", "qa-new", HOST_ROLES),
    ("Myth-busting card", "myth-card", CARD_ROLES),
    ("Add a job listing", "careers-new", LISTING_ROLES),
    ("Highlights", "highlights-manage", CURATOR_ROLES),
    ("Links and colours", "profile-settings", SETTINGS_ROLES),
]


def team_tools(organisation: Account, roles: set[str]) -> list[tuple[str, str]]:
    """(label, url) of the team pages these roles open, so nobody is offered a link that answers 404."""
    return [
        (label, reverse(name, args=[organisation.handle]))
        for label, name, allowed in _TOOLS
        if roles & set(allowed)
    ]
