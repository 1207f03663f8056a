"""The pre-publication report: what an uploaded photo gives away, read from the bytes as uploaded.

Pure: no database, no storage. `inspect_original` never raises for a bad file: every part it cannot read
becomes a sentence in `warnings`, because a report must never fail an upload (the upload's own checks do
that). Work is bounded: the header is checked against the upload limits before any pixel is decoded,
faces are looked for on a copy at most faces.DETECT_SIDE pixels long, and every text field, list and
XMP/IPTC selection has a cap.

Everything listed here is removed from what is published (see images.clean); the report exists so that a
reviewer sees what the photographer's device recorded (a position, a serial number, a name) and can judge
whether the picture itself gives the same away.
"""

import io
import logging
import math
from typing import Any

import defusedxml.ElementTree as SafeXML
from defusedxml import DefusedXmlException
from PIL import ExifTags, Image, ImageOps, IptcImagePlugin

from openhouse.core.errors import Invalid
from openhouse.media import images

log = logging.getLogger(__name__)

TEXT_MAX = 200
FIELDS_MAX = 30
XMP_MAX_BYTES = 256 * 1024

_IFD0 = {0x010F: "make", 0x0110: "model"}
_EXIF_CAMERA = {0xA431: "serial", 0xA434: "lens", 0xA435: "lens_serial"}
_TIMESTAMPS = {0x9003: "taken", 0x9004: "digitized"}
_OFFSETS = {0x9011: "taken_offset", 0x9010: "modified_offset"}
_PEOPLE = {0x013B: "artist", 0x8298: "copyright", 0xA430: "owner", 0x010E: "description"}
_IPTC = {
    5: "title",
    25: "keywords",
    40: "instructions",
    55: "date_created",
    60: "time_created",
    80: "creator",
    85: "creator_title",
    90: "city",
    92: "sublocation",
    95: "province",
    100: "country_code",
    101: "country",
    103: "job_id",
    105: "headline",
    110: "credit",
    115: "source",
    116: "copyright",
    118: "contact",
    120: "caption",
    122: "caption_writer",
}
_XMP_PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": "Iptc4xmpExt",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/camera-raw-settings/1.0/": "crs",
    "http://ns.google.com/photos/1.0/camera/": "GCamera",
}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# Bookkeeping that says nothing about people or places; left out so the capped selection shows what matters.
_XMP_SKIP = {"InstanceID", "DocumentID", "OriginalDocumentID", "DerivedFrom", "History", "about"}


def inspect_original(data: bytes) -> dict[str, Any]:
    """What these uploaded bytes reveal, as a JSON-serialisable dict (see the module docstring).

    Keys: gps ({lat, lon} or None), camera (make, model, serial, lens, lens_serial: only those present),
    timestamps, people (artist, copyright, owner, description), software, xmp, iptc, thumbnails (count of
    embedded previews), comment, format, width and height (upright), faces ([{x, y, w, h, kind}] in upright
    pixels of the full photo), warnings (sentences for a reviewer).
    """
    try:
        return _inspect(data)
    except Exception:  # a bug here must not cost anyone their upload: say so, and let people look
        log.exception("the pre-publication report of an upload failed")
        report = _empty()
        report["warnings"].append(
            "This photo could not be inspected automatically; check it by eye for places, names and faces."
        )
        return report


def _empty() -> dict[str, Any]:
    return {
        "format": None,
        "width": 0,
        "height": 0,
        "gps": None,
        "camera": {},
        "timestamps": {},
        "people": {},
        "software": None,
        "xmp": {},
        "iptc": {},
        "thumbnails": 0,
        "comment": None,
        "faces": [],
        "warnings": [],
    }


def _inspect(data: bytes) -> dict[str, Any]:
    report = _empty()
    warnings: list[str] = report["warnings"]
    try:
        image = images.open_checked(io.BytesIO(data), size=len(data))
    except Invalid as exc:
        warnings.append(f"This file could not be inspected: {exc.message}")
        return report
    report["format"] = image.format
    width, height = images.upright_size(image)
    report["width"], report["height"] = width, height

    for part, reader in (
        ("EXIF", _read_exif),
        ("XMP", _read_xmp),
        ("IPTC", _read_iptc),
        ("comment", _read_comment),
        ("embedded thumbnail", _count_thumbnails),
    ):
        try:
            reader(image, data, report)
        except Exception:  # a report never fails an upload: say what could not be read and go on
            log.info("could not read the %s of an upload", part, exc_info=True)
            warnings.append(
                f"This photo's {part} data is damaged and could not be read fully; it is removed anyway."
            )
    try:
        report["faces"] = _find_faces(image, (width, height))
    except Exception:
        log.info("face detection failed on an upload", exc_info=True)
        warnings.append("Faces could not be looked for because the picture could not be decoded.")
    warnings.extend(_sentences(report))
    return report


def _text(value: object) -> str:
    """Any metadata value as short, printable text."""
    if isinstance(value, bytes):
        raw = value.split(b"\x00", 1)[0] if not value.startswith(b"ASCII\x00") else value[8:]
        text = raw.decode("utf-8", errors="replace")
    elif isinstance(value, tuple | list):
        text = ", ".join(_text(v) for v in value[:FIELDS_MAX])
    else:
        text = str(value)
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


