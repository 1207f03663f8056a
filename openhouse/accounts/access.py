"""Who may see an organisation's team pages: its members holding a role, with two-factor authentication."""

from openhouse.accounts.models import Account, Membership
from openhouse.accounts.services import require_org_role
from openhouse.core.errors import NotAllowed, NotFound, TwoFactorRequired

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
