"""Reading an organisation's audit log page by page (keyset on the chain's sequence number)."""

from datetime import datetime
from typing import Any

from openhouse.audit.models import AuditEntry, ChainHead

PAGE = 50


def entries_page(*, organisation: Any, before: int | None = None, limit: int = PAGE) -> list[AuditEntry]:
    """Newest first; `before` is the lowest seq of the previous page. One indexed query."""
    entries = AuditEntry.objects.filter(organisation_id=organisation.pk)
    if before is not None:
        entries = entries.filter(seq__lt=before)
    return list(entries.order_by("-seq")[:limit])


def fully_checked_at(*, organisation: Any) -> datetime | None:
    """When the organisation's whole chain was last recomputed (verify_audit, or a first check)."""
    return (
        ChainHead.objects.filter(organisation_id=organisation.pk)
        .values_list("fully_checked_at", flat=True)
        .first()
    )
