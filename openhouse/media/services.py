"""Write verbs for media: accept an upload as a cleaned photo or avatar, blur a draft photo, remove files.

Every accepted upload is checked, decoded and rebuilt from pixels before anything is written; on any
failure nothing is stored (no row, no file). Draft photos also keep their uploaded bytes (an Original) in
the private "originals" storage until `discard_original`.
"""

import io
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.db import transaction
from django.utils import timezone

from openhouse.accounts.models import Account
from openhouse.core.deferred import enqueue_after_commit
from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.core.ratelimit import Limit
from openhouse.core.text import clean_text
from openhouse.media import images, report
from openhouse.media.access import may_edit_photo
from openhouse.media.models import ALT_TEXT_MAX, BLUR_REGIONS_MAX, MediaItem, Original, storage_prefix

#: Per-account limit on upload requests (posts, drafts, avatars), whichever adapter they come through.
UPLOADS = Limit("upload-account", limit=60, window=3600)

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
    upload: Upload
    original: Original | None = None


def _prepare(*, owner: Account, upload: Upload, alt_text: str, keep_original: bool = False) -> _Prepared:
    alt = clean_alt_text(alt_text)
    upload.seek(0)
    opened = images.open_checked(upload, size=upload.size)  # type: ignore[arg-type]
    upright = images.upright_size(opened)
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
        held=keep_original,
    )
    prepared = _Prepared(item, encoded, upload)
    if keep_original:
        upload.seek(0)
        token = secrets.token_urlsafe(24)
        prepared.original = Original(
            item=item,
            name=f"{token[:2]}/{token}",
            width=upright[0],
            height=upright[1],
        )
    return prepared


def _store(
    *, owner: Account, uploads: list[Upload], alt_texts: list[str] | None, keep_originals: bool
) -> list[MediaItem]:
    check_upload_count(len(uploads))
    alts = list(alt_texts or [])
    alts += [""] * (len(uploads) - len(alts))
    prepared: list[_Prepared] = []
    for number, (upload, alt) in enumerate(zip(uploads, alts, strict=True), start=1):
        try:
            prepared.append(_prepare(owner=owner, upload=upload, alt_text=alt, keep_original=keep_originals))
        except Invalid as exc:
            if len(uploads) == 1:
                raise
            raise Invalid(f"Photo {number}: {exc.message}", field=exc.field) from None
    written: list[str] = []
    kept: list[str] = []
    try:
        for p in prepared:
            written += _write(p.item.prefix, p.encoded)
            if p.original is not None:
                kept.append(_keep_original(p.original.name, p.upload))
        with transaction.atomic():
            MediaItem.objects.bulk_create([p.item for p in prepared])
            originals = Original.objects.bulk_create([p.original for p in prepared if p.original is not None])
            for original in originals:  # the report's face search is slow: a task
                enqueue_after_commit("openhouse.media.tasks.inspect_original", original_id=original.pk)
    except Exception:
        delete_files(written)
        delete_originals(kept)
        raise
    return [p.item for p in prepared]


def store_photos(
    *, owner: Account, uploads: list[Upload], alt_texts: list[str] | None = None
) -> list[MediaItem]:
    """Check, clean and store photos as unattached MediaItems of `owner`, all or none.

    Every upload is decoded and cleaned before the first file is written. Raises Invalid with a sentence
    (naming which photo when there are several); then no row and no file exist.
    """
    UPLOADS.hit(owner.pk)
    return _store(owner=owner, uploads=uploads, alt_texts=alt_texts, keep_originals=False)


def store_draft_photos(
    *, owner: Account, uploads: list[Upload], alt_texts: list[str] | None = None
) -> list[MediaItem]:
    """As store_photos (same checks, limits and all-or-nothing), and keep each upload's original privately.

    For photos that go through review before publication: each item gets an Original holding the uploaded
    bytes in the "originals" storage (never served); its pre-publication report is computed from them by the
    inspect_original task once this commits (inspected_at marks it done). The caller (the publishing flow) checks that
    `owner` may draft, and calls discard_original for each item once the post is published or the draft
    deleted; these photos are `held`, which discard_unattached leaves alone.
    """
    return _store(owner=owner, uploads=uploads, alt_texts=alt_texts, keep_originals=True)


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
    """After the transaction that removed `items` commits, remove their files from storage.

    Originals of deleted items were orphaned by the deletion (Original.item is set to null); they are
    swept once this commits too.
    """
    names = [n for item in items for n in _file_names(item.prefix, list(item.renditions))]
    if names:
        enqueue_after_commit("openhouse.media.tasks.delete_files", names=names)
    if Original.objects.filter(item__isnull=True).exists():
        enqueue_after_commit("openhouse.media.tasks.discard_orphan_originals")


