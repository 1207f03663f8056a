"""OAuth 2 as Mastodon apps expect it, on django-oauth-toolkit: the consent page, out-of-band codes, and
the authorization server's metadata. Tokens, revocation and PKCE checks are the toolkit's own views."""

from urllib.parse import parse_qs, urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.models import get_application_model
from oauth2_provider.views import AuthorizationView, RevokeTokenView

from openhouse.accounts.services import has_two_factor
from openhouse.accounts.twofactor import passed_code
from openhouse.api import scopes

OOB = "urn:ietf:wg:oauth:2.0:oob"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# Schemes a registered redirect URI may never have: they would run code in the browser or read files.
REFUSED_SCHEMES = {"javascript", "data", "vbscript", "file", "blob", "about"}


def pkce_required(client_id: str) -> bool:
    """PKCE is required of public clients (they have no secret); confidential ones may omit it."""
    Application = get_application_model()
    return not Application.objects.filter(
        client_id=client_id, client_type=Application.CLIENT_CONFIDENTIAL
    ).exists()


class AuthorizeView(AuthorizationView):
    """The consent page. Apps registered with the out-of-band URI get a page showing the code; others are
    redirected to the URI they registered (its scheme may be an app's own, such as `tusky://`)."""

    template_name = "api/authorize.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """An account with an authenticator grants access only from a session that passed a code, so every
        token it holds was issued after two factors (a session from before its enrolment is asked now)."""
        user = request.user
        if user.is_authenticated and has_two_factor(user) and not passed_code(user):
            return redirect(f"{reverse('login-code')}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)

    def redirect(self, redirect_to: str, application) -> HttpResponse:
        if redirect_to.startswith(OOB):
            code = parse_qs(urlsplit(redirect_to).query).get("code", [""])[0]
            return render(self.request, "api/authorized_code.html", {"code": code})
        scheme = urlsplit(redirect_to).scheme.lower()
        if application is None or scheme in REFUSED_SCHEMES:
            return super().redirect(redirect_to, application)
        return OAuth2ResponseRedirect(redirect_to, [scheme])


class RevokeView(RevokeTokenView):
    """The toolkit's revocation, answering `{}` as Mastodon does (clients parse the body as JSON)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200 and not response.content:
            return JsonResponse({})
        return response


@require_GET
def authorization_server(request: HttpRequest) -> JsonResponse:
    """RFC 8414 metadata, which Mastodon 4.3 serves and Mastodon.py reads before logging in."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    return JsonResponse(
        {
            "issuer": request.build_absolute_uri("/"),
            "authorization_endpoint": url("oauth2_provider:authorize"),
            "token_endpoint": url("oauth2_provider:token"),
            "revocation_endpoint": url("oauth2_provider:revoke-token"),
            "app_registration_endpoint": url("mastodon:apps"),
            "scopes_supported": list(scopes.SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "service_documentation": request.build_absolute_uri("/api/openhouse/v1/docs"),
        }
    )
