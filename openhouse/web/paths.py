"""Paths of the routes a page links many times (a feed page links each post four or five times).

Django's `reverse` walks the resolver, checks converters and quotes on every call: ~30-50 µs here, about
60 calls and 2-3 ms of a 12-card feed page. `id_path` reverses each route once per process (and script
prefix) with marker ids, keeps the result as a format string, and fills the real ids in (~1 µs). It is
ours rather than a library's because it only has to handle id arguments, which need no quoting.
Anything else (a non-numeric argument that varies, a route the markers don't fit) goes to `reverse`.
"""

import threading

from django.urls import NoReverseMatch, get_script_prefix, reverse

# 19 digits, as an id may have: fits <str:>, <int:> and the [0-9]{1,19} routes, never a real id's text here.
_MARKS = [f"918273645091827364{n}" for n in range(10)]

_lock = threading.Lock()
_formats: dict[tuple, str | None] = {}
#: Routes x argument shapes kept. str arguments are meant to be verbs from a small set; were a template to
#: pass handles or tags, the cache stops growing here and later shapes are simply reversed.
_CAPACITY = 512


def _format(name: str, shape: tuple) -> str | None:
    marks = iter(_MARKS)
    args = [next(marks) if kind is int else kind for kind in shape]
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    url = url.replace("{", "{{").replace("}", "}}")
    for mark in _MARKS[: sum(kind is int for kind in shape)]:
        if url.count(mark) != 1:
            return None
        url = url.replace(mark, "{}")
    return url


def id_path(name: str, *args: int | str) -> str:
    """reverse(name, args=args), where int args (ids) are filled into a per-process format string and
    str args (a verb such as "like" or "unlike") are part of what is kept."""
    if len(args) > len(_MARKS):
        return reverse(name, args=args)
    shape = tuple(int if isinstance(a, int) and not isinstance(a, bool) else a for a in args)
    key = (name, get_script_prefix(), shape)
    fmt = _formats.get(key, "")
    if fmt == "":
        fmt = _format(name, shape)
        with _lock:
            if len(_formats) < _CAPACITY:
                _formats[key] = fmt
    if fmt is None:
        return reverse(name, args=args)
    return fmt.format(*(a for a in args if isinstance(a, int) and not isinstance(a, bool)))
