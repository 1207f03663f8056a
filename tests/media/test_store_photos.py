"""Photos are cleaned on the way in: what left the camera never reaches a stored (and so served) byte."""

import io

import pytest
from PIL import Image

from openhouse.media import services
from openhouse.media.models import MediaItem
from tests.conftest import stored_files, upload
from tests.media.camera import CANARIES, camera_jpeg, camera_png, oriented_jpeg

pytestmark = pytest.mark.django_db


def _assert_clean(path) -> None:
    data = path.read_bytes()
    for name, canary in CANARIES.items():
        assert canary not in data, f"{name} canary survived in {path.name}"
    # Long markers only: a short one (say b"GPS") turns up by chance in compressed pixels.
    for marker in (b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/", b"<x:xmpmeta"):
        assert marker not in data, f"{marker!r} found in {path.name}"
    image = Image.open(path)
    assert not image.getexif(), path.name
    assert not {"exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp"} & set(image.info), (
        path.name,
        image.info.keys(),
    )
    if path.suffix == ".jpg":
        assert data.count(b"\xff\xd8\xff") == 1, f"an embedded JPEG (thumbnail) is inside {path.name}"


def test_renditions_of_a_camera_photo_carry_no_gps_serial_xmp_or_thumbnail(member_of_public, media_root):
    original = camera_jpeg()
    # The upload really carries what we claim, so this test could fail.
    exif = Image.open(io.BytesIO(original)).getexif()
    assert exif.get_ifd(0x8825)[2] == (51.0, 29.0, 14.6)
    assert original.count(b"\xff\xd8\xff") == 2

    item = services.store_photo(owner=member_of_public, upload=upload(original), alt_text="A test photo")

    files = stored_files(media_root)
    assert len(files) == 6  # w1080, w640, sq400 in WebP and JPEG
    for path in files:
        _assert_clean(path)
        assert path.read_bytes() != original
    assert item.width == 1080 and item.height == 810


def test_png_text_chunks_and_exif_are_removed(member_of_public, media_root):
    services.store_photo(owner=member_of_public, upload=upload(camera_png(), "p.png", "image/png"))
    for path in stored_files(media_root):
        _assert_clean(path)


def test_orientation_is_applied_before_metadata_is_dropped(member_of_public, media_root):
    item = services.store_photo(owner=member_of_public, upload=upload(oriented_jpeg()))
    assert (item.width, item.height) == (400, 600)  # displayed upright: portrait
    shown = Image.open(media_root / f"{item.prefix}/w640.jpg".replace("/", "/", 1)).convert("RGB")
    assert shown.size == (400, 600)
    top, bottom = shown.getpixel((200, 20)), shown.getpixel((200, 580))
    assert top[0] > 200 and top[1] < 80  # the red half is now on top
    assert bottom == pytest.approx((255, 255, 255), abs=20)


def test_each_rendition_is_the_size_the_ui_asks_for(member_of_public, media_root):
    item = services.store_photo(owner=member_of_public, upload=upload(camera_jpeg((4000, 3000))))
    assert item.renditions == {"w1080": [1080, 810], "w640": [640, 480], "sq400": [400, 400]}
    for name, (w, h) in item.renditions.items():
        assert Image.open(media_root / f"{item.prefix}/{name}.webp").format == "WEBP"
        jpeg = Image.open(media_root / f"{item.prefix}/{name}.jpg")
        assert (jpeg.format, jpeg.size) == ("JPEG", (w, h))
    assert item.placeholder.startswith("data:image/webp;base64,") and len(item.placeholder) < 600


def test_small_photos_are_not_enlarged(member_of_public):
    item = services.store_photo(owner=member_of_public, upload=upload(camera_jpeg((500, 500))))
    assert item.renditions["w1080"] == [500, 500]


def test_heic_from_a_phone_is_accepted(member_of_public, media_root):
    import pillow_heif

    buf = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (640, 480), (20, 160, 90))).save(buf, format="HEIF", quality=80)
    item = services.store_photo(
        owner=member_of_public, upload=upload(buf.getvalue(), "IMG_0001.HEIC", "image/heic")
    )
    assert Image.open(media_root / f"{item.prefix}/w640.jpg").getpixel((10, 10)) == pytest.approx(
        (20, 160, 90), abs=12
    )


def test_client_file_name_never_becomes_a_path(member_of_public, media_root):
    services.store_photo(owner=member_of_public, upload=upload(camera_jpeg((300, 300)), "../../evil.jpg"))
    assert all("evil" not in str(p) for p in stored_files(media_root))
    assert all(p.resolve().is_relative_to(media_root.resolve()) for p in stored_files(media_root))


def test_one_bad_photo_among_several_stores_nothing(member_of_public, media_root):
    good = upload(camera_jpeg((300, 300)))
    bad = upload(b"not an image at all", "x.jpg")
    with pytest.raises(Exception, match="Photo 2: This file isn't a photo"):
        services.store_photos(owner=member_of_public, uploads=[good, bad])
    assert MediaItem.objects.count() == 0
    assert stored_files(media_root) == []


def test_unattached_uploads_are_discarded_after_a_day(
    member_of_public, media_root, django_capture_on_commit_callbacks
):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() - timezone.timedelta(days=2)):
        old = services.store_photo(owner=member_of_public, upload=upload(camera_jpeg((300, 300))))
    fresh = services.store_photo(owner=member_of_public, upload=upload(camera_jpeg((300, 300))))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.discard_unattached() == 1
    assert list(MediaItem.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not any(old.key in str(p) for p in stored_files(media_root))
    assert len(stored_files(media_root)) == 6
