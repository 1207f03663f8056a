"""Paths of the routes a page links many times (a feed page links each post four or five times).

Django's `reverse` walks the resolver, checks converters and quotes on every call: ~30-50 µs here, about
60 calls and 2-3 ms of a 12-card feed page. `id_path` reverses each route once per process (and script
prefix) with marker ids, keeps the result as a format string, and fills the real ids in (~1 µs). It is
ours rather than a library's because it only has to handle id arguments, which need no quoting.
Anything else (a non-numeric argument that varies, a route the markers don't fit) goes to `reverse`.
"""

import re
import threading

from django.urls import NoReverseMatch, get_script_prefix, reverse

# 19 digits, as an id may have: fits <str:>, <int:> and the [0-9]{1,19} routes, never a real id's text here.
_MARKS = [f"918273645091827364{n}" for n in range(10)]

_ID_LIMIT = 10**19
_VERB = re.compile(r"[a-z][a-z-]{0,19}")

_lock = threading.Lock()
_formats: dict[tuple, str | None] = {}
#: Routes x argument shapes kept (a verb is part of a shape): a bound, not a size ever expected to be reached.
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
    """reverse(name, args=args), where int args (ids, 0 to 19 digits) are filled into a per-process
    format string and short lowercase str args (a verb such as "like" or "unlike") are part of what is
    kept. Any other argument sends the call to `reverse` itself."""
    shape: list[type | str] = []
    for arg in args:
        if type(arg) is int and 0 <= arg < _ID_LIMIT:  # not bool, not negative, not longer than an id
            shape.append(int)
        elif type(arg) is str and _VERB.fullmatch(arg):
            shape.append(arg)
        else:
            return reverse(name, args=args)
    if len(shape) > len(_MARKS):
        return reverse(name, args=args)
    key = (name, get_script_prefix(), tuple(shape))
    fmt = _formats.get(key, "")
    if fmt == "":
        fmt = _format(name, key[2])
        with _lock:
            if len(_formats) < _CAPACITY:
                _formats[key] = fmt
    if fmt is None:
        return reverse(name, args=args)
    return fmt.format(*(arg for arg in args if type(arg) is int))
