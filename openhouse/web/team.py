"""Whether the signed-in person holds a role in an organisation: for showing team controls in pages.

Showing a control is not permission: every action goes through a service that checks again.
"""

from openhouse.accounts.models import Account, Membership


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
