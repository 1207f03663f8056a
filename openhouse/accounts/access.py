"""Who may see an organisation's team pages (its members holding a role, with two-factor authentication),
and the team's objects those pages name in their URLs."""

from openhouse.accounts.models import Account, Invitation, Membership, RoleLabel
from openhouse.accounts.services import INVITATION_GONE, require_org_role, token_hash
from openhouse.core.errors import NotAllowed, NotFound, TwoFactorRequired
from openhouse.core.ids import parse_id

ANY_ROLE: tuple[str, ...] = tuple(Membership.Role.values)


def team_organisation(*, viewer: Account, handle: str, roles: tuple[str, ...] = ANY_ROLE) -> Account:
    """The organisation named by `handle`, if `viewer` may act in it with one of `roles`.

    Unknown handles, personal accounts, the public, outsiders and members without the role all get the
    same NotFound: nobody learns that the team pages exist. A member holding the role but lacking
    two-factor authentication gets TwoFactorRequired, with the sentence telling them what to do.
    """
    if not viewer.is_authenticated or len(handle) > 30:
        raise NotFound()
    organisation = Account.objects.filter(handle=handle.lower(), is_organisation=True).first()
    if organisation is None:
        raise NotFound()
    try:
        require_org_role(account=viewer, organisation=organisation, roles=roles)
    except TwoFactorRequired:
        raise
    except NotAllowed:
        raise NotFound() from None
    return organisation


def team_member(*, organisation: Account, handle: str) -> Account:
    """A member of `organisation`'s team by handle (the caller already passed the team gate)."""
    member = (
        Account.objects.filter(handle=handle.lower()[:30], memberships__organisation=organisation)
        .distinct()
        .first()
    )
    if member is None:
        raise NotFound()
    return member


def _id(raw: str) -> int:
    pk = parse_id(raw, max_digits=18)
    if pk is None:
        raise NotFound()
    return pk


def team_role_label(*, organisation: Account, label_id: str) -> RoleLabel:
    label = RoleLabel.objects.filter(organisation=organisation, pk=_id(label_id)).first()
    if label is None:
        raise NotFound()
    return label


def team_invitation(*, organisation: Account, invitation_id: str) -> Invitation:
    invitation = Invitation.objects.filter(organisation=organisation, pk=_id(invitation_id)).first()
    if invitation is None:
        raise NotFound()
    return invitation


def pending_invitation(*, token: str) -> Invitation:
    """The invitation a link's token belongs to, while it can still be accepted; else one NotFound."""
    found = None
    if len(token) <= 100:
        found = Invitation.objects.select_related("organisation").filter(token_hash=token_hash(token)).first()
    if found is None or not found.is_pending():
        raise NotFound(INVITATION_GONE)
    return found
