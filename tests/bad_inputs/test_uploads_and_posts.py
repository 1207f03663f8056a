"""Bad input through the web UI: a clear sentence for the person, and nothing stored (no rows, no files)."""

import io
import struct
import zlib

import pytest
from django.urls import reverse
from PIL import Image

from openhouse.media.models import MediaItem
from openhouse.posts.models import Post
from tests.conftest import jpeg_bytes, stored_files, text, upload

pytestmark = pytest.mark.django_db


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _animated_gif() -> bytes:
    frames = [Image.new("P", (40, 40), i) for i in (1, 2, 3)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buf.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'

BAD_FILES = {
    "text renamed .jpg": (
        b"Dear diary, this is not a photo." * 10,
        "photo.jpg",
        "This file isn't a photo openhouse can read",
    ),
    "truncated JPEG": (jpeg_bytes((1200, 900))[:4000], "cut.jpg", "cut off or damaged"),
    "PNG declaring 60,000 x 60,000": (
        _png_claiming(60_000, 60_000),
        "bomb.png",
        "60,000 pixels wide; the limit is 10,000",
    ),
    "zero-byte file": (b"", "empty.jpg", "This file is empty"),
    "SVG with script": (SVG, "logo.svg", "This file isn't a photo openhouse can read"),
    "animated GIF": (_animated_gif(), "funny.gif", "GIFs aren't supported"),
    "PNG of too many megapixels": (
        _png_claiming(9_000, 9_000),
        "big.png",
        "81.0 megapixels; the limit is 50",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_photo_gets_a_sentence_and_nothing_is_stored(case, client, member_of_public, media_root):
    data, name, message = BAD_FILES[case]
    client.force_login(member_of_public)
    response = client.post(reverse("new-post"), {"photos": [upload(data, name)]})
    assert response.status_code == 400
    assert message in text(response)
    assert MediaItem.objects.count() == 0
    assert stored_files(media_root) == []


def test_31_megabyte_file_is_refused_without_being_decoded(client, member_of_public, media_root):
    client.force_login(member_of_public)
    big = jpeg_bytes((64, 64)) + b"\x00" * (31 * 1024 * 1024)
    response = client.post(reverse("new-post"), {"photos": [upload(big, "huge.jpg")]})
    assert response.status_code == 400
    assert "This file is 31.0 MB; the limit is 30.0 MB." in text(response)
    assert MediaItem.objects.count() == 0 and stored_files(media_root) == []


def test_request_bigger_than_a_full_carousel_is_refused_before_reading(client, member_of_public, settings):
    client.force_login(member_of_public)
    response = client.generic(
        "POST",
        reverse("new-post"),
        b"x",
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.REQUEST_MAX_BYTES + 1),
    )
    assert response.status_code == 413
    assert "too large" in text(response)


def test_eleven_photos_in_one_post_are_refused(client, member_of_public, media_root):
    client.force_login(member_of_public)
    photos = [upload(jpeg_bytes((50, 50), (i * 20, 0, 0)), f"{i}.jpg") for i in range(11)]
    response = client.post(reverse("new-post"), {"photos": photos})
    assert response.status_code == 400
    assert "A post holds up to 10 photos; you chose 11." in text(response)
    assert MediaItem.objects.count() == 0 and stored_files(media_root) == []


def _uploaded(client, account, count=1) -> list[int]:
    client.force_login(account)
    photos = [upload(jpeg_bytes((300, 200), (i * 40, 90, 90)), f"{i}.jpg") for i in range(count)]
    response = client.post(reverse("new-post"), {"photos": photos})
    assert response.status_code == 302
    return [int(x) for x in response["Location"].split("m=")[1].split(",")]


def _compose(client, ids, caption, alts=None):
    data = {"caption": caption}
    for n, pk in enumerate(ids):
        data[f"alt_{pk}"] = (alts or [""] * len(ids))[n]
        data[f"order_{pk}"] = n + 1
    return client.post(reverse("compose") + "?m=" + ",".join(map(str, ids)), data)


def test_caption_of_2201_characters_is_refused_and_no_post_exists(client, member_of_public):
    ids = _uploaded(client, member_of_public)
    response = _compose(client, ids, "a" * 2201)
    assert response.status_code == 400
    assert "The caption is at most 2,200 characters; this is 2,201." in text(response)
    assert Post.objects.count() == 0
    assert MediaItem.objects.get(pk=ids[0]).post_id is None  # the photo waits, unattached, for a retry


def test_caption_of_exactly_2200_characters_is_accepted(client, member_of_public):
    ids = _uploaded(client, member_of_public)
    assert _compose(client, ids, "a" * 2200).status_code == 302
    assert Post.objects.count() == 1


def test_31_hashtags_and_21_mentions_are_refused(client, member_of_public):
    ids = _uploaded(client, member_of_public)
    tags = " ".join(f"#tag{i}" for i in range(31))
    assert "up to 30 hashtags; this one has 31" in text(_compose(client, ids, tags))
    mentions = " ".join(f"@person{i}" for i in range(21))
    assert "mention up to 20 accounts; this one mentions 21" in text(_compose(client, ids, mentions))
    assert Post.objects.count() == 0


def test_caption_with_a_direction_override_is_refused(client, member_of_public):
    ids = _uploaded(client, member_of_public)
    response = _compose(client, ids, "harmless \u202egnp.exe")
    assert "invisible or direction-changing characters (U+202E)" in text(response)
    assert Post.objects.count() == 0


def test_someone_elses_upload_is_not_found_like_an_unknown_one(client, member_of_public, outsider):
    ids = _uploaded(client, outsider)
    client.force_login(member_of_public)
    foreign = client.get(reverse("compose") + f"?m={ids[0]}")
    unknown = client.get(reverse("compose") + "?m=123456789")
    assert foreign.status_code == unknown.status_code == 404
    assert text(foreign).count("aren't available") == text(unknown).count("aren't available") == 1
    response = _compose(client, ids, "mine now")
    assert response.status_code == 404
    assert Post.objects.count() == 0


def test_caption_regex_is_linear_on_adversarial_input(member_of_public):
    from openhouse.posts.captions import segments

    hostile = ("#" + "a" * 99 + "@") * 1000 + "@" * 50_000  # ~150 kB of near-tokens
    parts = segments(hostile)
    assert "".join(p.text for p in parts) == hostile
