"""Reads for the studio: drafts by status and the pre-publication report, each a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from openhouse.accounts.models import Account, RoleLabel
from openhouse.media.models import MediaItem
from openhouse.publishing import watchlist
from openhouse.publishing.models import Draft, DraftPhoto, Review, WatchEntry
from openhouse.publishing.services import approvals_of_current_revision, required_approvals

STUDIO_PAGE = 50

# Order of the studio's sections: what needs someone's attention first.
SECTIONS = [
    Draft.Status.SUBMITTED,
    Draft.Status.REJECTED,
    Draft.Status.DRAFT,
    Draft.Status.APPROVED,
    Draft.Status.SCHEDULED,
    Draft.Status.PUBLISHED,
    Draft.Status.WITHDRAWN,
]


def _photos_prefetch() -> Prefetch:
    return Prefetch("photos", queryset=DraftPhoto.objects.select_related("media").order_by("position"))


def studio_sections(*, drafts) -> list[tuple[str, str, list[Draft]]]:
    """(status, heading, drafts) for each status that has drafts, newest first; three queries."""
    rows = list(
        drafts.select_related("role_label").prefetch_related(_photos_prefetch()).order_by("-updated_at")[:300]
    )
    out = []
    for status in SECTIONS:
        mine = [d for d in rows if d.status == status][:STUDIO_PAGE]
        if mine:
            out.append((status.value, status.label, mine))
    return out


@dataclass
class PhotoReport:
    item: MediaItem
    number: int
    alt_pieces: list[watchlist.Piece]
    alt_hits: list[watchlist.Hit]
    findings: object | None = None  # media's pre-publication report of the original, when one was kept


@dataclass
class Report:
    draft: Draft
    photos: list[PhotoReport]
    caption_pieces: list[watchlist.Piece]
    label_pieces: list[watchlist.Piece]
    hits: list[watchlist.Hit]
    approvals: int
    required: int
    reviews: list[Review] = field(default_factory=list)
    writer_ids: list[int] = field(default_factory=list)


def report(*, draft: Draft, items: list[MediaItem] | None = None) -> Report:
    """What reviewers see before approving: per photo the metadata and faces the original carried, and
    every watch-list hit in the caption, the alt texts and the role label."""
    if items is None:
        items = [row.media for row in DraftPhoto.objects.filter(draft=draft).select_related("media")]
    entries = list(
        WatchEntry.objects.filter(organisation=draft.organisation).values_list("pattern", "is_regex")
    )
    label = draft.role_label.name if draft.role_label else ""
    texts = {"caption": draft.caption, "role label": label}
    texts |= {f"alt text of photo {n}": item.alt_text for n, item in enumerate(items, start=1)}
    hits = watchlist.find_hits(entries, texts)

    def of(name: str) -> list[watchlist.Hit]:
        return [h for h in hits if h.field == name]

    photos = []
    for n, item in enumerate(items, start=1):
        alt_hits = of(f"alt text of photo {n}")
        photos.append(
            PhotoReport(
                item=item,
                number=n,
                alt_pieces=watchlist.highlight(item.alt_text, alt_hits),
                alt_hits=alt_hits,
                findings=_findings(item),
            )
        )
    return Report(
        draft=draft,
        photos=photos,
        caption_pieces=watchlist.highlight(draft.caption, of("caption")),
        label_pieces=watchlist.highlight(label, of("role label")),
        hits=hits,
        approvals=len(approvals_of_current_revision(draft)),
        required=required_approvals(draft.organisation),
        reviews=list(Review.objects.filter(draft=draft).select_related("reviewer")[:50]),
        writer_ids=list(draft.writer_ids),
    )


def _findings(item: MediaItem) -> object | None:
    return None


def role_labels(*, organisation: Account) -> list[RoleLabel]:
    return list(RoleLabel.objects.filter(organisation=organisation))


def watch_entries(*, organisation: Account) -> list[WatchEntry]:
    return list(WatchEntry.objects.filter(organisation=organisation))
