"""The pre-publication report reads what a photo gives away from the bytes as uploaded, and never fails."""

import io
import json

import pytest
from PIL import Image

from openhouse.media.report import FIELDS_MAX, TEXT_MAX, inspect_original
from tests.conftest import jpeg_bytes, png_bytes
from tests.media.camera import (
    broken_exif_jpeg,
    camera_jpeg,
    camera_png,
    oriented_jpeg,
    with_iptc,
)


def test_report_finds_position_camera_serial_software_times_xmp_iptc_thumbnail_and_comment():
    report = inspect_original(with_iptc(camera_jpeg((800, 600))))

    assert report["gps"] == {"lat": pytest.approx(51.487389), "lon": pytest.approx(-0.124889)}
    assert report["camera"] == {
        "make": "CanaryCamMaker",
        "model": "CanaryModel-X1",
        "serial": "SERIAL-CANARY-4815162342",
    }
    assert report["software"] == "CanaryFirmware-9.9"
    assert report["timestamps"] == {"taken": "2019:07:04 13:37:00", "modified": "2019:07:04 13:37:00"}
    assert report["xmp"] == {"dc:creator": "XMP-CANARY-CREATOR", "exif:GPSLatitude": "51,29.243N"}
    assert report["iptc"] == {
        "creator": "IPTC-CANARY-BYLINE",
        "city": "IPTC-CANARY-CITY",
        "caption": "IPTC-CANARY-CAPTION",
    }
    assert report["thumbnails"] == 1
    assert report["comment"] == "COMMENT-CANARY"
    assert (report["format"], report["width"], report["height"]) == ("JPEG", 800, 600)
    assert report["faces"] == []
    said = " ".join(report["warnings"])
    assert "This photo records where it was taken (51.4874, -0.1249)." in report["warnings"]
    for fact in ("SERIAL-CANARY-4815162342", "CanaryCamMaker CanaryModel-X1", "CanaryFirmware-9.9"):
        assert fact in said
    assert "embedded preview" in said and "IPTC" in said and "XMP" in said
    assert json.loads(json.dumps(report)) == report  # stored as JSON as it is


def test_png_text_chunks_xmp_and_exif_are_reported():
    report = inspect_original(camera_png())
    assert report["format"] == "PNG"
    assert report["camera"]["serial"] == "SERIAL-CANARY-4815162342"
    assert report["gps"] is not None
    assert report["xmp"]["dc:creator"] == "XMP-CANARY-CREATOR"
    assert report["comment"] == "Comment: PNG-TEXT-CANARY"
    assert report["thumbnails"] == 0  # an IFD1 with no bytes is no thumbnail


def test_webp_and_heic_metadata_are_read():
    import pillow_heif

    exif = Image.Exif()
    exif[0x010F] = "WebpMaker"
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), (9, 9, 9)).save(buf, "WEBP", exif=exif, xmp=b"<x:xmpmeta/>")
    report = inspect_original(buf.getvalue())
    assert (report["format"], report["camera"], report["width"]) == ("WEBP", {"make": "WebpMaker"}, 320)

    exif[0x0110] = "Phone-Model-7"
    heic = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (320, 200), (9, 9, 9))).save(
        heic, format="HEIF", exif=exif.tobytes()
    )
    report = inspect_original(heic.getvalue())
    assert report["format"] == "HEIF"
    assert report["camera"] == {"make": "WebpMaker", "model": "Phone-Model-7"}


def test_a_clean_photo_gives_no_warning():
    report = inspect_original(jpeg_bytes((300, 200)))
    assert report["warnings"] == [] and report["gps"] is None and report["camera"] == {}
    assert inspect_original(png_bytes())["warnings"] == []


def test_width_and_height_are_upright():
    report = inspect_original(oriented_jpeg((600, 400), orientation=6))
    assert (report["width"], report["height"]) == (400, 600)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_broken_exif_becomes_a_warning_not_a_failure():
    report = inspect_original(broken_exif_jpeg())
    assert report["gps"] is None
    assert report["camera"] == {"make": "BrokenMaker"}
    assert "This photo has a GPS record that could not be read; it is removed anyway." in report["warnings"]
    assert (report["width"], report["height"]) == (640, 480)


@pytest.mark.parametrize(
    "data",
    [b"", b"not a photo", camera_jpeg((300, 200))[:400], b"GIF89a" + b"\x00" * 40],
    ids=["empty", "text", "cut-short", "gif"],
)
def test_unreadable_files_give_a_report_that_says_so(data):
    report = inspect_original(data)
    assert report["width"] == 0 and report["faces"] == []
    assert report["warnings"][0].startswith("This file could not be inspected: ")


def test_a_truncated_picture_still_reports_its_metadata():
    data = camera_jpeg((800, 600))
    report = inspect_original(data[: len(data) * 2 // 3])
    assert report["camera"]["serial"] == "SERIAL-CANARY-4815162342"
    assert report["faces"] == []


def test_long_and_many_fields_are_capped():
    long_value = b"A" * 5000
    many = "".join(f"<ns:f{i}>value {i}</ns:f{i}>" for i in range(FIELDS_MAX + 15))
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:ns="urn:x">{many}</rdf:Description></rdf:RDF></x:xmpmeta>'
    ).encode()
    exif = Image.Exif()
    exif[0x010F] = long_value.decode()
    buf = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buf, "JPEG", exif=exif, xmp=xmp, comment=long_value)
    report = inspect_original(buf.getvalue())
    assert len(report["camera"]["make"]) == TEXT_MAX and len(report["comment"]) == TEXT_MAX
    assert len(report["xmp"]) == FIELDS_MAX
    assert "15 more XMP fields are not listed here; they are removed anyway." in report["warnings"]


def test_hostile_xmp_is_refused_without_expanding_entities():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>'
    )
    buf = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buf, "JPEG", xmp=bomb)
    report = inspect_original(buf.getvalue())
    assert report["xmp"] == {}
    assert (
        "This photo carries XMP metadata that could not be read; it is removed anyway." in report["warnings"]
    )


def test_an_unexpected_failure_still_gives_a_report_asking_for_a_look():
    report = inspect_original("not bytes")  # type: ignore[arg-type]  # the inspection itself breaks
    assert report["faces"] == [] and report["gps"] is None
    assert report["warnings"] == [
        "This photo could not be inspected automatically; check it by eye for places, names and faces."
    ]