def _put(target: dict[str, Any], key: str, value: object) -> None:
    text = _text(value)
    if text:
        target[key] = text


def _read_exif(image: Image.Image, data: bytes, report: dict[str, Any]) -> None:
    exif = image.getexif()
    if not exif:
        return
    for tag, key in _IFD0.items():
        if tag in exif:
            _put(report["camera"], key, exif[tag])
    if ExifTags.Base.Software in exif:
        report["software"] = _text(exif[ExifTags.Base.Software]) or None
    if ExifTags.Base.DateTime in exif:
        _put(report["timestamps"], "modified", exif[ExifTags.Base.DateTime])
    for tag, key in _PEOPLE.items():
        if tag in exif:
            _put(report["people"], key, exif[tag])
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    for tag, key in _EXIF_CAMERA.items():
        if tag in sub:
            _put(report["camera"], key, sub[tag])
    for tag, key in {**_TIMESTAMPS, **_OFFSETS}.items():
        if tag in sub:
            _put(report["timestamps"], key, sub[tag])
    for tag, key in _PEOPLE.items():
        if tag in sub:
            _put(report["people"], key, sub[tag])
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if gps:
        report["gps"] = _position(gps)
        if report["gps"] is None and (2 in gps or 4 in gps):
            report["warnings"].append(
                "This photo has a GPS record that could not be read; it is removed anyway."
            )
        if 29 in gps:
            stamp = _text(gps[29])
            if 7 in gps:
                try:
                    h, m, s = (float(v) for v in gps[7])
                    stamp = f"{stamp} {int(h):02d}:{int(m):02d}:{int(s):02d} UTC"
                except (TypeError, ValueError, ZeroDivisionError):
                    pass
            _put(report["timestamps"], "gps", stamp)


def _degrees(value: object, ref: object, negative: str) -> float | None:
    try:
        d, m, s = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    if _text(ref).upper().startswith(negative):
        result = -result
    return result if math.isfinite(result) else None


