"""Myth-busting cards: 'Myth' / 'Reality' text drawn on a 1080x1350 image in an organisation's colours.

Pure functions, no database. The typeface is Pillow's built-in scalable default (ImageFont.load_default
with a size, Pillow >= 10.1), so nothing unlicensed ships and nothing depends on fonts installed on the
server. Bold is imitated with a stroke of the text colour.
"""

import io
import re
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from openhouse.core.errors import Invalid
from openhouse.core.text import clean_text

WIDTH, HEIGHT = 1080, 1350
MARGIN = 96
MYTH_MAX = 140
REALITY_MAX = 280
MIN_CONTRAST = 4.5  # WCAG AA for body text
_MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")


@dataclass(frozen=True)
class Colours:
    background: str
    text: str
    accent: str


@dataclass(frozen=True)
class CardText:
    myth: str
    reality: str


def _one(value: str, *, field: str, label: str, limit: int) -> str:
    text = clean_text(value, field=field, label=label, limit=limit, multiline=True)
    if not text:
        raise Invalid(f"Write the {label.lower()} first.", field=field)
    if _MARKUP.search(text):
        raise Invalid(
            f"The {label.lower()} is plain text: take out anything that looks like HTML.", field=field
        )
    return " ".join(text.split())


def clean(*, myth: str, reality: str) -> CardText:
    return CardText(
        myth=_one(myth, field="myth", label="Myth", limit=MYTH_MAX),
        reality=_one(reality, field="reality", label="Reality", limit=REALITY_MAX),
    )


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(a: str, b: str, t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(_rgb(a), _rgb(b), strict=True))  # type: ignore[return-value]


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _wrap(text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        while font.getlength(word) > width:  # a word wider than the card: break it
            cut = len(word)
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        trial = f"{current} {word}".strip()
        if font.getlength(trial) <= width:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _fit(text: str, *, width: int, height: int, largest: int, smallest: int) -> tuple[int, list[str]]:
    size = largest
    while True:
        font = _font(size)
        lines = _wrap(text, font, width)
        if len(lines) * round(size * 1.25) <= height or size <= smallest:
            return size, lines
        size -= 4


def _pill(draw: ImageDraw.ImageDraw, xy: tuple[int, int], label: str, *, fill, ink) -> int:
    font = _font(34)
    x, y = xy
    w = round(font.getlength(label)) + 56
    draw.rounded_rectangle([x, y, x + w, y + 64], radius=32, fill=fill)
    draw.text((x + 28, y + 32), label, font=font, fill=ink, anchor="lm", stroke_width=1, stroke_fill=ink)
    return y + 64


def _block(draw, text: str, *, top: int, height: int, largest: int, fill, bold: bool) -> int:
    size, lines = _fit(text, width=WIDTH - 2 * MARGIN, height=height, largest=largest, smallest=30)
    font, step = _font(size), round(size * 1.25)
    y = top
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=fill, stroke_width=1 if bold else 0, stroke_fill=fill)
        y += step
    return y


def render(text: CardText, *, colours: Colours, handle: str) -> bytes:
    """The card as a JPEG (the post pipeline re-encodes it like any photo)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), _rgb(colours.background))
    draw = ImageDraw.Draw(image)
    muted = _mix(colours.text, colours.background, 0.35)
    # A band of the accent colour down the left edge and a quiet ring in the corner: recognisable in a grid.
    draw.rectangle([0, 0, 24, HEIGHT], fill=_rgb(colours.accent))
    ring = _mix(colours.background, colours.text, 0.08)
    draw.ellipse([WIDTH - 380, -220, WIDTH + 220, 380], outline=ring, width=40)

    y = _pill(draw, (MARGIN, 120), "MYTH", fill=muted, ink=_rgb(colours.background))
    myth_bottom = _block(draw, text.myth, top=y + 36, height=330, largest=64, fill=muted, bold=False)
    divider = max(myth_bottom + 56, 480)
    draw.line(
        [(MARGIN, divider), (WIDTH - MARGIN, divider)],
        fill=_mix(colours.background, colours.text, 0.25),
        width=3,
    )
    y = _pill(
        draw, (MARGIN, divider + 56), "REALITY", fill=_rgb(colours.accent), ink=_rgb(colours.background)
    )
    _block(
        draw,
        text.reality,
        top=y + 36,
        height=HEIGHT - 170 - (y + 36),
        largest=60,
        fill=_rgb(colours.text),
        bold=True,
    )

    footer = _font(30)
    draw.text((MARGIN, HEIGHT - 96), f"@{handle}", font=footer, fill=muted, anchor="ls")
    draw.text((WIDTH - MARGIN, HEIGHT - 96), "Myth-busting", font=footer, fill=muted, anchor="rs")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()
