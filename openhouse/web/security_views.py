"""Two-factor authentication pages: the code step of logging in, and the account's security settings
(set up an authenticator app, recovery codes, turn it off)."""

import time
from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from openhouse.accounts import queries as team_queries
from openhouse.accounts import twofactor
from openhouse.accounts.models import Account
from openhouse.accounts.services import has_two_factor
from openhouse.core import ratelimit
from openhouse.core.errors import Invalid
from openhouse.web.decorators import session_verified
from openhouse.web.forms import CodeForm, add_invalid

# After the password, the session remembers who is half-way through logging in, for this long.
PENDING_LOGIN = "login_pending"
PENDING_SECONDS = 300


def start_code_step(request: HttpRequest, account: Account, backend: str) -> None:
    """The password was right and the account has an authenticator: remember that, but do not log in."""
    request.session.cycle_key()
    request.session[PENDING_LOGIN] = {"account": account.pk, "since": int(time.time()), "backend": backend}


def _pending_account(request: HttpRequest) -> tuple[Account | None, str]:
    pending = request.session.get(PENDING_LOGIN)
    if not isinstance(pending, dict) or time.time() - pending.get("since", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_LOGIN, None)
        return None, ""
    account = Account.objects.filter(pk=pending.get("account"), is_active=True).first()
    return account, pending.get("backend", settings.AUTHENTICATION_BACKENDS[0])


def _next_url(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of logging in, and the page a signed-in session comes to before team pages."""
    if request.user.is_authenticated:
        if session_verified(request) or not has_two_factor(request.user):
            return redirect(_next_url(request))
        account, backend = request.user, ""
    else:
        account, backend = _pending_account(request)
        if account is None:
            messages.error(request, "Log in again: the time to enter your code ran out.")
            return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ratelimit.hit("2fa-ip", request.client_ip, limit=30, window=300)  # type: ignore[attr-defined]
        try:
            verified = twofactor.verify_code(account=account, code=form.cleaned_data["code"])
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            if backend:
                request.session.pop(PENDING_LOGIN, None)
                auth_login(request, account, backend=backend)
            django_otp.login(request, verified.device)
            if verified.used_recovery_code:
                messages.warning(
                    request,
                    f"You used a recovery code; {verified.recovery_codes_left} left. "
                    "Get new ones in your security settings if you're running low.",
                )
            return redirect(_next_url(request))
    return render(
        request,
        "web/login_code.html",
        {"form": form, "next": _next_url(request, ""), "account": account},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    account = request.user
    enrolled = TOTPDevice.objects.filter(user=account, confirmed=True).first()
    return render(
        request,
        "web/security.html",
        {
            "enrolled": enrolled,
            "codes_left": twofactor.recovery_codes_left(account=account) if enrolled else 0,
            "teams": team_queries.teams_of(account=account),
            "form": CodeForm(),
        },
    )


@login_required
@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    try:
        twofactor.begin_enrolment(actor=request.user, account=request.user)
    except Invalid as exc:
        messages.error(request, exc.message)
        return redirect("security")
    return redirect("two-factor-setup")


def _grouped(key: str) -> str:
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), then confirm with a code; the recovery codes are shown once."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-pk").first()
    if device is None:
        return redirect("security")
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = "The 6 digits your app shows for openhouse right now."
    if request.method == "POST" and form.is_valid():
        try:
            enrolled = twofactor.confirm_enrolment(
                actor=request.user, account=request.user, code=form.cleaned_data["code"]
            )
        except Invalid as exc:
            add_invalid(form, exc)
        else:
            django_otp.login(request, enrolled.device)
            return render(
                request, "web/recovery_codes.html", {"codes": enrolled.recovery_codes, "first_time": True}
            )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "web/two_factor_setup.html",
        {
            "form": form,
            "qr": qr.svg_data_uri(scale=5, border=2, dark="#111", light="#fff"),
            "key": _grouped(b32encode(device.bin_key).decode()),
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    try:
        if not form.is_valid():
            raise Invalid("Enter a code from your app to get new recovery codes.")
        codes = twofactor.regenerate_recovery_codes(
            actor=request.user, account=request.user, code=form.cleaned_data["code"]
        )
    except Invalid as exc:
        messages.error(request, exc.message)
        return redirect("security")
    return render(request, "web/recovery_codes.html", {"codes": codes, "first_time": False})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    try:
        if not form.is_valid():
            raise Invalid("Enter a code from your app to turn two-factor authentication off.")
        twofactor.disable_two_factor(actor=request.user, account=request.user, code=form.cleaned_data["code"])
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Two-factor authentication is off.")
    return redirect("security")
