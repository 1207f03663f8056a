"""Who may see an organisation's drafts: its team members, and nobody else.

The studio itself is guarded by accounts.access.team_organisation (role and two-factor); here, a draft of
another organisation, or any draft for someone outside the team, is absent: the same NotFound as an unknown
id, so probing learns nothing about drafts or their number.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from openhouse.accounts.models import Account, Membership
from openhouse.core.errors import NotFound
from openhouse.core.ids import parse_id
from openhouse.publishing.models import Draft


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
    pk = parse_id(draft_id)
    if pk is None:
        raise NotFound()
    draft = (
        team_drafts(viewer=viewer, organisation=organisation)
        .select_related("role_label", "organisation")
        .filter(pk=pk)
        .first()
    )
    if draft is None:
        raise NotFound()
    return draft
