"""The gate in front of an organisation's team pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from openhouse.accounts.access import ANY_ROLE, team_organisation
from openhouse.accounts.models import Account
from openhouse.accounts.twofactor import passed_code
from openhouse.core.errors import TwoFactorRequired


def session_verified(request: HttpRequest) -> bool:
    """True when this session passed a two-factor code."""
    return passed_code(request.user)


def code_page_for(request: HttpRequest) -> str:
    return f"{reverse('login-code')}?{urlencode({'next': request.get_full_path()})}"


def team_member_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For views under /<handle>/...: resolve the organisation from the URL's `handle`, require one of
    `roles` (any role when none is named) through accounts.services.require_org_role, and a session that
    passed a two-factor code. The view receives `organisation=` instead of `handle=`.

    Everyone who may not act gets the same 404 (the public, outsiders, members without the role); a
    member who lacks two-factor authentication is told to set it up; a member whose session has not
    passed a code yet is sent to the code page and brought back. Responses are never cached.
    """
    wanted = tuple(roles) or ANY_ROLE

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @never_cache
        def wrapper(request: HttpRequest, handle: str, *args: Any, **kwargs: Any) -> HttpResponse:
            organisation = team_access(request, handle, wanted)
            if isinstance(organisation, HttpResponse):
                return organisation
            return view(request, *args, organisation=organisation, **kwargs)

        return wrapper

    return decorate


def team_access(request: HttpRequest, handle: str, roles: tuple[str, ...]) -> Account | HttpResponse:
    """The one gate of team pages: the organisation named `handle` when the signed-in person holds one of
    `roles` in it and this session passed a two-factor code; otherwise the response to send instead.
    Outsiders and members without the role get NotFound (404), a member without two-factor is told to set
    it up (403), and a session that has not passed a code is sent to the code page."""
    try:
        organisation = team_organisation(viewer=request.user, handle=handle, roles=roles)
    except TwoFactorRequired as exc:
        return render(request, "web/two_factor_required.html", {"message": exc.message}, status=403)
    if not session_verified(request):
        return redirect(code_page_for(request))
    return organisation
