"""Reads for the studio: drafts by status and the pre-publication report, each a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from openhouse.accounts.models import Account, RoleLabel
from openhouse.core.ids import parse_id
from openhouse.media import services as media
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


@dataclass
class Section:
    """One status of the studio: its most recently changed drafts (a page), and how many there are."""

    status: str
    heading: str
    drafts: list[Draft]
    total: int
    older: str = ""  # the cursor of the next page when the section is a status's own list


def _newest_first(drafts: QuerySet[Draft]) -> QuerySet[Draft]:
    return drafts.prefetch_related(_photos_prefetch()).order_by("-updated_at", "-pk")


def studio_sections(*, drafts: QuerySet[Draft]) -> list[Section]:
    """A section for each status that has drafts, in SECTIONS order, each with its STUDIO_PAGE most
    recently changed drafts (a busy status never crowds another out) and its total: three queries."""
    totals = dict(drafts.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    ranked = drafts.annotate(
        rank=Window(
            RowNumber(), partition_by=[F("status")], order_by=[F("updated_at").desc(), F("pk").desc()]
        )
    ).filter(rank__lte=STUDIO_PAGE)
    rows = list(_newest_first(ranked))
    return [
        Section(status.value, status.label, [d for d in rows if d.status == status], totals[status])
        for status in SECTIONS
        if totals.get(status)
    ]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _cursor(draft: Draft) -> str:
    """The change time in whole microseconds (integer arithmetic: a float loses them) and the id."""
    return f"{(draft.updated_at - _EPOCH) // _MICROSECOND}-{draft.pk}"


def status_page(*, drafts: QuerySet[Draft], status: str, before: str = "") -> Section | None:
    """Every draft of one status, STUDIO_PAGE at a time, newest change first (keyset on the change time
    and id; `before` is the `older` cursor of the previous page). None for an unknown status or cursor."""
    if status not in Draft.Status.values:
        return None
    mine = drafts.filter(status=status)
    page = mine
    if before:
        micros, _, pk = before.partition("-")
        when, draft_id = parse_id(micros), parse_id(pk)
        if when is None or draft_id is None:
            return None
        try:
            moment = _EPOCH + when * _MICROSECOND
        except OverflowError:
            return None
        page = mine.filter(Q(updated_at__lt=moment) | Q(updated_at=moment, pk__lt=draft_id))
    rows = list(_newest_first(page)[: STUDIO_PAGE + 1])
    older = _cursor(rows[STUDIO_PAGE - 1]) if len(rows) > STUDIO_PAGE else ""
    return Section(status, Draft.Status(status).label, rows[:STUDIO_PAGE], mine.count(), older)


@dataclass
class PhotoReport:
    item: MediaItem
    number: int
    alt_pieces: list[watchlist.Piece]
    alt_hits: list[watchlist.Hit]
    findings: "Findings | None" = None  # the original's pre-publication report, while it is kept
    preparing: bool = False  # the original is kept, its report not computed yet


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

    @property
    def preparing(self) -> bool:
        """Some photo's report is not there yet: the page says so instead of offering approval."""
        return any(p.preparing for p in self.photos)


def report(*, draft: Draft, items: list[MediaItem] | None = None) -> Report:
    """What reviewers see before approving: per photo the metadata and faces the original carried, and
    every watch-list hit in the caption, the alt texts and the role label."""
    if items is None:
        items = [row.media for row in DraftPhoto.objects.filter(draft=draft).select_related("media")]
    entries = list(
        WatchEntry.objects.filter(organisation=draft.organisation).values_list("pattern", "is_regex")
    )
    label = draft.role_label_text
    texts = {"caption": draft.caption, "role label": label}
    texts |= {f"alt text of photo {n}": item.alt_text for n, item in enumerate(items, start=1)}
    hits = watchlist.find_hits(entries, texts)

    def of(name: str) -> list[watchlist.Hit]:
        return [h for h in hits if h.field == name]

    photos = []
    reports = media.reports_for(items)
    for n, item in enumerate(items, start=1):
        alt_hits = of(f"alt text of photo {n}")
        photos.append(
            PhotoReport(
                item=item,
                number=n,
                alt_pieces=watchlist.highlight(item.alt_text, alt_hits),
                alt_hits=alt_hits,
                findings=_findings(item, reports.get(item.pk)),
                preparing=item.pk in reports and not reports[item.pk]["ready"],
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


@dataclass
class Face:
    index: int
    x: int
    y: int
    w: int
    h: int
    kind: str
    blurred: bool


@dataclass
class Findings:
    """A photo's pre-publication report (media.services.report_for) as the review page shows it."""

    warnings: list[str]
    facts: list[tuple[str, str]]
    faces: list[Face]
    width: int
    height: int


_CAMERA = {
    "make": "Camera make",
    "model": "Camera model",
    "serial": "Serial number",
    "lens": "Lens",
    "lens_serial": "Lens serial number",
}


def _findings(item: MediaItem, found: dict | None) -> Findings | None:
    if found is None or not found["ready"]:
        return None
    facts: list[tuple[str, str]] = []
    if found.get("gps"):
        facts.append(("Position", f"{found['gps']['lat']:.5f}, {found['gps']['lon']:.5f}"))
    facts += [(_CAMERA.get(k, k), str(v)) for k, v in found.get("camera", {}).items()]
    facts += [(f"Time ({k})", str(v)) for k, v in found.get("timestamps", {}).items()]
    facts += [(k.capitalize(), str(v)) for k, v in found.get("people", {}).items()]
    if found.get("software"):
        facts.append(("Software", str(found["software"])))
    facts += [(f"XMP {k}", str(v)) for k, v in found.get("xmp", {}).items()]
    facts += [(f"IPTC {k}", str(v)) for k, v in found.get("iptc", {}).items()]
    if found.get("thumbnails"):
        facts.append(("Embedded previews", str(found["thumbnails"])))
    if found.get("comment"):
        facts.append(("Comment", str(found["comment"])))
    blurred = [{k: r[k] for k in ("x", "y", "w", "h")} for r in found.get("blur_regions", [])]
    faces = [
        Face(
            n,
            f["x"],
            f["y"],
            f["w"],
            f["h"],
            str(f.get("kind", "")),
            {k: f[k] for k in ("x", "y", "w", "h")} in blurred,
        )
        for n, f in enumerate(found.get("faces", []))
    ]
    return Findings(
        warnings=list(found.get("warnings", [])),
        facts=facts,
        faces=faces,
        width=int(found.get("width") or item.width),
        height=int(found.get("height") or item.height),
    )


def role_labels(*, organisation: Account) -> list[RoleLabel]:
    return list(RoleLabel.objects.filter(organisation=organisation))


def watch_entries(*, organisation: Account) -> list[WatchEntry]:
    return list(WatchEntry.objects.filter(organisation=organisation))
