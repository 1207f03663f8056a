"""Where timelines live: Redis sorted sets when OPENHOUSE_REDIS_URL is set, a table otherwise.

Both keep post ids (time-sortable, so the id is also the score) and are capped at TIMELINE_CAP: Redis keeps
a sorted set of up to 128 members in its compact encoding (~4 KB, against ~46 KB at 400). Older pages of
a feed come from the database by keyset, so the cap limits memory, not how far back people can scroll.
"""

from functools import cache

from django.conf import settings

from openhouse.feeds.models import TimelineEntry

TIMELINE_CAP = 128


@cache
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _key(owner_id: int) -> str:
    return f"oh:tl:{owner_id}"


def uses_redis() -> bool:
    return bool(settings.REDIS_URL)


def add(owner_ids: list[int], *, post_id: int, author_id: int) -> None:
    if not owner_ids:
        return
    if uses_redis():
        pipe = _redis().pipeline(transaction=False)
        for owner_id in owner_ids:
            pipe.zadd(_key(owner_id), {post_id: post_id})
            pipe.zremrangebyrank(_key(owner_id), 0, -TIMELINE_CAP - 1)
        pipe.execute()
        return
    TimelineEntry.objects.bulk_create(
        [TimelineEntry(owner_id=o, post_id=post_id, author_id=author_id) for o in owner_ids],
        ignore_conflicts=True,
        batch_size=1000,
    )


def add_many(owner_id: int, posts: list[tuple[int, int]]) -> None:
    """Add (post_id, author_id) pairs to one owner's timeline."""
    if not posts:
        return
    if uses_redis():
        key = _key(owner_id)
        pipe = _redis().pipeline(transaction=False)
        pipe.zadd(key, {pid: pid for pid, _ in posts})
        pipe.zremrangebyrank(key, 0, -TIMELINE_CAP - 1)
        pipe.execute()
        return
    TimelineEntry.objects.bulk_create(
        [TimelineEntry(owner_id=owner_id, post_id=pid, author_id=aid) for pid, aid in posts],
        ignore_conflicts=True,
    )


def remove(owner_id: int, post_ids: list[int]) -> None:
    if not post_ids:
        return
    if uses_redis():
        _redis().zrem(_key(owner_id), *post_ids)
        return
    TimelineEntry.objects.filter(owner_id=owner_id, post_id__in=post_ids).delete()


def page(owner_id: int, *, before: int | None, limit: int) -> list[int]:
    """Newest post ids first, older than `before`."""
    if uses_redis():
        top = "(" + str(before) if before is not None else "+inf"
        return [int(x) for x in _redis().zrevrangebyscore(_key(owner_id), top, "-inf", start=0, num=limit)]
    entries = TimelineEntry.objects.filter(owner_id=owner_id)
    if before is not None:
        entries = entries.filter(post_id__lt=before)
    return list(entries.order_by("-post_id").values_list("post_id", flat=True)[:limit])


def trim(owner_id: int) -> None:
    """Table only: drop entries beyond the cap (Redis trims on every add)."""
    if uses_redis():
        return
    keep = list(
        TimelineEntry.objects.filter(owner_id=owner_id)
        .order_by("-post_id")
        .values_list("post_id", flat=True)[TIMELINE_CAP : TIMELINE_CAP + 1]
    )
    if keep:
        TimelineEntry.objects.filter(owner_id=owner_id, post_id__lte=keep[0]).delete()
