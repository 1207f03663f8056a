"""Write verbs for two-factor authentication: enrolling an authenticator app, recovery codes, checking a
code at log-in, turning it off. Split from services.py by purpose; the same rules apply (keyword-only,
actor explicit, permission first, one transaction).

Devices and codes are django-otp's models: a TOTPDevice per account (unconfirmed until the first code
from the app matches) and a StaticDevice holding the single-use recovery codes. django-otp's own
throttling (growing delays after failures) works alongside the per-account rate limit here.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from openhouse.accounts.models import Account, Membership
from openhouse.audit import services as audit
from openhouse.core import ratelimit
from openhouse.core.errors import Invalid, NotAllowed, NotFound

RECOVERY_CODES = 10
# No 0/o, 1/l/i: the codes are copied by hand from paper. 10 characters from 31 is about 49 bits.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
CODE_INPUT_MAX = 32
# Attempts at any code (log-in step, enrolment, turning off) per account and window.
CODE_ATTEMPTS = 10
CODE_WINDOW = 900

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_SALT = "openhouse.recovery-code"


def passed_code(user: object) -> bool:
    """True when the session this user came with passed a two-factor code (django-otp's OTPMiddleware
    gives the request's user `is_verified`)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def _normalise(code: str) -> str:
    """Codes are typed with spaces or hyphens ("123 456", "abcde-fghjk"); neither matters."""
    if len(code) > CODE_INPUT_MAX:
        raise Invalid("That code is too long: enter the 6 digits from your app or a recovery code.")
    return "".join(code.split()).replace("-", "").lower()


def _count_attempt(account: Account) -> None:
    ratelimit.hit("2fa-account", str(account.pk), limit=CODE_ATTEMPTS, window=CODE_WINDOW)


def _new_recovery_codes(account: Account) -> list[str]:
    """Replace the account's recovery codes with fresh ones; the caller holds the transaction."""
    # The device row stays (a session verified by a recovery code keeps pointing at it); its codes go.
    device, _ = StaticDevice.objects.get_or_create(
        user=account, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=stored_form(code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def stored_form(code: str, secret: str | None = None) -> str:
    """What the database keeps of a recovery code: a keyed hash (HMAC-SHA256 under the site's secret key,
    16 hex digits, the width of django-otp's token column), so a copy of the database alone holds no code
    that passes. Ours because django-otp keeps the codes as typed. The 0005 migration converted the
    codes stored before, with the same computation."""
    return salted_hmac(RECOVERY_SALT, code, secret=secret, algorithm="sha256").hexdigest()[:16]


def _as_stored(device: StaticDevice, code: str) -> str:
    """`code` as this device would keep it: under the current secret key, or under one of
    SECRET_KEY_FALLBACKS if it was made before the key was rotated."""
    forms = [stored_form(code, key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
    kept = device.token_set.filter(token__in=forms).values_list("token", flat=True).first()
    return kept or forms[0]


def _record_for_teams(account: Account, action: str, after: dict) -> None:
    """A team member's second factor is part of the organisation's security: log it in each team."""
    org_ids = set(Membership.objects.filter(member=account).values_list("organisation_id", flat=True))
    for organisation in Account.objects.filter(pk__in=org_ids).order_by("pk"):
        audit.record(
            organisation=organisation,
            actor=account,
            action=action,
            subject=f"member:{account.handle}",
            after=after,
        )


@transaction.atomic
def begin_enrolment(*, actor: Account, account: Account) -> TOTPDevice:
    """The unconfirmed authenticator the account is setting up (the same one on every visit until it
    is confirmed, so a reloaded page shows the same key). Refused when one is already confirmed."""
    if actor.pk != account.pk:
        raise NotAllowed("You can only set up two-factor authentication for your own account.")
    if TOTPDevice.objects.filter(user=account, confirmed=True).exists():
        raise Invalid("Two-factor authentication is already on for this account.")
    device = TOTPDevice.objects.filter(user=account, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=account, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class Enrolled:
    device: TOTPDevice
    recovery_codes: list[str]


def _end_app_access(account: Account) -> None:
    """Revoke the apps' tokens granted before two-factor authentication was set up: they came from a
    password alone, and with a confirmed device they would act for the account's organisations. The apps
    ask again, and the consent page asks for a code."""
    for model in (get_refresh_token_model(), get_access_token_model(), get_grant_model()):
        model.objects.filter(user=account).delete()


def confirm_enrolment(*, actor: Account, account: Account, code: str) -> Enrolled:
    """Confirm the pending authenticator with a code it shows; returns the 10 recovery codes, which are
    shown once. A wrong code stores nothing but the attempt (django-otp's throttle and our rate limit)."""
    if actor.pk != account.pk:
        raise NotAllowed("You can only set up two-factor authentication for your own account.")
    token = _normalise(code)
    _count_attempt(account)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=account, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None or TOTPDevice.objects.filter(user=account, confirmed=True).exists():
            raise NotFound("There's no authenticator waiting to be confirmed. Start the set-up again.")
        matched = device.verify_token(token)
    # verify_token saved the failure count (django-otp's throttle) in its own right: keep it, refuse.
    if not matched:
        raise Invalid("That code didn't match. Check the time on your phone and enter the newest code.")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=account, confirmed=False).delete()
        codes = _new_recovery_codes(account)
        _end_app_access(account)
        _record_for_teams(account, "team.two_factor_enabled", {"two_factor": True})
    ratelimit.reset("2fa-account", str(account.pk))
    return Enrolled(device=device, recovery_codes=codes)


@dataclass(frozen=True)
class Verified:
    device: Device
    used_recovery_code: bool
    recovery_codes_left: int


def verify_code(*, account: Account, code: str) -> Verified:
    """Check a code from the authenticator app or one recovery code (which is then used up).

    Raises Invalid for a wrong code and RateLimited after too many attempts; on success the count of
    attempts starts again. Callers decide what a pass unlocks (a log-in, a verified session).
    """
    token = _normalise(code)
    _count_attempt(account)
    matched: Device | None = None
    if token:
        with transaction.atomic():
            # Six digits are for the app, anything else a recovery code: trying a code on the wrong kind
            # of device would count a failure there and set off its throttle.
            kind = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
            devices: list[Device] = list(
                kind.objects.select_for_update().filter(user=account, confirmed=True)
            )
            for device in devices:
                typed = _as_stored(device, token) if isinstance(device, StaticDevice) else token
                if device.verify_token(typed):
                    matched = device
                    break
    if matched is None:
        raise Invalid(
            "That code didn't work. Enter the newest 6-digit code from your app, or a recovery code."
        )
    ratelimit.reset("2fa-account", str(account.pk))
    is_recovery = isinstance(matched, StaticDevice)
    left = StaticToken.objects.filter(device__user=account).count()
    return Verified(device=matched, used_recovery_code=is_recovery, recovery_codes_left=left)


def regenerate_recovery_codes(*, actor: Account, account: Account, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a code proves the person holds the app."""
    if actor.pk != account.pk:
        raise NotAllowed("You can only change your own recovery codes.")
    if not TOTPDevice.objects.filter(user=account, confirmed=True).exists():
        raise Invalid("Turn on two-factor authentication first.")
    verify_code(account=account, code=code)
    with transaction.atomic():
        return _new_recovery_codes(account)


def disable_two_factor(*, actor: Account, account: Account, code: str) -> None:
    """Turn two-factor authentication off after a valid code; every device and recovery code goes.
    Team members then can't act for their organisation until they set it up again."""
    if actor.pk != account.pk:
        raise NotAllowed("You can only turn off two-factor authentication for your own account.")
    if not TOTPDevice.objects.filter(user=account, confirmed=True).exists():
        raise Invalid("Two-factor authentication is not on for this account.")
    verify_code(account=account, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=account).delete()
        StaticDevice.objects.filter(user=account).delete()
        _record_for_teams(account, "team.two_factor_disabled", {"two_factor": False})


def recovery_codes_left(*, account: Account) -> int:
    return StaticToken.objects.filter(device__user=account, device__confirmed=True).count()
