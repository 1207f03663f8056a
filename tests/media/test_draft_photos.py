"""Draft photos keep their upload privately for the report and for blurring faces until publication."""

import io

import numpy as np
import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.test import TestCase
from PIL import Image

from openhouse.core.errors import Invalid, NotFound
from openhouse.media import services
from openhouse.media.models import BLUR_REGIONS_MAX, MediaItem, Original
from tests.conftest import stored_files, upload
from tests.media.camera import CANARIES, camera_jpeg, oriented_jpeg

pytestmark = pytest.mark.django_db


def astronaut_jpeg() -> bytes:
    skimage_data = pytest.importorskip("skimage.data")
    buf = io.BytesIO()
    Image.fromarray(skimage_data.astronaut()).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def renditions(root, item) -> dict[str, np.ndarray]:
    """Every stored file of the item, decoded, by file name (w1080.webp, sq400.jpg, ...)."""
    folder = root / item.prefix
    return {p.name: np.asarray(Image.open(p).convert("RGB"), dtype=np.float64) for p in folder.iterdir()}


def test_draft_photos_keep_the_upload_privately_with_its_report(officer, media_root, originals_root):
    original = camera_jpeg((800, 600))
    with TestCase.captureOnCommitCallbacks(execute=True):  # the report's task runs once the upload commits
        [item] = services.store_draft_photos(owner=officer, uploads=[upload(original)], alt_texts=["Lobby"])

    assert item.alt_text == "Lobby" and len(stored_files(media_root)) == 6
    [kept] = stored_files(originals_root)
    assert kept.read_bytes() == original
    assert not kept.is_relative_to(media_root)
    report = services.report_for(item)
    assert report["camera"]["serial"] == "SERIAL-CANARY-4815162342"
    assert report["blur_regions"] == []
    assert Original.objects.get(item=item).width == 800


def test_ordinary_photos_keep_no_original(member_of_public, originals_root):
    item = services.store_photo(owner=member_of_public, upload=upload(camera_jpeg((300, 200))))
    assert stored_files(originals_root) == []
    with pytest.raises(NotFound):
        services.report_for(item)


