"""Photos as cameras make them: EXIF with GPS, serial numbers and an embedded thumbnail, XMP, comments.

The EXIF block is assembled by hand (a little-endian TIFF structure) because Pillow does not write an
IFD1 thumbnail; every canary value is a string the tests can search for in stored bytes.
"""

import io
import struct

from PIL import Image
from PIL.PngImagePlugin import PngInfo

CANARIES = {
    "make": b"CanaryCamMaker",
    "model": b"CanaryModel-X1",
    "serial": b"SERIAL-CANARY-4815162342",
    "software": b"CanaryFirmware-9.9",
    "datetime": b"2019:07:04 13:37:00",
    "xmp": b"XMP-CANARY-CREATOR",
    "comment": b"COMMENT-CANARY",
    "thumbnail": b"THUMBNAIL-CANARY",
    "png_text": b"PNG-TEXT-CANARY",
}
# 51 deg 29' 14.6" N, 0 deg 7' 29.6" W: a point in central London.
GPS_LAT = ((51, 1), (29, 1), (146, 10))
GPS_LON = ((0, 1), (7, 1), (296, 10))

ASCII, SHORT, LONG, RATIONAL = 2, 3, 4, 5


def _entry(tag: int, kind: int, value) -> tuple[int, int, int, bytes]:
    if kind == ASCII:
        data = value + b"\x00"
        return tag, kind, len(data), data
    if kind == SHORT:
        return tag, kind, 1, struct.pack("<H", value) + b"\x00\x00"
    if kind == LONG:
        return tag, kind, 1, struct.pack("<I", value)
    data = b"".join(struct.pack("<II", n, d) for n, d in value)
    return tag, kind, len(value), data


def _ifd(entries: list, start: int, next_ifd: int = 0) -> tuple[bytes, bytes]:
    """One IFD at offset `start`, followed by its out-of-line values; returns (ifd, data)."""
    entries = sorted(entries)
    data_at = start + 2 + 12 * len(entries) + 4
    table, data = [struct.pack("<H", len(entries))], b""
    for tag, kind, count, value in entries:
        if len(value) <= 4:
            table.append(struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00"))
        else:
            table.append(struct.pack("<HHII", tag, kind, count, data_at + len(data)))
            data += value + (b"\x00" if len(value) % 2 else b"")
    table.append(struct.pack("<I", next_ifd))
    return b"".join(table), data


def _size(entries: list) -> int:
    return 2 + 12 * len(entries) + 4 + sum((len(v) + len(v) % 2) for _, _, _, v in entries if len(v) > 4)


def exif_block(thumbnail: bytes) -> bytes:
    """APP1 payload: 'Exif\\0\\0' and a TIFF with IFD0 -> Exif IFD and GPS IFD, and IFD1 with a thumbnail."""
    exif_entries = [
        _entry(0xA431, ASCII, CANARIES["serial"]),  # BodySerialNumber
        _entry(0x9003, ASCII, CANARIES["datetime"]),  # DateTimeOriginal
    ]
    gps_entries = [
        _entry(0x0001, ASCII, b"N"),
        _entry(0x0002, RATIONAL, GPS_LAT),
        _entry(0x0003, ASCII, b"W"),
        _entry(0x0004, RATIONAL, GPS_LON),
    ]
    base0 = [
        _entry(0x010F, ASCII, CANARIES["make"]),
        _entry(0x0110, ASCII, CANARIES["model"]),
        _entry(0x0131, ASCII, CANARIES["software"]),
        _entry(0x0132, ASCII, CANARIES["datetime"]),
        _entry(0x0112, SHORT, 1),
        _entry(0x8769, LONG, 0),
        _entry(0x8825, LONG, 0),
    ]
    ifd0_at = 8
    exif_at = ifd0_at + _size(base0)
    gps_at = exif_at + _size(exif_entries)
    ifd1_entries_proto = [
        _entry(0x0201, LONG, 0),
        _entry(0x0202, LONG, len(thumbnail)),
        _entry(0x0103, SHORT, 6),
    ]
    ifd1_at = gps_at + _size(gps_entries)
    thumb_at = ifd1_at + _size(ifd1_entries_proto)
    ifd0_entries = [e for e in base0 if e[0] not in (0x8769, 0x8825)]
    ifd0_entries += [_entry(0x8769, LONG, exif_at), _entry(0x8825, LONG, gps_at)]
    ifd1_entries = [
        _entry(0x0201, LONG, thumb_at),
        _entry(0x0202, LONG, len(thumbnail)),
        _entry(0x0103, SHORT, 6),
    ]
    parts = [b"II*\x00" + struct.pack("<I", ifd0_at)]
    for entries, at, nxt in (
        (ifd0_entries, ifd0_at, ifd1_at),
        (exif_entries, exif_at, 0),
        (gps_entries, gps_at, 0),
        (ifd1_entries, ifd1_at, 0),
    ):
        table, data = _ifd(entries, at, nxt)
        parts += [table, data]
    tiff = b"".join(parts)
    assert len(tiff) == thumb_at, (len(tiff), thumb_at)
    return b"Exif\x00\x00" + tiff + thumbnail


def xmp_packet() -> bytes:
    return (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        b'exif:GPSLatitude="51,29.243N"><dc:creator>' + CANARIES["xmp"] + b"</dc:creator>"
        b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )


def photo_pixels(size=(1600, 1200)) -> Image.Image:
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 40)
    return Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))


