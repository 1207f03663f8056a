"""The real Mastodon.py client (from PyPI) against a live openhouse server on a loopback port.

One journey, as an app developer would write it: register an app, send a person through the consent page,
get a token, post two photos with alt text, follow, favourite, read the home timeline page by page, read
notifications, search, and revoke the token.
"""

import re

import pytest
import requests
from mastodon import Mastodon, MastodonUnauthorizedError

from tests.conftest import PASSWORD, jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)

SCOPES = ["read", "write", "follow"]


@pytest.fixture
def plain_http_cookies(settings):
    """The live server speaks plain HTTP on loopback; a requests session only sends non-Secure cookies there."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def _consent(base: str, auth_url: str, handle: str) -> str:
    """Log in on the web with a password, allow the app on the consent page, read the code it shows."""
    browser = requests.Session()
    login = browser.get(f"{base}/accounts/login/", timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    page = browser.post(
        f"{base}/accounts/login/",
        {
            "username": handle,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf,
            "next": auth_url[len(base) :],
        },
        timeout=10,
    )
    assert page.status_code == 200 and "Allow" in page.text, page.text[:500]
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    done = browser.post(f"{base}/oauth/authorize", form | {"allow": "Authorize"}, timeout=10)
    return re.search(r'id="authorization-code">([^<]+)<', done.text).group(1)


def _client(base: str, handle: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app("openhouse test", scopes=SCOPES, api_base_url=base)
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    auth_url = app.auth_request_url(scopes=SCOPES, allow_http=True)
    code = _consent(base, auth_url, handle)
    app.log_in(code=code, scopes=SCOPES, allow_http=True)
    return app


def test_mastodon_py_journey(live_server, plain_http_cookies, member_of_public, outsider):
    base = live_server.url
    poster = _client(base, member_of_public.handle)
    reader = _client(base, outsider.handle)
    assert poster.account_verify_credentials()["username"] == "curious.teen"

    # A status with two photos, each with its alt text.
    first = poster.media_post(
        jpeg_bytes((900, 600)), mime_type="image/jpeg", description="The lobby, looking up"
    )
    second = poster.media_post(jpeg_bytes((600, 900), color=(20, 40, 200)), mime_type="image/jpeg")
    poster.media_update(second, description="The pods from below")
    status = poster.status_post(
        "Consider all angles #launch", media_ids=[first, second], idempotency_key="k-1"
    )
    assert [m["description"] for m in status["media_attachments"]] == [
        "The lobby, looking up",
        "The pods from below",
    ]
    again = poster.status_post(
        "Consider all angles #launch", media_ids=[first, second], idempotency_key="k-1"
    )
    assert again["id"] == status["id"]  # a retried request does not post twice

    # Follow, favourite.
    relationship = reader.account_follow(poster.me()["id"])
    assert relationship["following"]
    assert reader.status_favourite(status["id"])["favourited"]
    assert [a["username"] for a in reader.status_favourited_by(status["id"])] == ["outsider"]

    # Home timeline, page by page through the Link header.
    for n in range(4):
        media = poster.media_post(jpeg_bytes((300, 300), color=(n * 40, 90, 90)), mime_type="image/jpeg")
        poster.status_post(f"Archive photo {n}", media_ids=[media])
    page = reader.timeline_home(limit=2)
    seen = [s["id"] for s in page]
    while (page := reader.fetch_next(page)) is not None and len(page):
        seen += [s["id"] for s in page]
    assert len(seen) == 5 and seen == sorted(seen, key=int, reverse=True)
    assert seen[-1] == status["id"]

    # Notifications of the poster: the follow and the favourite.
    kinds = {n["type"]: n for n in poster.notifications()}
    assert set(kinds) == {"follow", "favourite"}
    assert kinds["favourite"]["status"]["id"] == status["id"]
    assert kinds["follow"]["account"]["username"] == "outsider"

    # Search, for the account and the hashtag.
    found = reader.search_v2("curious")
    assert [a["username"] for a in found["accounts"]] == ["curious.teen"]
    assert [t["name"] for t in reader.search_v2("#launch")["hashtags"]] == ["launch"]

    # A revoked token stops working at once.
    token = reader.access_token
    reader.revoke_access_token(allow_http=True)
    with pytest.raises(MastodonUnauthorizedError):
        Mastodon(access_token=token, api_base_url=base).account_verify_credentials()
