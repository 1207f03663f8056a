"""Decoding, cleaning and re-encoding photos with Pillow. Pure functions: no database, no storage.

Why Pillow over pyvips: on a 12-megapixel JPEG made into our renditions, Pillow with draft-mode decoding ran
level with pyvips (0.97-1.18x its median time) and needed about 0.8x its memory above baseline, with no
system library to ship (`make bench` measures both; figures in bench/README.md).

Contract of `clean`: the image it returns was rebuilt from decoded pixels alone, so no EXIF, GPS, XMP,
IPTC, maker note, comment, ICC profile or embedded thumbnail of the upload can reach any rendition.
"""

import base64
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from PIL import ExifTags, Image, ImageCms, ImageFilter, ImageOps, UnidentifiedImageError

from openhouse.core.errors import Invalid

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
ACCEPTED_NAMES = "JPEG, PNG, WebP or HEIC"
# The widest rendition the UI shows; JPEG decoding is scaled down towards it (draft mode).
LARGEST = 1080
WIDTHS = (1080, 640)
SQUARE = 400
WEBP_QUALITY = 80
JPEG_QUALITY = 82
# A blurred face keeps about this many cells of colour across its longest side.
BLUR_CELLS = 6
_SRGB = ImageCms.createProfile("sRGB")


def register_formats() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener(thumbnails=False)
    # Pillow's own bomb check fires while reading the header, before we can say how big the image is;
    # open_checked() enforces a stricter budget right after the header and before any pixel is decoded.
    Image.MAX_IMAGE_PIXELS = None


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def open_checked(fp: BinaryIO, *, size: int) -> Image.Image:
    """Identify the format from the bytes and check every limit before any pixel is decoded."""
    if size == 0:
        raise Invalid("This file is empty. Choose a photo.")
    if size > settings.MEDIA_MAX_BYTES:
        raise Invalid(
            f"This file is {_megabytes(size)}; the limit is {_megabytes(settings.MEDIA_MAX_BYTES)}."
        )
    head = fp.read(16)
    fp.seek(0)
    if head.startswith((b"GIF87a", b"GIF89a")):
        raise Invalid(f"GIFs aren't supported. Upload a {ACCEPTED_NAMES} photo.")
    try:
        image = Image.open(fp, formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError:
        raise Invalid(
            f"This file isn't a photo openhouse can read. Upload a {ACCEPTED_NAMES} photo."
        ) from None
    except Image.DecompressionBombError:
        raise Invalid("This photo has far too many pixels to process.") from None
    except (OSError, SyntaxError, ValueError):
        raise Invalid("This photo is damaged and can't be read.") from None
    width, height = image.size
    limit = settings.MEDIA_MAX_SIDE
    if width > limit:
        raise Invalid(f"This photo is {width:,} pixels wide; the limit is {limit:,}.")
    if height > limit:
        raise Invalid(f"This photo is {height:,} pixels tall; the limit is {limit:,}.")
    if width * height > settings.MEDIA_MAX_PIXELS:
        raise Invalid(
            f"This photo has {width * height / 1e6:.1f} megapixels; "
            f"the limit is {settings.MEDIA_MAX_PIXELS / 1e6:.0f}."
        )
    if getattr(image, "n_frames", 1) > 1 and image.format != "HEIF":
        raise Invalid("Animated images aren't supported. Upload a still photo.")
    return image


@dataclass(frozen=True)
class Box:
    """A rectangle in the upright (orientation applied) pixels of the photo at its full uploaded size."""

    x: int
    y: int
    w: int
    h: int


def upright_size(image: Image.Image) -> tuple[int, int]:
    """The full size of an opened (not yet decoded) photo once its EXIF orientation is applied."""
    width, height = image.size
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # unreadable EXIF: exif_transpose will not rotate either
        orientation = 1
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def clean(image: Image.Image, *, target: int = LARGEST, blur_regions: Sequence[Box] = ()) -> Image.Image:
    """Decode (scaled towards `target` for JPEG), apply orientation, convert to sRGB, drop all metadata.

    `blur_regions` (in upright full-size pixels, see Box) are blurred beyond recognition after orientation
    and before any resizing, so every rendition made from the result is blurred too.
    """
    full = upright_size(image)
    if image.format == "JPEG":
        image.draft("RGB", (target, target))
    try:
        image.load()
    except Image.DecompressionBombError:
        raise Invalid("This photo has far too many pixels to process.") from None
    except (OSError, SyntaxError, ValueError):
        raise Invalid("This photo is cut off or damaged and can't be read. Try exporting it again.") from None
    icc = image.info.get("icc_profile")
    oriented = ImageOps.exif_transpose(image) or image
    rgb = _to_srgb(oriented, icc)
    if blur_regions:
        rgb = blur(rgb, blur_regions, scale=(rgb.width / full[0], rgb.height / full[1]))
    # Rebuild from raw pixels: a fresh image with an empty `info`, so encoders have nothing to copy.
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB") or image.convert("RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: fall back to treating the pixels as sRGB
    return image.convert("RGB")


def blur(
    image: Image.Image, regions: Sequence[Box], *, scale: tuple[float, float] = (1.0, 1.0)
) -> Image.Image:
    """A copy of `image` with each region made unrecognisable; `scale` maps region pixels to image pixels.

    Each region is first reduced to about BLUR_CELLS cells across (the detail is gone, not hidden, so no
    sharpening brings it back), then enlarged and smoothed so it reads as a soft blur, not a mosaic.
    """
    out = image.copy()
    for region in regions:
        left = max(0, math.floor(region.x * scale[0]))
        top = max(0, math.floor(region.y * scale[1]))
        right = min(image.width, math.ceil((region.x + region.w) * scale[0]))
        bottom = min(image.height, math.ceil((region.y + region.h) * scale[1]))
        if right <= left or bottom <= top:
            continue
        patch = out.crop((left, top, right, bottom))
        w, h = patch.size
        cells = max(1, max(w, h) // BLUR_CELLS)
        tiny = patch.resize((max(1, w // cells), max(1, h // cells)), Image.Resampling.BOX)
        soft = tiny.resize((w, h), Image.Resampling.BILINEAR)
        soft = soft.filter(ImageFilter.GaussianBlur(radius=max(1.0, min(w, h) / (2 * BLUR_CELLS))))
        out.paste(soft, (left, top))
    return out


def fit_width(image: Image.Image, width: int) -> Image.Image:
    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def square(image: Image.Image, side: int) -> Image.Image:
    return ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)


@dataclass(frozen=True)
class Encoded:
    name: str
    width: int
    height: int
    webp: bytes
    jpeg: bytes


def encode(name: str, image: Image.Image) -> Encoded:
    webp, jpeg = io.BytesIO(), io.BytesIO()
    image.save(webp, "WEBP", quality=WEBP_QUALITY, method=4)
    image.save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return Encoded(name, image.width, image.height, webp.getvalue(), jpeg.getvalue())


def photo_renditions(image: Image.Image) -> list[Encoded]:
    """The sizes the UI shows: full width for the post page and the grid's square crop."""
    base = fit_width(image, WIDTHS[0])
    out = [encode(f"w{WIDTHS[0]}", base)]
    current = base
    for width in WIDTHS[1:]:
        current = fit_width(current, width)
        out.append(encode(f"w{width}", current))
    out.append(encode(f"sq{SQUARE}", square(base, SQUARE)))
    return out


def avatar_renditions(image: Image.Image) -> list[Encoded]:
    big = square(image, 320)
    return [encode("s320", big), encode("s150", square(big, 150))]


def placeholder(image: Image.Image) -> str:
    """A ~200-byte data: URI the page shows (blurred by CSS) until the real rendition loads."""
    tiny = image.copy()
    tiny.thumbnail((16, 16))
    buf = io.BytesIO()
    tiny.save(buf, "WEBP", quality=40)
    return "data:image/webp;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
