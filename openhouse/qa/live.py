"""The version number live Q&A pages poll for: one integer per session, cheap to read many times a second.

Why polling and not server-sent events: the app server is granian in WSGI mode with a bounded thread pool
(OPENHOUSE_THREADS per process, 8 by default). An SSE stream holds one of those threads for as long as the
page is open, so 16 viewers of a Q&A would stall the whole site on the default two processes, and a
launch-day audience is tens of thousands. A poll is a short request that touches only the cache (no
session, no database on a hit): `python -m bench.qa_poll` measured ~600-700 polls/s (p50 7 ms) on the
default two processes of a shared 2-core machine, against ~27/s for reloading the session page, so a poll
costs about a twenty-fifth of a page view. Its answer is the same for every viewer and may be cached for a
second by any proxy or CDN in front of us, which is what carries a launch-day audience. With a 1 s
interval (OPENHOUSE_QA_POLL_MS), a new answer reaches open pages within about 2 s (interval + version
lifetime), as promised.

The database row (`QASession.version`) is the truth; the cache holds it for VERSION_TTL seconds at most,
so processes that do not share a cache (no Redis) still agree within that time.
"""

from django.core.cache import cache
from django.db import transaction

from openhouse.qa.models import QASession

VERSION_TTL = 1  # seconds a cached version may lag the database


def _key(session_id: int) -> str:
    return f"qa:v:{session_id}"


def current_version(session_id: int) -> int | None:
    """The session's version, from the cache when fresh (no query), else from its row. None if absent."""
    cached = cache.get(_key(session_id))
    if cached is not None:
        return int(cached)
    version = QASession.objects.filter(pk=session_id).values_list("version", flat=True).first()
    if version is not None:
        # add, not set: a bump committed meanwhile may already have stored a newer number.
        cache.add(_key(session_id), version, timeout=VERSION_TTL)
    return version


def announce_after_commit(*, session_id: int) -> None:
    """Once the bump commits, store the new version so pages served by this cache see it at once."""

    def _store() -> None:
        version = QASession.objects.filter(pk=session_id).values_list("version", flat=True).first()
        if version is not None:
            cache.set(_key(session_id), version, timeout=VERSION_TTL)

    transaction.on_commit(_store)
