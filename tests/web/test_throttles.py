"""Every throttle fires: the request after the limit gets 429 and a sentence, and nothing is stored."""

import pytest
from django.urls import reverse

from openhouse.accounts.models import Account, Follow
from openhouse.core import ratelimit
from openhouse.media.models import MediaItem
from openhouse.social.models import Comment, Like
from tests.conftest import PASSWORD, jpeg_bytes, text, upload
from tests.posts.test_publish_and_view import _post

pytestmark = pytest.mark.django_db


def _fill(scope: str, key: str, times: int) -> None:
    """Use up a throttle's allowance the way earlier requests would have."""
    for _ in range(times):
        ratelimit.hit(scope, key, limit=10**9, window=3600)


def test_sign_up_throttle_per_address(client):
    _fill("signup-ip", "127.0.0.1", 10)
    r = client.post(reverse("signup"), {"handle": "late", "email": "late@example.org", "password": PASSWORD})
    assert r.status_code == 429 and "too often" in text(r)
    assert not Account.objects.filter(handle="late").exists()


def test_upload_throttle_per_account(client, member_of_public, media_root):
    client.force_login(member_of_public)
    _fill("upload-account", str(member_of_public.pk), 60)
    r = client.post(reverse("new-post"), {"photos": [upload(jpeg_bytes((50, 50)))]})
    assert r.status_code == 429
    assert not MediaItem.objects.exists() and not list(media_root.rglob("*.*"))


def test_like_throttle_per_account(client, member_of_public, outsider):
    post = _post(member_of_public, 1)
    client.force_login(outsider)
    _fill("like", str(outsider.pk), 600)
    assert client.post(reverse("like", args=[post.pk, "like"])).status_code == 429
    assert not Like.objects.exists()


def test_comment_throttle_per_account(client, member_of_public, outsider):
    post = _post(member_of_public, 1)
    client.force_login(outsider)
    _fill("comment", str(outsider.pk), 60)
    r = client.post(reverse("comment", args=[post.pk]), {"body": "one more"}, follow=True)
    assert "too often" in text(r)
    assert not Comment.objects.exists()


def test_follow_throttle_per_account(client, member_of_public, outsider):
    client.force_login(outsider)
    _fill("relationship", str(outsider.pk), 200)
    assert client.post(reverse("relationship", args=[member_of_public.handle, "follow"])).status_code == 429
    assert not Follow.objects.exists()


def test_throttle_window_ends(client, member_of_public, outsider, settings):
    """The window is the cache entry's lifetime; Redis keeps its own clock, so this runs on the memory cache."""
    import time_machine
    from django.utils import timezone

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tw"}
    }

    post = _post(member_of_public, 1)
    client.force_login(outsider)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _fill("like", str(outsider.pk), 600)
        assert client.post(reverse("like", args=[post.pk, "like"])).status_code == 429
        clock.shift(3601)
        assert client.post(reverse("like", args=[post.pk, "like"])).status_code == 302
