"""Shared fixtures: the named people of the test suite, photo makers, and a clean cache per test."""

import io
import os
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from openhouse.accounts import services as accounts
from openhouse.accounts.models import Account, Membership

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes media into its own folder, so stored files can be listed and read back.

    Changing STORAGES makes Django drop its cached storage objects (a test signal), so default_storage
    follows.
    """
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/media/"},
        },
        "originals": {
            "BACKEND": "openhouse.media.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "originals")},
        },
    }
    return root


@pytest.fixture
def originals_root(media_root):
    """Where this test's draft photos keep their uploaded originals (beside, never inside, media_root)."""
    return media_root.parent / "originals"


def person(handle: str, name: str, **extra) -> Account:
    account = accounts.sign_up(
        handle=handle, email=f"{handle}@example.org", password=PASSWORD, display_name=name
    )
    for key, value in extra.items():
        setattr(account, key, value)
    if extra:
        account.save()
    return account


@pytest.fixture
def organisation(db) -> Account:
    org = accounts.create_organisation(handle="mi5official", display_name="MI5", bio="Official account.")
    org.is_verified = True
    org.save()
    return org


@pytest.fixture
def director(db, organisation) -> Account:
    """The one public face of the organisation."""
    return person("director.general", "Director General")


@pytest.fixture
def officer(db, organisation) -> Account:
    """A serving officer: real name and e-mail are secrets that must never reach the public."""
    account = person("officer.canary", "Canary Officer Realname")
    Membership.objects.create(organisation=organisation, member=account, role=Membership.Role.AUTHOR)
    return account


@pytest.fixture
def reviewer(db, organisation) -> Account:
    account = person("reviewer.canary", "Canary Reviewer Realname")
    Membership.objects.create(organisation=organisation, member=account, role=Membership.Role.REVIEWER)
    return account


@pytest.fixture
def member_of_public(db) -> Account:
    return person("curious.teen", "Curious Teen")


@pytest.fixture
def outsider(db) -> Account:
    """Someone with no relation to anything under test: every permission test includes them."""
    return person("outsider", "Out Sider")


def jpeg_bytes(size=(1200, 900), color=(200, 120, 60), **save_args) -> bytes:
    buf = io.BytesIO()
    image = Image.new("RGB", size, color)
    image.save(buf, "JPEG", quality=90, **save_args)
    return buf.getvalue()


def png_bytes(size=(800, 600), color=(10, 120, 200), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, "PNG")
    return buf.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def make_upload() -> Callable[..., SimpleUploadedFile]:
    def make(size=(1200, 900), color=(200, 120, 60), name="photo.jpg") -> SimpleUploadedFile:
        return upload(jpeg_bytes(size, color), name)

    return make


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def browser_allowed():
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")


def text(response) -> str:
    """What a person reads: the response body with HTML entities decoded."""
    import html

    return html.unescape(response.content.decode())
