"""Rendered pieces of post cards that every viewer sees alike, kept per process and keyed by their inputs.

A card's header, photos and caption depend only on the post, its author and its photos, never on who is
looking: the key holds every field those templates read, so a changed caption, alt text, avatar or handle
is a new key (nothing to invalidate) and a fragment can only ever be shown for the post it was made from.
What differs per viewer (the like button, counts, the CSRF token, "3 minutes ago") is rendered per request
around them. Callers pass only posts the viewer may see; a fragment holds nothing more than the card would.
"""

import threading
from collections import OrderedDict
from typing import Any

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from openhouse.posts.models import Post

#: Fragments kept per process (about 2-4 KB each): a few pages of every active feed.
CAPACITY = 4096

_lock = threading.Lock()
_rendered: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()


def _inputs(post: Post) -> tuple[Any, ...]:
    """Every value the shared card templates read (web/_card_top.html, web/_card_caption.html)."""
    author = post.author
    media = tuple(
        (
            m.pk,
            m.key,
            m.width,
            m.height,
            m.alt_text,
            m.placeholder,
            tuple(sorted((name, tuple(size)) for name, size in m.renditions.items())),
        )
        for m in post.media.all()
    )
    people = (author.pk, author.handle, author.display_name, author.avatar_key, author.is_verified)
    return (post.pk, post.caption, people, media)


def shared_part(template_name: str, post: Post) -> SafeString:
    """`template_name` rendered with only {"post": post}, from memory when these inputs were seen before."""
    key = (template_name, *_inputs(post))
    with _lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = mark_safe(get_template(template_name).render({"post": post}))  # noqa: S308 - a template's output
    with _lock:
        _rendered[key] = html
        while len(_rendered) > CAPACITY:
            _rendered.popitem(last=False)
    return html


def forget_all() -> None:
    """Empty the memory (tests that change templates or settings)."""
    with _lock:
        _rendered.clear()
