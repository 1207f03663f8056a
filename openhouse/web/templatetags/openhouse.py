"""Template helpers: captions with links, media URLs. Rendering only; no rules."""

from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from openhouse.accounts.models import Account
from openhouse.media.models import MediaItem
from openhouse.media.services import avatar_url, cover_url, rendition_url
from openhouse.posts.captions import segments
from openhouse.posts.models import Post
from openhouse.web import fragments
from openhouse.web.paths import id_path

register = template.Library()


@register.filter
def caption_html(caption: str) -> SafeString:
    """Escape the caption and link its #hashtags and @mentions; line breaks become <br>."""
    parts: list[str] = []
    for seg in segments(caption):
        if seg.kind == "hashtag":
            parts.append(format_html('<a href="{}">{}</a>', reverse("hashtag", args=[seg.value]), seg.text))
        elif seg.kind == "mention":
            parts.append(format_html('<a href="{}">{}</a>', reverse("profile", args=[seg.value]), seg.text))
        else:
            parts.append(escape(seg.text).replace("\n", "<br>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped or built by format_html


@register.simple_tag
def shared_part(template_name: str, post: Post) -> SafeString:
    """A piece of a post card that is the same for every viewer, rendered once per process (fragments.py)."""
    return fragments.shared_part(template_name, post)


@register.simple_tag
def link(name: str, *args: int | str) -> str:
    """{% url %} for the links a page repeats per item (post ids, verbs), without a resolver walk each
    time (paths.py). Returns the path as {% url %} does; autoescaping applies to it the same way."""
    return id_path(name, *args)


@register.simple_tag
def rendition(item: MediaItem, name: str, ext: str = "webp") -> str:
    return rendition_url(item, name, ext)


@register.simple_tag
def srcset(item: MediaItem, ext: str = "webp") -> str:
    return ", ".join(
        f"{rendition_url(item, name, ext)} {size[0]}w"
        for name, size in sorted(item.renditions.items(), key=lambda kv: kv[1][0])
        if name.startswith("w")
    )


@register.simple_tag
def avatar(account: Account, size: int = 150, ext: str = "webp") -> str:
    return avatar_url(account, size, ext)


@register.filter
def first_media(post: object) -> MediaItem | None:
    items = list(post.media.all())  # type: ignore[attr-defined]
    return items[0] if items else None


@register.filter
def compact(number: int) -> str:
    """1234 -> 1,234; 80000 -> 80K; 3200000 -> 3.2M, as photo networks show counts."""
    if number < 10_000:
        return f"{number:,}"
    if number < 1_000_000:
        return f"{number / 1000:.0f}K" if number >= 100_000 else f"{number / 1000:.1f}K".replace(".0K", "K")
    return f"{number / 1_000_000:.1f}M".replace(".0M", "M")


_UNITS = (("week", "w", 604800), ("day", "d", 86400), ("hour", "h", 3600), ("minute", "m", 60))


@register.filter
def ago(moment: datetime, style: str = "short") -> str:
    """Relative time as photo apps show it, short (comments, lists: now, 5m, 2h, 3d, 4w) or "long" (under
    a post: just now, 5 minutes ago, 2 hours ago); after a year, the date. Django's timesince says
    "2 days, 3 hours" and costs ~40 µs a call, a feed page has a dozen."""
    seconds = (timezone.now() - moment).total_seconds()
    for word, letter, size in _UNITS:
        if seconds >= size:
            if size == 604800 and seconds >= 52 * 604800:
                return moment.strftime("%-d %b %Y")
            n = int(seconds // size)
            return f"{n} {word}{'s' if n != 1 else ''} ago" if style == "long" else f"{n}{letter}"
    return "just now" if style == "long" else "now"


@register.simple_tag
def cover(key: str, size: int = 150, ext: str = "webp") -> str:
    return cover_url(key, size, ext)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key, "")
