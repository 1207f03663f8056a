"""Write verbs for accounts: signing up, editing a profile, verifying organisations."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from openhouse.accounts.handles import normalise_handle
from openhouse.accounts.models import BIO_MAX, DISPLAY_NAME_MAX, LINK_MAX, Account, Membership
from openhouse.core.errors import Invalid, NotAllowed, TwoFactorRequired
from openhouse.core.text import clean_text


def _clean_email(email: str) -> str:
    email = email.strip()
    try:
        EmailValidator()(email)
    except ValidationError:
        raise Invalid("Enter a valid e-mail address.", field="email") from None
    return email


def _clean_link(link: str) -> str:
    link = link.strip()
    if not link:
        return ""
    if len(link) > LINK_MAX:
        raise Invalid(f"The link is at most {LINK_MAX} characters.", field="link")
    try:
        URLValidator(schemes=["https", "http"])(link)
    except ValidationError:
        raise Invalid("Enter a full web address starting with https://.", field="link") from None
    return link


def handle_taken(handle: str) -> bool:
    return Account.objects.filter(handle=handle).exists()


@transaction.atomic
def sign_up(*, handle: str, email: str, password: str, display_name: str = "") -> Account:
    """Create a personal account. Raises Invalid naming the first field at fault; stores nothing then."""
    canonical = normalise_handle(handle)
    email = _clean_email(email)
    display_name = clean_text(display_name, field="display_name", label="Name", limit=DISPLAY_NAME_MAX)
    if handle_taken(canonical):
        raise Invalid(f"The handle '{canonical}' is taken.", field="handle")
    if Account.objects.filter(email__iexact=email).exists():
        raise Invalid("An account already uses this e-mail address.", field="email")
    account = Account(handle=canonical, email=email, display_name=display_name)
    try:
        validate_password(password, user=account)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), field="password") from None
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # a concurrent sign-up took the handle or e-mail between check and insert
        raise Invalid(f"The handle '{canonical}' or this e-mail address is taken.", field="handle") from None
    return account


@transaction.atomic
def update_profile(
    *, actor: Account, account: Account, display_name: str, bio: str, link: str, is_private: bool
) -> Account:
    """Edit the public profile. Only the account itself may; everything is validated before saving."""
    if actor.pk != account.pk:
        raise NotAllowed("You can only edit your own profile.")
    account.display_name = clean_text(
        display_name, field="display_name", label="Name", limit=DISPLAY_NAME_MAX
    )
    account.bio = clean_text(bio, field="bio", label="Bio", limit=BIO_MAX, multiline=True)
    account.link = _clean_link(link)
    account.is_private = is_private
    account.save(update_fields=["display_name", "bio", "link", "is_private"])
    return account


@transaction.atomic
def set_verified(*, actor: Account, organisation: Account, verified: bool) -> Account:
    """Site staff mark an organisation account verified (or not). Only organisations can carry the badge."""
    if not actor.is_staff:
        raise NotAllowed("Only site administrators verify organisations.")
    if verified and not organisation.is_organisation:
        raise Invalid(f"@{organisation.handle} is not an organisation account, so it can't be verified.")
    organisation.is_verified = verified
    organisation.save(update_fields=["is_verified"])
    return organisation


@transaction.atomic
def create_organisation(*, handle: str, display_name: str, bio: str = "", link: str = "") -> Account:
    """An organisation account: it has no password of its own; its team members act for it."""
    canonical = normalise_handle(handle)
    if handle_taken(canonical):
        raise Invalid(f"The handle '{canonical}' is taken.", field="handle")
    org = Account(
        handle=canonical,
        display_name=clean_text(display_name, field="display_name", label="Name", limit=DISPLAY_NAME_MAX),
        bio=clean_text(bio, field="bio", label="Bio", limit=BIO_MAX, multiline=True),
        link=_clean_link(link),
        is_organisation=True,
    )
    org.set_unusable_password()
    org.save()
    return org


def require_org_role(*, account: Account, organisation: Account, roles: tuple[str, ...]) -> None:
    """Raise NotAllowed unless `account` holds one of `roles` (Membership.Role values) in `organisation`
    and has confirmed a two-factor authenticator (TwoFactorRequired, a NotAllowed, otherwise).

    The one gate every adapter passes through before acting for an organisation. Outsiders get the same
    sentence as members lacking the role, so the answer reveals nothing about the team; only a member
    who holds the role learns that two-factor authentication is what they lack. Adapters with sessions
    also check that the session itself passed a code (web: `team_member_required`).
    """
    if not (account.is_authenticated and organisation.is_organisation):
        raise NotAllowed("Only the organisation's team can do that.")
    enrolled = TOTPDevice.objects.filter(user=OuterRef("member"), confirmed=True)
    holds = (
        Membership.objects.filter(organisation=organisation, member=account, role__in=roles)
        .annotate(enrolled=Exists(enrolled))
        .values_list("enrolled", flat=True)
        .first()
    )
    if holds is None:
        raise NotAllowed("Only the organisation's team can do that.")
    if not holds:
        raise TwoFactorRequired()


def has_two_factor(account: Account) -> bool:
    """True once the account has confirmed an authenticator app (recovery codes alone do not count)."""
    return TOTPDevice.objects.filter(user=account, confirmed=True).exists()
