"""Who may see an organisation's studio and drafts: its team members, and nobody else.

To everyone outside the team a studio, a draft and a watch list are absent: the same NotFound as an unknown
handle or id, so probing learns nothing about drafts, their number, or who is on the team.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from openhouse.accounts.models import Account, Membership
from openhouse.accounts.services import require_org_role
from openhouse.core.errors import NotAllowed, NotFound
from openhouse.publishing.models import Draft

ANY_ROLE = tuple(Membership.Role.values)


def studio_organisation(*, viewer: Account | AnonymousUser, handle: str) -> Account:
    """The organisation whose studio `viewer` may open, or NotFound."""
    organisation = Account.objects.filter(handle=handle.lower(), is_organisation=True, is_active=True).first()
    if organisation is None or not viewer.is_authenticated:
        raise NotFound()
    try:
        require_org_role(account=viewer, organisation=organisation, roles=ANY_ROLE)  # type: ignore[arg-type]
    except NotAllowed:
        raise NotFound() from None
    return organisation


def team_roles(*, viewer: Account, organisation: Account) -> set[str]:
    return set(
        Membership.objects.filter(organisation=organisation, member=viewer).values_list("role", flat=True)
    )


def team_drafts(*, viewer: Account | AnonymousUser, organisation: Account) -> QuerySet[Draft]:
    """Drafts of an organisation whose studio the viewer may open (studio_organisation checked that)."""
    if not viewer.is_authenticated:
        return Draft.objects.none()
    if not Membership.objects.filter(organisation=organisation, member_id=viewer.pk).exists():
        return Draft.objects.none()
    return Draft.objects.filter(organisation=organisation)


def team_draft(*, viewer: Account | AnonymousUser, organisation: Account, draft_id: int | str) -> Draft:
    try:
        pk = int(draft_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    draft = (
        team_drafts(viewer=viewer, organisation=organisation)
        .select_related("role_label")
        .filter(pk=pk)
        .first()
    )
    if draft is None:
        raise NotFound()
    return draft
