"""API rate limits per token and per client address (Mastodon's X-RateLimit-* headers), and the OAuth
details clients rely on: PKCE, revocation, scopes in the token answer."""

import base64
import hashlib
from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from openhouse.core import ratelimit
from tests.api.conftest import OOB, authorize, register_app

pytestmark = pytest.mark.django_db


def test_answers_carry_the_rate_limit_headers(api, member_of_public, settings):
    settings.API_RATE_PER_TOKEN = 5
    me = api(member_of_public)
    r = me.get("/api/v1/accounts/verify_credentials")
    assert r["X-RateLimit-Limit"] == "5" and r["X-RateLimit-Remaining"] == "4"
    reset = datetime.fromisoformat(r["X-RateLimit-Reset"].replace("Z", "+00:00"))
    assert 0 < (reset - timezone.now()).total_seconds() <= settings.API_RATE_WINDOW


def test_the_token_limit_fires_and_its_window_ends(api, member_of_public, settings):
    """The window is the cache entry's lifetime; Redis keeps its own clock, so this runs on the memory cache."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
    }
    settings.API_RATE_PER_TOKEN = 3
    me = api(member_of_public)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            assert me.get("/api/v1/timelines/home").status_code == 200
        r = me.get("/api/v1/timelines/home")
        assert r.status_code == 429 and r["X-RateLimit-Remaining"] == "0"
        assert r.json() == {"error": "Too many requests"}
        clock.shift(settings.API_RATE_WINDOW + 1)
        assert me.get("/api/v1/timelines/home").status_code == 200


def test_the_address_limit_fires_whatever_the_token_and_ignores_forged_forwarding(api, settings):
    settings.API_RATE_PER_IP = 3
    anonymous = api()
    for n in range(3):
        r = anonymous.get("/api/v1/timelines/public", headers={"X-Forwarded-For": f"10.0.0.{n}"})
        assert r.status_code == 200
    r = anonymous.get("/api/v1/timelines/public", headers={"X-Forwarded-For": "10.9.9.9"})
    assert r.status_code == 429


def test_posting_through_the_api_shares_the_webs_per_account_throttles(api, member_of_public, outsider):
    from tests.api.test_authorization import photo_post

    post = photo_post(member_of_public)
    me = api(outsider)
    for _ in range(600):
        ratelimit.hit("like", str(outsider.pk), limit=10**9, window=3600)
    assert me.post(f"/api/v1/statuses/{post.pk}/favourite").status_code == 429
    assert post.likes.count() == 0


def _pkce() -> tuple[str, str]:
    verifier = base64.urlsafe_b64encode(b"v" * 40).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def test_authorization_code_with_pkce(member_of_public):
    client = Client()
    app = register_app(client, scopes="read write")
    verifier, challenge = _pkce()
    code = authorize(
        client, member_of_public, app, "read", code_challenge=challenge, code_challenge_method="S256"
    )
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": OOB,
    }
    assert client.post("/oauth/token", exchange | {"code_verifier": "w" * 43}).status_code == 400
    code = authorize(
        client, member_of_public, app, "read", code_challenge=challenge, code_challenge_method="S256"
    )
    r = client.post("/oauth/token", exchange | {"code": code, "code_verifier": verifier})
    assert r.status_code == 200, r.content
    token = r.json()
    assert token["scope"] == "read" and token["token_type"] == "Bearer"
    # A code works once.
    assert (
        client.post("/oauth/token", exchange | {"code": code, "code_verifier": verifier}).status_code == 400
    )


def test_denying_consent_gives_no_code(client, member_of_public):
    app = register_app(client)
    client.force_login(member_of_public)
    page = client.get(
        "/oauth/authorize",
        {"response_type": "code", "client_id": app["client_id"], "redirect_uri": OOB, "scope": "read"},
    )
    assert "Allow Test app to use your account?" in page.content.decode()
    import re

    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.content.decode()))
    denied = client.post("/oauth/authorize", form)
    assert "Access not given" in denied.content.decode()


def test_redirect_uri_apps_get_the_code_on_their_address(client, member_of_public):
    app = register_app(client, redirect_uri="https://app.example/callback")
    client.force_login(member_of_public)
    page = client.get(
        "/oauth/authorize",
        {
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": "https://app.example/callback",
            "scope": "read",
            "state": "s1",
        },
    )
    import re

    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.content.decode()))
    done = client.post("/oauth/authorize", form | {"allow": "Authorize"})
    assert done.status_code == 302 and done["Location"].startswith("https://app.example/callback?")
    assert "state=s1" in done["Location"] and "code=" in done["Location"]


@pytest.mark.parametrize(
    "uris",
    ["javascript:alert(1)", "data:text/html,x", "https://x.example/#frag", "", "a b"],
)
def test_dangerous_redirect_uris_are_refused(client, uris):
    r = client.post("/api/v1/apps", {"client_name": "x", "redirect_uris": uris, "scopes": "read"})
    assert r.status_code == 422


def test_app_registration_limits(client):
    r = client.post("/api/v1/apps", {"client_name": "x" * 101, "redirect_uris": OOB})
    assert r.status_code == 422
    r = client.post("/api/v1/apps", {"client_name": "x", "redirect_uris": OOB, "scopes": "read admin:write"})
    assert r.status_code == 422


def test_the_web_and_the_api_count_likes_in_one_window(client, api, member_of_public, outsider, monkeypatch):
    """The limit lives in the service: a like by web page and one by API use up the same allowance."""
    from django.urls import reverse

    from openhouse.core.ratelimit import Limit
    from openhouse.social import services as social
    from tests.api.test_authorization import photo_post

    monkeypatch.setattr(social, "LIKES", Limit("like", limit=2, window=3600))
    first, second, third = (photo_post(member_of_public) for _ in range(3))
    client.force_login(outsider)
    me = api(outsider)
    assert client.post(reverse("like", args=[first.pk, "like"])).status_code == 302
    assert me.post(f"/api/v1/statuses/{second.pk}/favourite").status_code == 200
    assert client.post(reverse("like", args=[third.pk, "like"])).status_code == 429
    assert me.post(f"/api/v1/statuses/{third.pk}/favourite").status_code == 429
    assert not third.likes.exists() and first.likes.count() == second.likes.count() == 1


def test_an_account_with_an_authenticator_grants_access_only_after_a_code(officer):
    """Every token of such an account is issued by a session that passed two factors."""
    from django.urls import reverse

    from tests.conftest import log_in_verified

    client = Client()
    app = register_app(client, scopes="read")
    client.force_login(officer)  # logged in before setting up the authenticator, say: no code yet
    query = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": OOB, "scope": "read"}
    page = client.get("/oauth/authorize", query)
    assert page.status_code == 302 and page["Location"].startswith(reverse("login-code"))
    sneaked = client.post("/oauth/authorize", query | {"allow": "Authorize"})
    assert sneaked.status_code == 302 and sneaked["Location"].startswith(reverse("login-code"))
    log_in_verified(client, officer)
    assert client.get("/oauth/authorize", query).status_code == 200


def test_setting_up_two_factor_revokes_the_tokens_granted_on_a_password_alone(api, member_of_public):
    """Otherwise a token from before the set-up would act for an organisation without any code passed."""
    from django_otp.oath import totp

    from openhouse.accounts import twofactor

    me = api(member_of_public)
    assert me.get("/api/v1/accounts/verify_credentials").status_code == 200
    device = twofactor.begin_enrolment(actor=member_of_public, account=member_of_public)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    twofactor.confirm_enrolment(actor=member_of_public, account=member_of_public, code=code)
    assert me.get("/api/v1/accounts/verify_credentials").status_code == 401
