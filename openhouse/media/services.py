"""Write verbs for media: accept an upload as a cleaned photo or avatar, and remove files.

Every accepted upload is checked, decoded and rebuilt from pixels before anything is written; on any
failure nothing is stored (no row, no file).
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from openhouse.accounts.models import Account
from openhouse.core.deferred import enqueue_after_commit
from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.core.text import clean_text
from openhouse.media import images
from openhouse.media.models import ALT_TEXT_MAX, MediaItem, storage_prefix

log = logging.getLogger(__name__)

EXTENSIONS = ("webp", "jpg")


class Upload(Protocol):
    """What Django's UploadedFile offers and we rely on; the client's file name is never used."""

    size: int

    def open(self, mode: str = ...) -> object: ...

    def read(self, size: int = ...) -> bytes: ...

    def seek(self, offset: int, whence: int = ...) -> int: ...


def clean_alt_text(alt_text: str) -> str:
    return clean_text(alt_text, field="alt_text", label="Alt text", limit=ALT_TEXT_MAX, multiline=True)


def _write(prefix: str, renditions: list[images.Encoded]) -> list[str]:
    written: list[str] = []
    try:
        for r in renditions:
            for ext, data in (("webp", r.webp), ("jpg", r.jpeg)):
                name = f"{prefix}/{r.name}.{ext}"
                saved = default_storage.save(name, ContentFile(data))
                written.append(saved)
                if saved != name:  # never expected with random prefixes; refuse rather than serve a stray
                    raise OSError(f"storage renamed {name} to {saved}")
    except Exception:
        delete_files(written)
        raise
    return written


def _file_names(prefix: str, rendition_names: list[str]) -> list[str]:
    return [f"{prefix}/{name}.{ext}" for name in rendition_names for ext in EXTENSIONS]


def delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("could not delete media file %s", name)


@dataclass
class _Prepared:
    item: MediaItem
    encoded: list[images.Encoded]


def _prepare(*, owner: Account, upload: Upload, alt_text: str) -> _Prepared:
    alt = clean_alt_text(alt_text)
    upload.seek(0)
    opened = images.open_checked(upload, size=upload.size)  # type: ignore[arg-type]
    pixels = images.clean(opened)
    encoded = images.photo_renditions(pixels)
    item = MediaItem(
        key=secrets.token_urlsafe(18),
        owner=owner,
        alt_text=alt,
        width=encoded[0].width,
        height=encoded[0].height,
        renditions={r.name: [r.width, r.height] for r in encoded},
        placeholder=images.placeholder(pixels),
    )
    return _Prepared(item, encoded)


def store_photos(
    *, owner: Account, uploads: list[Upload], alt_texts: list[str] | None = None
) -> list[MediaItem]:
    """Check, clean and store photos as unattached MediaItems of `owner`, all or none.

    Every upload is decoded and cleaned before the first file is written. Raises Invalid with a sentence
    (naming which photo when there are several); then no row and no file exist.
    """
    check_upload_count(len(uploads))
    alts = list(alt_texts or [])
    alts += [""] * (len(uploads) - len(alts))
    prepared: list[_Prepared] = []
    for number, (upload, alt) in enumerate(zip(uploads, alts, strict=True), start=1):
        try:
            prepared.append(_prepare(owner=owner, upload=upload, alt_text=alt))
        except Invalid as exc:
            if len(uploads) == 1:
                raise
            raise Invalid(f"Photo {number}: {exc.message}", field=exc.field) from None
    written: list[str] = []
    try:
        for p in prepared:
            written += _write(p.item.prefix, p.encoded)
        with transaction.atomic():
            MediaItem.objects.bulk_create([p.item for p in prepared])
    except Exception:
        delete_files(written)
        raise
    return [p.item for p in prepared]


def store_photo(*, owner: Account, upload: Upload, alt_text: str = "") -> MediaItem:
    """One photo; see store_photos."""
    return store_photos(owner=owner, uploads=[upload], alt_texts=[alt_text])[0]


@transaction.atomic
def update_alt_text(*, actor: Account, item: MediaItem, alt_text: str) -> MediaItem:
    if item.owner_id != actor.pk:
        raise NotFound()
    item.alt_text = clean_alt_text(alt_text)
    item.save(update_fields=["alt_text"])
    return item


def delete_items_files(items: list[MediaItem]) -> None:
    """After the transaction that removed `items` commits, remove their files from storage."""
    names = [n for item in items for n in _file_names(item.prefix, list(item.renditions))]
    if names:
        enqueue_after_commit("openhouse.media.tasks.delete_files", names=names)


AVATAR_RENDITIONS = ["s320", "s150"]


def replace_avatar(
    *, actor: Account, account: Account, upload: Upload | None, remove: bool = False
) -> Account:
    """Set (or remove) the square avatar. The old files leave storage once the change commits."""
    if actor.pk != account.pk:
        raise NotAllowed("You can only change your own photo.")
    new_key = ""
    written: list[str] = []
    if upload is not None:
        upload.seek(0)
        opened = images.open_checked(upload, size=upload.size)  # type: ignore[arg-type]
        pixels = images.clean(opened, target=320)
        new_key = secrets.token_urlsafe(18)
        written = _write(storage_prefix("a", new_key), images.avatar_renditions(pixels))
    elif not remove:
        return account
    old_key = account.avatar_key
    try:
        with transaction.atomic():
            account.avatar_key = new_key
            account.save(update_fields=["avatar_key"])
            if old_key:
                enqueue_after_commit(
                    "openhouse.media.tasks.delete_files",
                    names=_file_names(storage_prefix("a", old_key), AVATAR_RENDITIONS),
                )
    except Exception:
        delete_files(written)
        raise
    return account


def avatar_url(account: Account, size: int = 150, ext: str = "webp") -> str:
    if not account.avatar_key:
        return ""
    return default_storage.url(f"{storage_prefix('a', account.avatar_key)}/s{size}.{ext}")


def rendition_url(item: MediaItem, name: str, ext: str = "webp") -> str:
    return default_storage.url(f"{item.prefix}/{name}.{ext}")


def discard_unattached(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Remove uploads that never made it into a post (abandoned compose flows). Returns how many.

    An organisation's unattached photos belong to drafts that may wait in review for weeks;
    openhouse.publishing removes them when their draft is deleted.
    """
    cutoff = timezone.now() - older_than
    stale = list(
        MediaItem.objects.filter(post__isnull=True, created_at__lt=cutoff, owner__is_organisation=False)[:500]
    )
    if not stale:
        return 0
    with transaction.atomic():
        MediaItem.objects.filter(pk__in=[m.pk for m in stale], post__isnull=True).delete()
        delete_items_files(stale)
    return len(stale)


def check_upload_count(count: int) -> None:
    if count < 1:
        raise Invalid("Choose at least one photo.")
    if count > 10:
        raise Invalid(f"A post holds up to 10 photos; you chose {count}.")