def _position(gps: dict[int, Any]) -> dict[str, float] | None:
    lat = _degrees(gps.get(2), gps.get(1), "S")
    lon = _degrees(gps.get(4), gps.get(3), "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    return {"lat": round(lat, 6), "lon": round(lon, 6)}


def _xmp_bytes(image: Image.Image) -> bytes | None:
    raw = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return raw or None


def _read_xmp(image: Image.Image, data: bytes, report: dict[str, Any]) -> None:
    raw = _xmp_bytes(image)
    if raw is None:
        return
    if len(raw) > XMP_MAX_BYTES:
        report["warnings"].append(
            f"This photo carries {len(raw) // 1024} KB of XMP metadata, too much to list; it is removed anyway."
        )
        return
    start = raw.find(b"<x:xmpmeta")
    end = raw.rfind(b"</x:xmpmeta>")
    packet = raw[start : end + len(b"</x:xmpmeta>")] if start >= 0 and end > start else raw.strip(b"\x00 ")
    try:
        root = SafeXML.fromstring(packet)
    except (SafeXML.ParseError, DefusedXmlException, ValueError):
        report["warnings"].append(
            "This photo carries XMP metadata that could not be read; it is removed anyway."
        )
        return
    fields: dict[str, str] = report["xmp"]
    skipped = 0

    def add(name: str, value: str) -> None:
        nonlocal skipped
        key = _xmp_name(name)
        if key is None or not value.strip():
            return
        if key in fields:
            joined = f"{fields[key]}, {_text(value)}"
            fields[key] = joined if len(joined) <= TEXT_MAX else joined[: TEXT_MAX - 1] + "…"
        elif len(fields) < FIELDS_MAX:
            fields[key] = _text(value)
        else:
            skipped += 1

    for description in root.iter(f"{{{_RDF}}}Description"):
        for name, value in description.attrib.items():
            add(name, value)
        for child in description:
            # Simple properties hold text; lists (rdf:Bag/Seq/Alt) hold rdf:li items; structures nest.
            items = [li.text or "" for li in child.iter(f"{{{_RDF}}}li")]
            text = ", ".join(t.strip() for t in items if t.strip()) if items else (child.text or "")
            if not text.strip():
                text = " ".join(
                    (e.text or "").strip() for e in child.iter() if e is not child and (e.text or "").strip()
                )
            add(child.tag, text)
    if skipped:
        report["warnings"].append(f"{skipped} more XMP fields are not listed here; they are removed anyway.")


def _xmp_name(name: str) -> str | None:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        if namespace in (_RDF, "adobe:ns:meta/") or local in _XMP_SKIP:
            return None
        prefix = _XMP_PREFIXES.get(namespace)
        return f"{prefix}:{local}" if prefix else local
    return None if name in _XMP_SKIP else name


def _read_iptc(image: Image.Image, data: bytes, report: dict[str, Any]) -> None:
    if image.format != "JPEG":
        return
    info = IptcImagePlugin.getiptcinfo(image)  # type: ignore[arg-type]
    if not info:
        return
    fields: dict[str, str] = report["iptc"]
    for (record, dataset), value in list(info.items())[: FIELDS_MAX * 2]:
        if record != 2 or dataset == 0 or len(fields) >= FIELDS_MAX:  # 2:00 is the record's version
            continue
        _put(fields, _IPTC.get(dataset, f"2:{dataset}"), value)


def _read_comment(image: Image.Image, data: bytes, report: dict[str, Any]) -> None:
    parts = []
    comment = image.info.get("comment")
    if comment:
        parts.append(_text(comment))
    # PNG text chunks (tEXt, zTXt, iTXt) other than XMP.
    for key, value in getattr(image, "text", {}).items():
        if key != "XML:com.adobe.xmp" and isinstance(value, str) and value.strip():
            parts.append(f"{_text(key)}: {_text(value)}")
    if parts:
        report["comment"] = _text(" | ".join(parts))


def _count_thumbnails(image: Image.Image, data: bytes, report: dict[str, Any]) -> None:
    count = 0
    exif = image.getexif()
    ifd1 = exif.get_ifd(ExifTags.IFD.IFD1) if exif else {}
    if ifd1.get(0x0201) and ifd1.get(0x0202):
        count = 1  # an EXIF thumbnail (IFD1): its offset and a non-zero length
    if image.format == "JPEG":
        # Each further JPEG start-of-image marker is an embedded picture (EXIF thumbnail, MPF preview):
        # inside compressed data a 0xFF byte is always followed by 0x00 or a restart marker, never 0xD8.
        count = max(count, data.count(b"\xff\xd8\xff") - 1)
    elif image.format == "HEIF":
        count = max(count, len(image.info.get("thumbnails") or []))
    report["thumbnails"] = count


def _find_faces(image: Image.Image, upright: tuple[int, int]) -> list[dict[str, int | str]]:
    # Imported here: OpenCV is only loaded by processes that inspect uploads (not every web worker).
    from openhouse.media import faces

    if image.format == "JPEG":
        image.draft("RGB", (faces.DETECT_SIDE, faces.DETECT_SIDE))  # decode at 1/2, 1/4 or 1/8 size
    image.load()
    small = ImageOps.exif_transpose(image) or image
    small.thumbnail((faces.DETECT_SIDE, faces.DETECT_SIDE), Image.Resampling.BOX)
    sx, sy = upright[0] / small.width, upright[1] / small.height
    found = []
    for face in faces.find_faces(small):
        x, y = int(face.x * sx), int(face.y * sy)
        w = min(upright[0] - x, math.ceil((face.x + face.w) * sx) - x)
        h = min(upright[1] - y, math.ceil((face.y + face.h) * sy) - y)
        found.append({"x": x, "y": y, "w": w, "h": h, "kind": face.kind})
    return found


def _sentences(report: dict[str, Any]) -> list[str]:
    """What a reviewer should know, most revealing first."""
    out = []
    if report["gps"]:
        out.append(
            f"This photo records where it was taken ({report['gps']['lat']:.4f}, {report['gps']['lon']:.4f})."
        )
    camera = report["camera"]
    if "serial" in camera or "lens_serial" in camera:
        serials = ", ".join(camera[k] for k in ("serial", "lens_serial") if k in camera)
        out.append(f"This photo records the serial number of the equipment that took it ({serials}).")
    people = report["people"]
    if people:
        out.append(f"This photo names people or owners: {', '.join(people.values())}.")
    if "make" in camera or "model" in camera:
        name = " ".join(camera[k] for k in ("make", "model") if k in camera)
        out.append(f"This photo names the camera that took it ({name}).")
    stamps = report["timestamps"]
    if stamps:
        when = stamps.get("taken") or stamps.get("gps") or next(iter(stamps.values()))
        out.append(f"This photo records when it was taken or edited ({when}).")
    if report["software"]:
        out.append(f"This photo names the software that made or edited it ({report['software']}).")
    if report["xmp"]:
        names = ", ".join(list(report["xmp"])[:5])
        out.append(f"This photo carries {len(report['xmp'])} XMP fields ({names}).")
    if report["iptc"]:
        names = ", ".join(list(report["iptc"])[:5])
        out.append(f"This photo carries {len(report['iptc'])} IPTC fields ({names}).")
    if report["thumbnails"]:
        out.append(
            "This photo carries an embedded preview, which can show the picture as it was before "
            "cropping or editing."
            if report["thumbnails"] == 1
            else f"This photo carries {report['thumbnails']} embedded previews, which can show the picture "
            "as it was before cropping or editing."
        )
    if report["comment"]:
        out.append(f"This photo carries a comment: {report['comment']}")
    count = len(report["faces"])
    if count:
        out.append(
            "1 face was found: blur it unless it may be shown."
            if count == 1
            else f"{count} faces were found: blur each one unless it may be shown."
        )
    if any((report["gps"], camera, people, stamps, report["software"], report["xmp"], report["iptc"])) or (
        report["thumbnails"] or report["comment"]
    ):
        out.append("All of this metadata is removed before the photo is published; the pixels are not.")
    return out
