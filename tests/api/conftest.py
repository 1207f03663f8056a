"""API fixtures: OAuth apps and tokens made through the real endpoints, and a JSON client with a token."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.conftest import PASSWORD

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE = re.compile(r'id="authorization-code">([^<]+)<')


def register_app(client: Client, scopes: str = "read write follow push", redirect_uri: str = OOB) -> dict:
    r = client.post(
        "/api/v1/apps", {"client_name": "Test app", "redirect_uris": redirect_uri, "scopes": scopes}
    )
    assert r.status_code == 200, r.content
    return r.json()


def authorize(client: Client, account, app: dict, scopes: str, **extra) -> str:
    """Sign in on the web (with a code when the account has an authenticator), consent on the
    authorization page, and return the code it shows."""
    from openhouse.accounts.services import has_two_factor
    from tests.conftest import log_in_verified

    if has_two_factor(account):
        log_in_verified(client, account)
    else:
        client.force_login(account)
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": OOB,
        "scope": scopes,
    } | extra
    page = client.get("/oauth/authorize", query)
    assert page.status_code == 200, page.content
    form = {
        k: v
        for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.content.decode())
    }
    form.pop("csrfmiddlewaretoken", None)
    done = client.post("/oauth/authorize", form | {"allow": "Authorize"})
    client.logout()
    if done.status_code == 302:
        return parse_qs(urlsplit(done["Location"]).query)["code"][0]
    match = CODE.search(done.content.decode())
    assert match, done.content
    return match.group(1)


def token_for(account, scopes: str = "read write follow push", **extra) -> str:
    client = Client()
    app = register_app(client, scopes=scopes)
    code = authorize(client, account, app, scopes)
    r = client.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": OOB,
            **extra,
        },
    )
    assert r.status_code == 200, r.content
    return r.json()["access_token"]


class ApiClient:
    """Django's test client with a bearer token and JSON answers."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, data=None, **kw):
        return self.client.get(path, data, headers=self.headers | kw.pop("headers", {}), **kw)

    def post(self, path, data=None, **kw):
        return self.client.post(path, data or {}, headers=self.headers | kw.pop("headers", {}), **kw)

    def delete(self, path, **kw):
        return self.client.delete(path, headers=self.headers | kw.pop("headers", {}), **kw)

    def put(self, path, data, **kw):
        return self.client.put(
            path, data, content_type="application/json", headers=self.headers | kw.pop("headers", {}), **kw
        )

    def patch(self, path, data, **kw):
        return self.client.patch(
            path, data, content_type="application/json", headers=self.headers | kw.pop("headers", {}), **kw
        )


@pytest.fixture
def api():
    """api(account, scopes=...) -> ApiClient holding a token the account granted through the consent page."""

    def make(account=None, scopes: str = "read write follow push") -> ApiClient:
        return ApiClient(token_for(account, scopes) if account is not None else None)

    return make


__all__ = ["PASSWORD", "ApiClient", "authorize", "register_app", "token_for"]