def camera_jpeg(size=(1600, 1200)) -> bytes:
    thumb = io.BytesIO()
    photo_pixels((160, 120)).save(thumb, "JPEG", quality=70, comment=CANARIES["thumbnail"])
    out = io.BytesIO()
    photo_pixels(size).save(
        out,
        "JPEG",
        quality=90,
        exif=exif_block(thumb.getvalue()),
        xmp=xmp_packet(),
        comment=CANARIES["comment"],
    )
    return out.getvalue()


def camera_png(size=(800, 600)) -> bytes:
    info = PngInfo()
    info.add_text("Comment", CANARIES["png_text"].decode())
    info.add_itxt("XML:com.adobe.xmp", xmp_packet().decode())
    out = io.BytesIO()
    photo_pixels(size).save(out, "PNG", pnginfo=info, exif=exif_block(b""))
    return out.getvalue()


def oriented_jpeg(size=(600, 400), orientation=6) -> bytes:
    """A landscape-stored JPEG whose EXIF says 'rotate 90 degrees clockwise to display'."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    image = Image.new("RGB", size, (255, 255, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))  # left half red as stored
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


IPTC_CANARIES = {80: b"IPTC-CANARY-BYLINE", 90: b"IPTC-CANARY-CITY", 120: b"IPTC-CANARY-CAPTION"}


def with_iptc(jpeg: bytes, fields: dict[int, bytes] = IPTC_CANARIES) -> bytes:
    """The JPEG with an APP13 (Photoshop) segment holding IPTC-IIM record 2 datasets, as news desks send."""
    iim = b"\x1c\x02\x00\x00\x02\x00\x04"  # 2:00 record version 4
    for dataset, value in fields.items():
        iim += b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(value)) + value
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    resource += b"\x00" * (len(iim) % 2)
    payload = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def broken_exif_jpeg(size=(640, 480)) -> bytes:
    """A JPEG whose EXIF IFD points far outside the block and whose GPS rationals divide by zero."""
    gps = [
        _entry(0x0001, ASCII, b"N"),
        _entry(0x0002, RATIONAL, ((51, 0), (29, 0), (146, 0))),
        _entry(0x0003, ASCII, b"W"),
        _entry(0x0004, RATIONAL, ((0, 0), (7, 0), (296, 0))),
    ]
    ifd0 = [_entry(0x010F, ASCII, b"BrokenMaker"), _entry(0x8769, LONG, 0x7FFFFFF0), _entry(0x8825, LONG, 0)]
    gps_at = 8 + _size(ifd0)
    ifd0 = [e for e in ifd0 if e[0] != 0x8825] + [_entry(0x8825, LONG, gps_at)]
    parts = [b"II*\x00" + struct.pack("<I", 8)]
    for entries, at in ((ifd0, 8), (gps, gps_at)):
        table, data = _ifd(entries, at)
        parts += [table, data]
    out = io.BytesIO()
    photo_pixels(size).save(out, "JPEG", quality=85, exif=b"Exif\x00\x00" + b"".join(parts))
    return out.getvalue()
