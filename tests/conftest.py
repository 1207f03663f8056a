"""Shared fixtures: the named people of the test suite, photo makers, and a clean cache per test."""

import io
import os
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from openhouse.accounts import services as accounts
from openhouse.accounts.models import Account, Membership
from openhouse.qa import services as qa

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


def enrol(account: Account) -> TOTPDevice:
    """Give the account a confirmed authenticator app, as the set-up page would (without the pages)."""
    return TOTPDevice.objects.create(user=account, name="Authenticator app", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The code the person's app shows right now (time-machine moves 'now')."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in_verified(client, account: Account) -> None:
    """A session that logged in and passed a two-factor code (the code step is tested by HTTP elsewhere)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = TOTPDevice.objects.filter(user=account, confirmed=True).first() or enrol(account)
    client.force_login(account)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin client, with a session that also passed a two-factor code: the only way in."""
    from django.test import Client

    client = Client()
    log_in_verified(client, admin_user)
    return client


@pytest.fixture
def officer(db, organisation) -> Account:
    """A serving officer: real name and e-mail are secrets that must never reach the public.
    An author in the organisation's team, with two-factor authentication set up."""
    account = person("officer.canary", "Canary Officer Realname")
    Membership.objects.create(organisation=organisation, member=account, role=Membership.Role.AUTHOR)
    enrol(account)
    return account


@pytest.fixture
def reviewer(db, organisation) -> Account:
    """A reviewer (security officer) in the organisation's team, with two-factor authentication."""
    account = person("reviewer.canary", "Canary Reviewer Realname")
    Membership.objects.create(organisation=organisation, member=account, role=Membership.Role.REVIEWER)
    enrol(account)
    return account


@pytest.fixture
def team_admin(db, organisation) -> Account:
    """The organisation's team admin (invites, roles, role labels, audit log), with two-factor auth."""
    account = person("team.admin", "Canary Admin Realname")
    Membership.objects.create(organisation=organisation, member=account, role=Membership.Role.ADMIN)
    enrol(account)
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


def open_qa_session(organisation: Account, host: Account, title: str = "Ask an officer"):
    """A Q&A session of the organisation, opened by `host` a minute ago and open for an hour."""
    now = timezone.now()
    return qa.open_session(
        actor=host,
        organisation=organisation,
        title=title,
        intro="",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=1),
    )


def publish_for_organisation(organisation: Account, *, caption: str = "", count: int = 1, **extra):
    """An organisation's post, made the only way one can be: drafted by a team author, approved and
    published by another member (both created here, with two-factor set up, unless they exist)."""
    from openhouse.publishing import services as publishing

    writer, checker = (
        Account.objects.filter(handle=handle).first() or _team_member(organisation, handle, role)
        for handle, role in (
            ("desk.writer", Membership.Role.AUTHOR),
            ("desk.checker", Membership.Role.REVIEWER),
        )
    )
    uploads = [upload(jpeg_bytes((300, 200), (40 * n, 100, 100)), f"{n}.jpg") for n in range(count)]
    with TestCase.captureOnCommitCallbacks(execute=True):  # the reports' tasks run once the upload commits
        draft = publishing.start_draft(actor=writer, organisation=organisation, uploads=uploads)
    items = publishing.draft_photos(draft)
    draft = publishing.edit_draft(
        actor=writer,
        draft=draft,
        caption=caption,
        role_label_id=None,
        media_ids=[i.pk for i in items],
        alt_texts=[i.alt_text for i in items],
    )
    draft = publishing.submit_draft(actor=writer, draft=draft)
    publishing.approve_draft(reviewer=checker, draft=draft, revision=draft.revision, publish_now=True)
    draft.refresh_from_db()
    return draft.post


def _team_member(organisation: Account, handle: str, role: str) -> Account:
    account = person(handle, handle.replace(".", " ").title())
    Membership.objects.create(organisation=organisation, member=account, role=role)
    enrol(account)
    return account
