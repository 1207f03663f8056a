"""Fixed-window rate limits on Django's cache (Redis when configured, process memory otherwise).

Written here rather than taken from a decorator library because limits are keyed by what a service knows
(an account, an e-mail address), not only by the client address, and must be callable from any adapter.
"""

from django.core.cache import cache

from openhouse.core.errors import RateLimited


def hit(scope: str, key: str, *, limit: int, window: int) -> None:
    """Count one attempt of `key` in `scope`; raise RateLimited once `limit` attempts fill `window` seconds."""
    name = f"rl:{scope}:{key}"
    # add() only sets when absent, so the first hit fixes the window's expiry; incr() is atomic in Redis.
    if cache.add(name, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(name)
        except ValueError:  # expired between add() and incr()
            cache.add(name, 1, timeout=window)
            count = 1
    if count > limit:
        raise RateLimited()


def reset(scope: str, key: str) -> None:
    cache.delete(f"rl:{scope}:{key}")
