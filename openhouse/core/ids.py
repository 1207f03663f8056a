"""Time-sortable 63-bit ids: milliseconds since 2024 in the high bits, 22 random bits below.

Sorting by id sorts by creation time (keyset pagination, Mastodon's max_id/since_id), and the random
low bits mean an id tells nobody how many objects exist or what the next one will be.
"""

import secrets
import time

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
RANDOM_BITS = 22


def new_id(now_ms: int | None = None) -> int:
    ms = (time.time_ns() // 1_000_000 if now_ms is None else now_ms) - EPOCH_MS
    return (ms << RANDOM_BITS) | secrets.randbits(RANDOM_BITS)


def id_floor(ms_since_unix_epoch: int) -> int:
    """The smallest id that could have been made at that moment (for 'newer than' queries)."""
    return (ms_since_unix_epoch - EPOCH_MS) << RANDOM_BITS


def parse_id(raw: object, *, max_digits: int = 19) -> int | None:
    """A non-negative whole number written in ASCII digits (an id from a URL, a form or a query string),
    or already an int (a caller holding an id), or None. str.isdigit alone also accepts digits such as '²'
    that int() refuses; the length cap keeps ids within a signed 64-bit column."""
    if type(raw) is int:  # not bool
        return raw if 0 <= raw < 2**63 else None
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > max_digits:
        return None
    value = int(raw)
    return value if value < 2**63 else None