def test_a_truncated_upload_is_refused_and_nothing_is_kept(officer, media_root, originals_root):
    good = upload(camera_jpeg((300, 300)))
    data = camera_jpeg((800, 600))
    cut = upload(data[: len(data) * 2 // 3])
    with pytest.raises(Invalid, match="Photo 2: This photo is cut off or damaged"):
        services.store_draft_photos(owner=officer, uploads=[good, cut])
    assert not MediaItem.objects.exists() and not Original.objects.exists()
    assert stored_files(media_root) == [] and stored_files(originals_root) == []


def test_draft_uploads_have_the_same_limits(officer, settings, originals_root):
    settings.MEDIA_MAX_BYTES = 1000
    with pytest.raises(Invalid, match="the limit is"):
        services.store_draft_photos(owner=officer, uploads=[upload(camera_jpeg((300, 300)))])
    with pytest.raises(Invalid, match="up to 10 photos"):
        services.store_draft_photos(owner=officer, uploads=[upload(b"x")] * 11)
    assert stored_files(originals_root) == []


def test_originals_are_never_reachable_through_a_media_url(client, officer, media_root, originals_root):
    original = camera_jpeg((800, 600))
    [item] = services.store_draft_photos(owner=officer, uploads=[upload(original)])
    [kept] = stored_files(originals_root)
    name = kept.relative_to(originals_root).as_posix()

    # Not in the served storage, under any name; no served file carries the upload's metadata.
    for path in stored_files(media_root):
        data = path.read_bytes()
        assert data != original and CANARIES["serial"] not in data
    assert item.key not in name
    # The private storage has no URL at all, and no media URL shape reaches it.
    with pytest.raises(ValueError, match="not accessible via a URL"):
        services.originals_storage().url(name)
    shard, key = name.split("/")
    for url in (
        f"/media/{name}",
        f"/media/originals/{name}",
        f"/media/o/{shard}/{key}/original.jpg",
        f"/media/m/{shard}/{key}/w1080.jpg",
        f"/media/m/{item.key[:2]}/{item.key}/../../../originals/{name}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
    assert client.get(services.rendition_url(item, "w1080", "jpg")).status_code == 200
    with pytest.raises(SuspiciousFileOperation):
        services.originals_storage().open(f"../media/{item.prefix}/w1080.jpg")


def test_the_astronauts_face_is_blurred_in_every_rendition_and_the_rest_is_not(
    officer, media_root, originals_root, django_capture_on_commit_callbacks
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        [item] = services.store_draft_photos(owner=officer, uploads=[upload(astronaut_jpeg())])
    [face] = services.report_for(item)["faces"]
    assert face["kind"] == "frontal"
    before = renditions(media_root, item)
    old_prefix = item.prefix

    with django_capture_on_commit_callbacks(execute=True):
        services.set_blur(actor=officer, item=item, regions=[face])

    after = renditions(media_root, item)
    assert sorted(after) == sorted(before) and len(after) == 6
    assert not (media_root / old_prefix).exists() or not any((media_root / old_prefix).iterdir())
    for name, image in after.items():
        scale = image.shape[1] / 512  # the astronaut is square: every rendition is a plain scaling
        x0, y0 = round(face["x"] * scale), round(face["y"] * scale)
        x1, y1 = round((face["x"] + face["w"]) * scale), round((face["y"] + face["h"]) * scale)
        diff = np.abs(image - before[name]).mean(axis=2)
        inside = diff[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2].mean()
        margin = max(4, round(8 * scale))
        outside = np.ones(diff.shape, dtype=bool)
        outside[max(0, y0 - margin) : y1 + margin, max(0, x0 - margin) : x1 + margin] = False
        assert inside > 15, (name, inside)
        # JPEG renditions are identical away from the face; lossy WebP spreads a little encoder noise.
        assert diff[outside].mean() < (0.1 if name.endswith(".jpg") else 2.5), (name, diff[outside].mean())
        # Blurred, not just shifted: the face keeps almost none of its fine detail.
        detail_before = np.abs(np.diff(before[name][y0:y1, x0:x1], axis=1)).mean()
        detail_after = np.abs(np.diff(image[y0:y1, x0:x1], axis=1)).mean()
        assert detail_after < detail_before / 4, (name, detail_before, detail_after)
    assert services.report_for(item)["blur_regions"] == [{k: face[k] for k in ("x", "y", "w", "h")}]

    # Clearing the blur remakes the photo as uploaded.
    with django_capture_on_commit_callbacks(execute=True):
        services.set_blur(actor=officer, item=item, regions=[])
    for name, image in renditions(media_root, item).items():
        assert np.abs(image - before[name]).mean() < 0.5, name
    assert len(stored_files(media_root)) == 6


def test_blur_regions_are_upright_pixels_of_the_full_photo(officer, media_root):
    # Stored 600 x 400 landscape, shown 400 x 600 portrait; blur the top 300 rows as shown (the red half).
    [item] = services.store_draft_photos(owner=officer, uploads=[upload(oriented_jpeg((600, 400)))])
    services.set_blur(actor=officer, item=item, regions=[{"x": 0, "y": 0, "w": 400, "h": 300}])
    shown = Image.open(media_root / item.prefix / "w640.jpg").convert("RGB")
    assert shown.size == (400, 600)
    assert shown.getpixel((200, 500)) == pytest.approx((255, 255, 255), abs=20)


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        (
            [{"x": 700, "y": 0, "w": 200, "h": 100}],
            "Blurred area 1 reaches outside the photo (800 by 600 pixels).",
        ),
        ([{"x": 0, "y": 0, "w": 10, "h": 10}, {"x": -1, "y": 0, "w": 10, "h": 10}], "Blurred area 2 reaches"),
        ([{"x": 0, "y": 0, "w": 0, "h": 10}], "Blurred area 1 is empty."),
        ([{"x": 0, "y": 0, "w": 10}], "needs whole-number x, y, w and h"),
        ([{"x": "0", "y": 0, "w": 10, "h": 10}], "needs whole-number"),
        ([{"x": 1.5, "y": 0, "w": 10, "h": 10}], "needs whole-number"),
        ([{"x": True, "y": 0, "w": 10, "h": 10}], "needs whole-number"),
        ([[0, 0, 10, 10]], "needs whole-number"),
        ({"x": 0}, "must be a list"),
        (
            [{"x": 0, "y": 0, "w": 1, "h": 1}] * (BLUR_REGIONS_MAX + 1),
            f"up to {BLUR_REGIONS_MAX} blurred areas",
        ),
    ],
)
def test_bad_blur_regions_are_refused_and_nothing_changes(officer, media_root, regions, message):
    [item] = services.store_draft_photos(owner=officer, uploads=[upload(camera_jpeg((800, 600)))])
    files = {p: p.read_bytes() for p in stored_files(media_root)}
    with pytest.raises(Invalid, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.set_blur(actor=officer, item=item, regions=regions)
    item.refresh_from_db()
    assert {p: p.read_bytes() for p in stored_files(media_root)} == files
    assert MediaItem.objects.get().key == item.key
    assert Original.objects.get().blur_regions == []


def test_the_most_regions_allowed_are_accepted(officer):
    [item] = services.store_draft_photos(owner=officer, uploads=[upload(camera_jpeg((800, 600)))])
    regions = [{"x": 30 * i, "y": 0, "w": 20, "h": 20, "kind": "frontal"} for i in range(BLUR_REGIONS_MAX)]
    services.set_blur(actor=officer, item=item, regions=regions)
    assert len(services.report_for(item)["blur_regions"]) == BLUR_REGIONS_MAX


def test_an_organisations_team_may_blur_its_photos_and_no_one_else(
    organisation, officer, reviewer, member_of_public, outsider
):
    [item] = services.store_draft_photos(owner=organisation, uploads=[upload(camera_jpeg((400, 300)))])
    box = [{"x": 10, "y": 10, "w": 50, "h": 50}]
    for stranger in (outsider, member_of_public):
        with pytest.raises(NotFound):
            services.set_blur(actor=stranger, item=item, regions=box)
    assert Original.objects.get().blur_regions == []
    services.set_blur(actor=reviewer, item=item, regions=box)
    services.set_blur(actor=officer, item=item, regions=[])


def test_someone_elses_draft_photo_is_not_found(officer, outsider):
    [item] = services.store_draft_photos(owner=officer, uploads=[upload(camera_jpeg((400, 300)))])
    with pytest.raises(NotFound):
        services.set_blur(actor=outsider, item=item, regions=[])


def test_a_missing_original_is_refused_and_nothing_changes(officer, media_root, originals_root):
    [item] = services.store_draft_photos(owner=officer, uploads=[upload(camera_jpeg((400, 300)))])
    files = stored_files(media_root)
    for path in stored_files(originals_root):
        path.unlink()
    with pytest.raises(Invalid, match="original can't be read"):
        services.set_blur(actor=officer, item=item, regions=[{"x": 0, "y": 0, "w": 9, "h": 9}])
    assert stored_files(media_root) == files
    assert MediaItem.objects.get().key == item.key


def test_discarding_the_original_removes_file_and_report_and_is_idempotent(
    officer, originals_root, django_capture_on_commit_callbacks
):
    [item, other] = services.store_draft_photos(
        owner=officer, uploads=[upload(camera_jpeg((400, 300))), upload(camera_jpeg((300, 300)))]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.discard_original(item=item)
    assert len(stored_files(originals_root)) == 1
    assert list(Original.objects.values_list("item_id", flat=True)) == [other.pk]
    with pytest.raises(NotFound):
        services.report_for(item)
    with pytest.raises(Invalid, match="original isn't kept any more"):
        services.set_blur(actor=officer, item=item, regions=[])
    with django_capture_on_commit_callbacks(execute=True):
        services.discard_original(item=item)
    assert len(stored_files(originals_root)) == 1


def test_deleting_a_draft_photo_removes_its_original(
    officer, media_root, originals_root, django_capture_on_commit_callbacks
):
    from django.db import transaction

    [item] = services.store_draft_photos(owner=officer, uploads=[upload(camera_jpeg((400, 300)))])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        MediaItem.objects.filter(pk=item.pk).delete()  # as deleting its post or draft does
        services.delete_items_files([item])
    assert stored_files(originals_root) == [] and stored_files(media_root) == []
    assert not Original.objects.exists()


def test_draft_photos_are_not_discarded_as_abandoned_uploads(officer, originals_root):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() - timezone.timedelta(days=3)):
        services.store_draft_photos(owner=officer, uploads=[upload(camera_jpeg((300, 300)))])
    assert services.discard_unattached() == 0
    assert MediaItem.objects.count() == 1 and len(stored_files(originals_root)) == 1


class BrokenDiskStorage(FileSystemStorage):
    """A disk that fills up: saving any file whose name ends with `sq400.jpg` or has no dot fails."""

    def _save(self, name, content):
        if name.endswith("sq400.jpg") or "." not in name.rsplit("/", 1)[-1]:
            raise OSError("No space left on device")
        return super()._save(name, content)


def _break(settings, alias: str) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        alias: {**settings.STORAGES[alias], "BACKEND": f"{__name__}.BrokenDiskStorage"},
    }


def test_a_failure_keeping_the_original_stores_nothing(officer, settings, media_root, originals_root):
    _break(settings, "originals")
    with pytest.raises(OSError, match="No space"):
        services.store_draft_photos(
            owner=officer, uploads=[upload(camera_jpeg((300, 300))), upload(camera_jpeg((400, 300)))]
        )
    assert not MediaItem.objects.exists() and not Original.objects.exists()
    assert stored_files(media_root) == [] and stored_files(originals_root) == []


def test_a_failure_writing_blurred_renditions_leaves_the_photo_as_it_was(officer, settings, media_root):
    [item] = services.store_draft_photos(owner=officer, uploads=[upload(camera_jpeg((400, 300)))])
    files = {p: p.read_bytes() for p in stored_files(media_root)}
    _break(settings, "default")
    with pytest.raises(OSError, match="No space"):
        services.set_blur(actor=officer, item=item, regions=[{"x": 0, "y": 0, "w": 50, "h": 50}])
    assert {p: p.read_bytes() for p in stored_files(media_root)} == files
    assert MediaItem.objects.get().key == item.key
    assert Original.objects.get().blur_regions == []


def test_blurring_a_stale_copy_of_a_photo_is_refused_and_leaves_no_files(officer, media_root):
    # Two reviewers blur at once: the second one's copy of the photo predates the first one's change.
    [item] = services.store_draft_photos(owner=officer, uploads=[upload(camera_jpeg((400, 300)))])
    stale = MediaItem.objects.get(pk=item.pk)
    services.set_blur(actor=officer, item=item, regions=[{"x": 0, "y": 0, "w": 50, "h": 50}])
    files = stored_files(media_root)
    with pytest.raises(Invalid, match="changed while it was being blurred"):
        services.set_blur(actor=officer, item=stale, regions=[])
    assert stored_files(media_root) == files
    assert Original.objects.get().blur_regions == [{"x": 0, "y": 0, "w": 50, "h": 50}]


def test_a_deactivated_team_member_may_not_blur(organisation, reviewer):
    from openhouse.media.access import may_edit_photo

    [item] = services.store_draft_photos(owner=organisation, uploads=[upload(camera_jpeg((300, 200)))])
    assert may_edit_photo(actor=reviewer, item=item)
    reviewer.is_active = False
    reviewer.save()
    assert not may_edit_photo(actor=reviewer, item=item)
    with pytest.raises(NotFound):
        services.set_blur(actor=reviewer, item=item, regions=[])
