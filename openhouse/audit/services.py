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


def verify(*, organisation_id: int | None = None) -> list[Problem]:
    """Recompute every chain (or one organisation's) and return the breaks; an empty list means intact."""
    heads = ChainHead.objects.all()
    if organisation_id is not None:
        heads = heads.filter(organisation_id=organisation_id)
    problems: list[Problem] = []
    for head in heads.order_by("organisation_id"):
        prev, expected_seq = GENESIS, 1
        entries = AuditEntry.objects.filter(organisation_id=head.organisation_id).order_by("seq")
        for entry in entries.iterator(chunk_size=2000):
            if entry.seq != expected_seq:
                problems.append(Problem(head.organisation_id, expected_seq, "an entry is missing"))
            if entry.prev_hash != prev:
                problems.append(
                    Problem(head.organisation_id, entry.seq, "does not follow the entry before it")
                )
            if entry_hash(entry) != entry.hash:
                problems.append(Problem(head.organisation_id, entry.seq, "was altered after it was written"))
            prev, expected_seq = entry.hash, entry.seq + 1
        if head.seq != expected_seq - 1 or (head.hash or GENESIS) != prev:
            problems.append(Problem(head.organisation_id, head.seq, "the newest entries were removed"))
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
