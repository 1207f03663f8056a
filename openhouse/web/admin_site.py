"""Django's admin site, for site staff who passed a two-factor code in this session.

Site staff can read every team's membership and audit log, so a password alone must never open the admin:
`has_permission` also asks django-otp whether the session is verified, and the admin's log-in URL sends
each kind of visitor where they can go on (the site's log-in, the code page, or the set-up page).
"""

from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache

from openhouse.accounts.services import has_two_factor
from openhouse.core.errors import NotFound, TwoFactorRequired
from openhouse.web.decorators import session_verified

NEEDS_TWO_FACTOR = (
    "Set up two-factor authentication in your account's security settings before you use the site admin."
)


class TwoFactorAdminSite(AdminSite):
    site_header = "openhouse administration"
    site_title = "openhouse admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and session_verified(request)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Not a log-in form of its own: the site's log-in (with its code step) is the only way in."""
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("admin:index")
        query = urlencode({"next": target})
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('login')}?{query}")
        if not (user.is_active and user.is_staff):
            raise NotFound()
        if not has_two_factor(user):
            raise TwoFactorRequired(NEEDS_TWO_FACTOR)
        if not session_verified(request):
            return redirect(f"{reverse('login-code')}?{query}")
        return redirect(target)
