"""Appending to and verifying organisations' audit chains. Nothing here updates or deletes an entry.

Each organisation has its own chain: entry n stores sha256(canonical JSON of its fields + hash of n-1).
Altering, deleting or reordering a stored row breaks every later hash, and `verify` reports where.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from openhouse.audit.models import AuditEntry, ChainHead

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    """What a JSON column gives back: the hash must be computed on exactly that."""
    return None if value is None else json.loads(json.dumps(value, default=str, sort_keys=True))


def entry_hash(entry: AuditEntry) -> str:
    body = {
        "organisation": entry.organisation_id,
        "seq": entry.seq,
        "actor_id": entry.actor_id_at_time,
        "actor_handle": entry.actor_handle,
        "action": entry.action,
        "subject": entry.subject,
        "before": entry.before,
        "after": entry.after,
        "created_at": entry.created_at.isoformat(timespec="microseconds"),
        "prev": entry.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    *,
    organisation: Any,
    actor: Any | None,
    action: str,
    subject: str,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry to the organisation's chain, in the caller's transaction (so a change and its
    record commit or roll back together). `actor` is None for the system (e.g. a scheduled publication)."""
    with transaction.atomic():
        ChainHead.objects.get_or_create(organisation_id=organisation.pk)
        head = ChainHead.objects.select_for_update().get(organisation_id=organisation.pk)
        entry = AuditEntry(
            organisation_id=organisation.pk,
            seq=head.seq + 1,
            actor_id_at_time=getattr(actor, "pk", None),
            actor_handle=getattr(actor, "handle", "") or "",
            action=action,
            subject=subject,
            before=_plain(before),
            after=_plain(after),
            prev_hash=head.hash or GENESIS,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class Problem:
    organisation_id: int
    seq: int
    reason: str


def _check_chain(
    head: ChainHead, *, since_seq: int, since_hash: str
) -> tuple[list[Problem], AuditEntry | None]:
    """Recompute the chain's entries after entry `since_seq` (whose hash must be `since_hash`): the breaks,
    and the last entry looked at."""
    org = head.organisation_id
    problems: list[Problem] = []
    prev, expected_seq, last = since_hash or GENESIS, since_seq + 1, None
    # Up to the head read above: an entry appended meanwhile is not "the newest entries were removed".
    entries = AuditEntry.objects.filter(organisation_id=org, seq__lte=head.seq).order_by("seq")
    if since_seq:
        anchor = entries.filter(seq=since_seq).first()
        if anchor is None or anchor.hash != since_hash or entry_hash(anchor) != anchor.hash:
            problems.append(Problem(org, since_seq, "was altered or removed after it was checked"))
        entries = entries.filter(seq__gt=since_seq)
    for entry in entries.iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            problems.append(Problem(org, expected_seq, "an entry is missing"))
        if entry.prev_hash != prev:
            problems.append(Problem(org, entry.seq, "does not follow the entry before it"))
        if entry_hash(entry) != entry.hash:
            problems.append(Problem(org, entry.seq, "was altered after it was written"))
        prev, expected_seq, last = entry.hash, entry.seq + 1, entry
    if head.seq != expected_seq - 1 or (head.hash or GENESIS) != prev:
        problems.append(Problem(org, head.seq, "the newest entries were removed"))
    return problems, last


def verify(*, organisation_id: int | None = None, since_last_check: bool = False) -> list[Problem]:
    """Recompute every chain (or one organisation's) and return the breaks; an empty list means intact.

    With `since_last_check` (the audit page), only the entries after the point where the chain was last
    found intact are recomputed, so the cost follows what is new rather than the whole log's length; the
    full recomputation is `openhouse manage verify_audit`, for cron. Every intact result moves that point
    forward; a broken one resets it, so the next check of any kind recomputes everything.
    """
    heads = ChainHead.objects.all()
    if organisation_id is not None:
        heads = heads.filter(organisation_id=organisation_id)
    problems: list[Problem] = []
    for head in heads.order_by("organisation_id"):
        incremental = since_last_check and head.checked_seq > 0
        since_seq, since_hash = (head.checked_seq, head.checked_hash) if incremental else (0, "")
        found, last = _check_chain(head, since_seq=since_seq, since_hash=since_hash)
        problems += found
        checkpoint: dict = {"checked_seq": 0, "checked_hash": ""}
        if not found and last is not None:
            checkpoint = {"checked_seq": last.seq, "checked_hash": last.hash}
        elif not found:
            checkpoint = {"checked_seq": since_seq, "checked_hash": since_hash}
        if not incremental:
            checkpoint["fully_checked_at"] = timezone.now()
        ChainHead.objects.filter(pk=head.pk).update(**checkpoint)  # never the seq and hash record() keeps
    return problems


CSV_COLUMNS = ["seq", "time", "actor", "action", "subject", "before", "after", "hash"]


def csv_rows(*, organisation: Any) -> Iterator[list[str]]:
    """The organisation's chain as CSV rows (header first), oldest first."""
    yield CSV_COLUMNS
    for entry in AuditEntry.objects.filter(organisation_id=organisation.pk).order_by("seq").iterator():
        yield [
            str(entry.seq),
            entry.created_at.isoformat(timespec="seconds"),
            entry.actor_handle or "system",
            entry.action,
            entry.subject,
            json.dumps(entry.before, sort_keys=True) if entry.before is not None else "",
            json.dumps(entry.after, sort_keys=True) if entry.after is not None else "",
            entry.hash,
        ]