def replace_avatar(
    *, actor: Account, account: Account, upload: Upload | None, remove: bool = False
) -> Account:
    """Set (or remove) the square avatar. The old files leave storage once the change commits."""
    if actor.pk != account.pk:
        raise NotAllowed("You can only change your own photo.")
    if upload is not None:
        UPLOADS.hit(actor.pk)
        new_key = store_cover(upload=upload)
    elif remove:
        new_key = ""
    else:
        return account
    old_key = account.avatar_key
    try:
        with transaction.atomic():
            account.avatar_key = new_key
            account.save(update_fields=["avatar_key"])
            delete_cover(old_key)
    except Exception:
        if new_key:
            discard_cover(new_key)
        raise
    return account


def avatar_url(account: Account, size: int = 150, ext: str = "webp") -> str:
    return cover_url(account.avatar_key, size, ext)


def rendition_url(item: MediaItem, name: str, ext: str = "webp") -> str:
    return default_storage.url(f"{item.prefix}/{name}.{ext}")


def discard_unattached(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Remove uploads that never made it into a post (abandoned compose flows). Returns how many."""
    cutoff = timezone.now() - older_than
    # Draft photos (held) wait for review as long as it takes, and stay with a withdrawn draft: the
    # publishing flow removes them with the draft.
    stale = list(MediaItem.objects.filter(post__isnull=True, held=False, created_at__lt=cutoff)[:500])
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


COVER_RENDITIONS = ["s320", "s150"]


def store_cover(*, upload: Upload) -> str:
    """Check, clean and store a square image (an avatar, a highlight's cover); returns its storage key.
    Nothing is stored on Invalid. The caller keeps the key on its row and calls delete_cover when the
    row goes or the key changes."""
    upload.seek(0)
    opened = images.open_checked(upload, size=upload.size)  # type: ignore[arg-type]
    pixels = images.clean(opened, target=320)
    key = secrets.token_urlsafe(18)
    _write(storage_prefix("a", key), images.avatar_renditions(pixels))
    return key


def delete_cover(key: str) -> None:
    """After the current transaction commits, remove a cover's files."""
    if key:
        enqueue_after_commit(
            "openhouse.media.tasks.delete_files",
            names=_file_names(storage_prefix("a", key), COVER_RENDITIONS),
        )


def discard_cover(key: str) -> None:
    """Remove a cover's files now: for a cover stored by a change that then failed."""
    delete_files(_file_names(storage_prefix("a", key), COVER_RENDITIONS))


def cover_url(key: str, size: int = 150, ext: str = "webp") -> str:
    return default_storage.url(f"{storage_prefix('a', key)}/s{size}.{ext}") if key else ""


# Draft photos: originals, the pre-publication report and blurring.


def originals_storage() -> Storage:
    """The private storage of uploaded originals: no URL of openhouse (or of a CDN) serves it."""
    return storages["originals"]


def _keep_original(name: str, upload: Upload) -> str:
    upload.seek(0)
    saved = originals_storage().save(name, ContentFile(upload.read()))
    if saved != name:  # never expected with random names; refuse rather than lose track of a file
        delete_originals([saved])
        raise OSError(f"storage renamed {name} to {saved}")
    return saved


def delete_originals(names: list[str]) -> None:
    for name in names:
        try:
            originals_storage().delete(name)
        except OSError:
            log.warning("could not delete original %s", name)


def inspect_original(*, original_id: int) -> bool:
    """Compute the pre-publication report of a kept original, once. False when there was nothing to do:
    already inspected, or discarded meanwhile (published or deleted)."""
    original = Original.objects.filter(pk=original_id, inspected_at__isnull=True).first()
    if original is None:
        return False
    try:
        with originals_storage().open(original.name, "rb") as handle:
            found = report.inspect_original(handle.read())
    except FileNotFoundError:
        return False  # discarded between the query and the read
    updated = Original.objects.filter(pk=original_id, inspected_at__isnull=True).update(
        report=found, inspected_at=timezone.now()
    )
    return bool(updated)


def reports_pending(*, items: Any) -> bool:
    """Whether any of these photos (MediaItems or their ids) still waits for its report."""
    return Original.objects.filter(item__in=items, inspected_at__isnull=True).exists()


def inspect_pending(*, older_than_s: int = 60) -> int:
    """The sweeper: enqueue the report of every original still waiting after `older_than_s` (its task was
    lost: a crash, a restarted queue). Returns how many it enqueued."""
    waiting = list(
        Original.objects.filter(
            inspected_at__isnull=True,
            item__isnull=False,
            created_at__lt=timezone.now() - timedelta(seconds=older_than_s),
        ).values_list("pk", flat=True)[:500]
    )
    for original_id in waiting:
        enqueue_after_commit("openhouse.media.tasks.inspect_original", original_id=original_id)
    return len(waiting)


def report_for(item: MediaItem) -> dict[str, Any]:
    """The pre-publication report of a draft photo (report.inspect_original's keys), plus `blur_regions`.

    The caller has checked that its viewer may see it (access.may_edit_photo, or the publishing flow's
    own rule). Raises NotFound once the original is discarded: published photos have no report.
    """
    found = reports_for([item]).get(item.pk)
    if found is None:
        raise NotFound("This photo's pre-publication report isn't kept any more.")
    return found


def reports_for(items: list[MediaItem]) -> dict[int, dict[str, Any]]:
    """report_for of each photo that still keeps its original, by photo id, in one query; `ready` says
    whether its report has been computed yet."""
    return {
        o.item_id: {**o.report, "blur_regions": list(o.blur_regions), "ready": o.inspected_at is not None}
        for o in Original.objects.filter(item__in=items)
        if o.item_id is not None
    }


def _check_regions(regions: object, original: Original) -> list[images.Box]:
    """Blur regions as Boxes inside the upright photo; Invalid with a sentence otherwise."""
    if not isinstance(regions, list):
        raise Invalid("Blur regions must be a list.", field="regions")
    if len(regions) > BLUR_REGIONS_MAX:
        raise Invalid(
            f"A photo can have up to {BLUR_REGIONS_MAX} blurred areas; you chose {len(regions)}.",
            field="regions",
        )
    boxes = []
    for number, region in enumerate(regions, start=1):
        values = [region.get(k) if isinstance(region, dict) else None for k in ("x", "y", "w", "h")]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise Invalid(f"Blurred area {number} needs whole-number x, y, w and h.", field="regions")
        box = images.Box(*values)  # type: ignore[arg-type]
        if box.w < 1 or box.h < 1:
            raise Invalid(f"Blurred area {number} is empty.", field="regions")
        if box.x < 0 or box.y < 0 or box.x + box.w > original.width or box.y + box.h > original.height:
            raise Invalid(
                f"Blurred area {number} reaches outside the photo "
                f"({original.width:,} by {original.height:,} pixels).",
                field="regions",
            )
        boxes.append(box)
    return boxes


def set_blur(*, actor: Account, item: MediaItem, regions: list[dict[str, Any]]) -> MediaItem:
    """Remake every rendition of a draft photo from its original with `regions` blurred; [] removes blur.

    `regions` are {x, y, w, h} in the upright pixels of the uploaded photo (the report's face boxes can be
    passed as they are; other keys are ignored), at most BLUR_REGIONS_MAX. The new renditions get a new
    key, so no cache keeps serving the unblurred ones; the old files leave storage once this commits.
    Raises NotFound unless access.may_edit_photo, Invalid for bad regions or a photo without a kept
    original; on any failure the item, its files and its original are as they were.
    """
    if not may_edit_photo(actor=actor, item=item):
        raise NotFound()
    original = Original.objects.filter(item=item).first()
    if original is None:
        raise Invalid("This photo's original isn't kept any more, so its blurring can't change.")
    boxes = _check_regions(regions, original)
    try:
        with originals_storage().open(original.name, "rb") as fp:
            data = fp.read()
    except OSError:
        log.exception("original %s of photo %s is unreadable", original.name, item.pk)
        raise Invalid("This photo's original can't be read; upload the photo again.") from None
    pixels = images.clean(images.open_checked(io.BytesIO(data), size=len(data)), blur_regions=boxes)
    encoded = images.photo_renditions(pixels)
    old_key, old_prefix, old_names = item.key, item.prefix, list(item.renditions)
    new_key = secrets.token_urlsafe(18)
    written = _write(storage_prefix("m", new_key), encoded)
    try:
        with transaction.atomic():
            locked = MediaItem.objects.select_for_update().filter(pk=item.pk).first()
            if locked is None:
                raise NotFound()
            if locked.key != old_key:
                raise Invalid("This photo changed while it was being blurred. Try again.")
            locked.key = new_key
            locked.width, locked.height = encoded[0].width, encoded[0].height
            locked.renditions = {r.name: [r.width, r.height] for r in encoded}
            locked.placeholder = images.placeholder(pixels)
            locked.save(update_fields=["key", "width", "height", "renditions", "placeholder"])
            original.blur_regions = [{"x": b.x, "y": b.y, "w": b.w, "h": b.h} for b in boxes]
            original.save(update_fields=["blur_regions"])
            enqueue_after_commit(
                "openhouse.media.tasks.delete_files", names=_file_names(old_prefix, old_names)
            )
    except Exception:
        delete_files(written)
        raise
    for field in ("key", "width", "height", "renditions", "placeholder"):
        setattr(item, field, getattr(locked, field))
    return item


@transaction.atomic
def discard_original(*, item: MediaItem) -> None:
    """Forget a photo's uploaded original and report; the file leaves storage once this commits.

    Called by the publishing flow when the post is published or the draft deleted (it has checked the
    actor). Idempotent: a photo without an original is left as it is.
    """
    names = list(Original.objects.filter(item=item).values_list("name", flat=True))
    if names:
        Original.objects.filter(item=item).delete()
        enqueue_after_commit("openhouse.media.tasks.delete_originals", names=names)


def discard_orphan_originals() -> int:
    """Remove originals whose photo was deleted (see Original), rows now and files after commit."""
    with transaction.atomic():
        orphans = list(Original.objects.filter(item__isnull=True).values_list("pk", "name")[:500])
        if orphans:
            Original.objects.filter(pk__in=[pk for pk, _ in orphans]).delete()
            enqueue_after_commit("openhouse.media.tasks.delete_originals", names=[n for _, n in orphans])
    return len(orphans)
