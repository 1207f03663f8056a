"""Reading an organisation's audit log page by page (keyset on the chain's sequence number)."""

from typing import Any

from openhouse.audit.models import AuditEntry

PAGE = 50


def entries_page(*, organisation: Any, before: int | None = None, limit: int = PAGE) -> list[AuditEntry]:
    """Newest first; `before` is the lowest seq of the previous page. One indexed query."""
    entries = AuditEntry.objects.filter(organisation_id=organisation.pk)
    if before is not None:
        entries = entries.filter(seq__lt=before)
    return list(entries.order_by("-seq")[:limit])
