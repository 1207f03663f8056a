"""Fixed-window rate limits on Django's cache (Redis when configured, process memory otherwise).

Written here rather than taken from a decorator library because limits are keyed by what a service knows
(an account, an e-mail address), not only by the client address, and must be callable from any adapter.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache

from openhouse.core.errors import RateLimited


def _count(name: str, timeout: int) -> int:
    """Add one to the counter `name` and return it; a new counter lives `timeout` seconds."""
    # add() only sets when absent, so the first hit fixes the window's expiry; incr() is atomic in Redis.
    if cache.add(name, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(name)
    except ValueError:  # expired between add() and incr()
        cache.add(name, 1, timeout=timeout)
        return 1


def hit(scope: str, key: str, *, limit: int, window: int) -> None:
    """Count one attempt of `key` in `scope`; raise RateLimited once `limit` attempts fill `window` seconds."""
    if _count(f"rl:{scope}:{key}", window) > limit:
        raise RateLimited()


@dataclass(frozen=True)
class Limit:
    """A per-actor limit on one kind of action, declared by the service that does the action, so that
    every adapter (web page, Mastodon API, REST API) counts against the same window."""

    scope: str
    limit: int
    window: int  # seconds

    def hit(self, key: object) -> None:
        hit(self.scope, str(key), limit=self.limit, window=self.window)


def reset(scope: str, key: str) -> None:
    cache.delete(f"rl:{scope}:{key}")


@dataclass(frozen=True)
class Usage:
    """Where a caller stands in the current window: what the API's X-RateLimit-* headers report."""

    limit: int
    remaining: int
    reset_at: float  # Unix time at which the window ends


def consume(scope: str, key: str, *, limit: int, window: int, now: float | None = None) -> Usage:
    """Count one request of `key` in `scope` in a window aligned to multiples of `window` seconds.

    Aligned windows let the reset time be computed without asking the cache for a key's expiry (Django's
    cache API has no such call). Raises RateLimited (carrying the limit and reset time) past `limit`.
    """
    now = time.time() if now is None else now
    bucket = int(now // window)
    count = _count(f"rl:{scope}:{key}:{bucket}", window + 1)
    reset_at = float((bucket + 1) * window)
    if count > limit:
        raise RateLimited(limit=limit, reset_at=reset_at)
    return Usage(limit=limit, remaining=limit - count, reset_at=reset_at)
