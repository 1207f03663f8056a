"""Write verbs of organisation publishing: draft, edit, submit, review, schedule, publish, withdraw, delete.

Every verb checks the actor's team role first (accounts.services.require_org_role, which site superusers
pass only as members), runs in one transaction, and changes `Draft.status` only through `_transition`, which
also appends the change to the organisation's audit chain. A post of an organisation is created in one
place, `_publish`, and only for a draft that is approved or scheduled and whose approvals, by reviewers who
wrote no revision of it, cover its current revision.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from openhouse.accounts.models import Account, Membership, RoleLabel
from openhouse.accounts.services import require_org_role
from openhouse.audit import services as audit
from openhouse.core.deferred import enqueue_at_after_commit
from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.core.text import clean_text
from openhouse.media import services as media
from openhouse.media.models import MediaItem
from openhouse.posts import services as posts
from openhouse.posts.models import Post
from openhouse.publishing import watchlist
from openhouse.publishing.models import (
    APPROVALS_MAX,
    REASONS_MAX,
    WATCH_ENTRIES_MAX,
    Draft,
    DraftPhoto,
    Review,
    ReviewSettings,
    WatchEntry,
)

log = logging.getLogger(__name__)

Role = Membership.Role
Status = Draft.Status
WRITERS = (Role.AUTHOR, Role.ADMIN)
REVIEWERS = (Role.REVIEWER,)
TEAM = (Role.AUTHOR, Role.REVIEWER, Role.ADMIN)
ADMINS = (Role.ADMIN,)
SCHEDULE_MAX_AHEAD = timedelta(days=366)

# status -> statuses it may move to. Same-status moves are edits (draft, in review) and re-scheduling.
_NEXT: dict[str, set[str]] = {
    Status.DRAFT: {Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN},
    Status.SUBMITTED: {Status.SUBMITTED, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    Status.REJECTED: {Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.SUBMITTED, Status.SCHEDULED, Status.PUBLISHED, Status.WITHDRAWN},
    Status.SCHEDULED: {
        Status.SUBMITTED,
        Status.SCHEDULED,
        Status.APPROVED,
        Status.PUBLISHED,
        Status.WITHDRAWN,
    },
    Status.PUBLISHED: set(),
    Status.WITHDRAWN: set(),
}


def _require(actor: Account, draft_or_org: Draft | Account, roles: tuple[str, ...]) -> None:
    organisation = draft_or_org.organisation if isinstance(draft_or_org, Draft) else draft_or_org
    require_org_role(account=actor, organisation=organisation, roles=roles)


def _locked(draft: Draft) -> Draft:
    """The draft's row, locked for this transaction and fresh (another request may have moved it)."""
    fresh = Draft.objects.select_for_update().filter(pk=draft.pk).first()
    if fresh is None:
        raise NotFound("This draft isn't there any more.")
    return fresh


def _snapshot(draft: Draft) -> dict[str, Any]:
    return {"status": draft.status, "revision": draft.revision}


def _transition(
    draft: Draft, *, to: str, actor: Account | None, action: str, details: dict[str, Any] | None = None
) -> Draft:
    """The one place a draft's status changes: checks the move is allowed, saves, and audits it.

    The caller holds the draft's row lock and has checked the actor's role.
    """
    if to not in _NEXT[draft.status]:
        raise Invalid(
            f"A draft that is {draft.get_status_display().lower()} can't be "
            f"{Status(to).label.lower()} now. Reload the page to see where it stands."
        )
    before = _snapshot(draft)
    draft.status = to
    draft.updated_at = timezone.now()
    if to not in (Status.SCHEDULED, Status.PUBLISHED):
        draft.publish_at = None
    draft.save()
    audit.record(
        organisation=draft.organisation,
        actor=actor,
        action=action,
        subject=f"draft:{draft.pk}",
        before=before,
        after={**_snapshot(draft), **(details or {})},
    )
    return draft


def required_approvals(organisation: Account) -> int:
    settings_row = ReviewSettings.objects.filter(organisation=organisation).first()
    return settings_row.required_approvals if settings_row else 1


def approvals_of_current_revision(draft: Draft) -> list[Review]:
    """Approvals that count: for this revision, by active accounts that wrote no revision of the draft and
    have been reviewers of the organisation without a break since they approved (an approval leaves with
    its reviewer, and does not come back if they are made a reviewer again)."""
    reviewer_since_then = Membership.objects.filter(
        organisation_id=draft.organisation_id,
        member_id=OuterRef("reviewer_id"),
        role__in=REVIEWERS,
        created_at__lte=OuterRef("created_at"),
    )
    return list(
        Review.objects.filter(draft=draft, revision=draft.revision, verdict=Review.Verdict.APPROVE)
        .filter(Exists(reviewer_since_then), reviewer__is_active=True)
        .exclude(reviewer_id__in=draft.writer_ids)
    )


def approvals_cover(draft: Draft) -> bool:
    return len(approvals_of_current_revision(draft)) >= required_approvals(draft.organisation)


LAPSED = (
    "An approval of this version no longer counts (its reviewer left the team, or more approvals are "
    "required now), so the draft went back to review."
)


def _back_to_review_if_lapsed(draft: Draft) -> bool:
    """An approved or scheduled draft whose approvals no longer cover it goes back to review, by the
    system. The caller holds the draft's row lock. True when it went back."""
    if draft.status not in (Status.APPROVED, Status.SCHEDULED) or approvals_cover(draft):
        return False
    _transition(draft, to=Status.SUBMITTED, actor=None, action="draft.returned_to_review")
    return True


# Drafting ---------------------------------------------------------------------------------------------------


def _clean_role_label(organisation: Account, role_label_id: int | None) -> RoleLabel | None:
    if role_label_id is None:
        return None
    label = RoleLabel.objects.filter(pk=role_label_id, organisation=organisation).first()
    if label is None:
        raise Invalid("Choose one of the organisation's role labels.", field="role_label")
    return label


def _store_photos(*, organisation: Account, uploads: list, alt_texts: list[str] | None) -> list[MediaItem]:
    """Cleaned photos owned by the organisation (never by the member who uploaded them), each keeping its
    original privately for the pre-publication report and for blurring."""
    return media.store_draft_photos(owner=organisation, uploads=uploads, alt_texts=alt_texts)


def _discard(items: list[MediaItem]) -> None:
    """Forget the kept originals (and their reports); their files leave storage after commit."""
    for item in items:
        media.discard_original(item=item)


def start_draft(
    *, actor: Account, organisation: Account, uploads: list, alt_texts: list[str] | None = None
) -> Draft:
    """An author (or admin) starts a draft from 1-10 photos; caption and label come in `edit_draft`.

    The photos are checked and cleaned before anything is stored; on Invalid nothing is.
    """
    _require(actor, organisation, WRITERS)
    media.UPLOADS.hit(actor.pk)  # counted against the member who uploads, as their own photos are
    items = _store_photos(organisation=organisation, uploads=uploads, alt_texts=alt_texts)
    try:
        with transaction.atomic():
            draft = Draft.objects.create(
                organisation=organisation, created_by=actor, updated_by=actor, writer_ids=[actor.pk]
            )
            DraftPhoto.objects.bulk_create(
                [DraftPhoto(draft=draft, media=item, position=n) for n, item in enumerate(items)]
            )
            audit.record(
                organisation=organisation,
                actor=actor,
                action="draft.created",
                subject=f"draft:{draft.pk}",
                after={**_snapshot(draft), "photos": len(items)},
            )
    except Exception:
        _discard(items)
        MediaItem.objects.filter(pk__in=[i.pk for i in items]).delete()
        media.delete_items_files(items)
        raise
    return draft


# Where an edit leaves a draft: changes to approved work always go back to review.
_AFTER_EDIT: dict[str, str] = {
    Status.DRAFT: Status.DRAFT,
    Status.REJECTED: Status.DRAFT,
    Status.SUBMITTED: Status.SUBMITTED,
    Status.APPROVED: Status.SUBMITTED,
    Status.SCHEDULED: Status.SUBMITTED,
}


def draft_photos(draft: Draft) -> list[MediaItem]:
    """The draft's photos in carousel order (one query)."""
    rows = DraftPhoto.objects.filter(draft=draft).select_related("media").order_by("position")
    return [row.media for row in rows]


@transaction.atomic
def edit_draft(
    *,
    actor: Account,
    draft: Draft,
    caption: str,
    role_label_id: int | None,
    media_ids: list[int],
    alt_texts: list[str],
    remove_ids: list[int] | None = None,
) -> Draft:
    """Save a new revision: caption, role label, photo order and alt texts, photos removed.

    An edit that changes something bumps the revision, so earlier approvals no longer count: an approved or
    scheduled draft goes back to review, a rejected one back to draft. An edit that changes nothing is not a
    revision.
    """
    _require(actor, draft, WRITERS)
    draft = _locked(draft)
    if not draft.editable:
        raise Invalid("A published or withdrawn draft can't be changed.")
    text, _, _ = posts.clean_caption(caption)
    label = _clean_role_label(draft.organisation, role_label_id)
    alts = [media.clean_alt_text(a) for a in alt_texts]
    rows = {row.media_id: row for row in DraftPhoto.objects.filter(draft=draft).select_related("media")}
    remove = set(remove_ids or [])
    if set(media_ids) | remove != set(rows) or set(media_ids) & remove or len(alts) != len(media_ids):
        raise Invalid("The draft's photos changed meanwhile. Reload the page and try again.")
    if len(set(media_ids)) != len(media_ids):
        raise Invalid("The same photo can't appear twice in a post.")
    if not media_ids:
        raise Invalid("A post needs at least one photo. Delete the draft instead.")
    old_order = [row.media_id for row in sorted(rows.values(), key=lambda r: r.position)]
    changed = (
        text != draft.caption
        or (label.pk if label else None) != draft.role_label_id
        or (label.name if label else "") != draft.role_label_text
        or old_order != media_ids
        or any(rows[pk].media.alt_text != alt for pk, alt in zip(media_ids, alts, strict=True))
    )
    if not changed:
        return draft
    before_caption, before_label = draft.caption, draft.role_label_text
    removed = [rows[pk].media for pk in remove]
    DraftPhoto.objects.filter(draft=draft).delete()
    DraftPhoto.objects.bulk_create(
        [DraftPhoto(draft=draft, media_id=pk, position=n) for n, pk in enumerate(media_ids)]
    )
    for pk, alt in zip(media_ids, alts, strict=True):
        if rows[pk].media.alt_text != alt:
            MediaItem.objects.filter(pk=pk, owner=draft.organisation, post__isnull=True).update(alt_text=alt)
    if removed:
        _discard(removed)
        MediaItem.objects.filter(pk__in=[m.pk for m in removed]).delete()
        media.delete_items_files(removed)
    draft.caption, draft.role_label = text, label
    draft.role_label_text = label.name if label else ""
    draft.revision += 1
    draft.updated_by = actor
    if actor.pk not in draft.writer_ids:
        draft.writer_ids = [*draft.writer_ids, actor.pk]
    to = _AFTER_EDIT[draft.status]
    details: dict[str, Any] = {"photos": len(media_ids)}
    if text != before_caption:
        details["caption"] = text
    if (label.name if label else "") != before_label:
        details["role_label"] = label.name if label else ""
    return _transition(draft, to=to, actor=actor, action="draft.edited", details=details)


@transaction.atomic
def blur_face(*, actor: Account, draft: Draft, media_id: int, face: int) -> Draft:
    """Any team member blurs one detected face: the photo's renditions are made again from the kept
    original with the face blurred. It is a new revision (earlier approvals no longer count), but a
    redaction only removes information, so it does not make the actor one of the draft's writers: a
    reviewer may blur a face and then approve."""
    _require(actor, draft, TEAM)
    draft = _locked(draft)
    if not draft.editable:
        raise Invalid("A published or withdrawn draft can't be changed.")
    row = DraftPhoto.objects.filter(draft=draft, media_id=media_id).select_related("media").first()
    if row is None:
        raise NotFound("That photo isn't in this draft any more.")
    _blur(actor=actor, item=row.media, face=face)
    draft.revision += 1
    return _transition(
        draft,
        to=_AFTER_EDIT[draft.status],
        actor=actor,
        action="draft.face_blurred",
        details={"photo": row.position + 1, "face": face},
    )


def _blur(*, actor: Account, item: MediaItem, face: int) -> None:
    """Add face number `face` of the photo's report to its blurred regions and remake the photo."""
    report = media.report_for(item)
    faces = report.get("faces", [])
    if not 0 <= face < len(faces):
        raise Invalid("That face isn't in this photo's report.")
    box = {k: faces[face][k] for k in ("x", "y", "w", "h")}
    regions = list(report.get("blur_regions", []))
    if box in regions:
        raise Invalid("That face is already blurred.")
    media.set_blur(actor=actor, item=item, regions=[*regions, box])


@transaction.atomic
def submit_draft(*, actor: Account, draft: Draft) -> Draft:
    """Send the current revision to review (from draft, or again after changes were requested)."""
    _require(actor, draft, WRITERS)
    draft = _locked(draft)
    if not DraftPhoto.objects.filter(draft=draft).exists():
        raise Invalid("Add at least one photo before sending the draft to review.")
    return _transition(draft, to=Status.SUBMITTED, actor=actor, action="draft.submitted")


# Review ----------------------------------------------------------------------------------------------------


def _check_reviewable(reviewer: Account, draft: Draft, revision: int) -> None:
    if draft.status != Status.SUBMITTED:
        raise Invalid("This draft isn't waiting for review. Reload the page to see where it stands.")
    if revision != draft.revision:
        raise Invalid("The draft was edited while you were reviewing it. Review the new version.")
    if reviewer.pk in draft.writer_ids:
        raise NotAllowed("You wrote part of this draft, so someone else on the team has to review it.")
    if Review.objects.filter(draft=draft, revision=revision, reviewer=reviewer).exists():
        raise Invalid("You have already reviewed this version.")


@transaction.atomic
def approve_draft(
    *,
    reviewer: Account,
    draft: Draft,
    revision: int,
    publish_at: datetime | None = None,
    publish_now: bool = False,
) -> Draft:
    """A reviewer who wrote no revision of the draft approves the revision they saw.

    When the approvals of this revision reach the organisation's requirement the draft is approved, and
    then, if asked, scheduled for `publish_at` or published at once. Returns the draft as it now stands.
    """
    _require(reviewer, draft, REVIEWERS)
    draft = _locked(draft)
    _check_reviewable(reviewer, draft, revision)
    if media.reports_pending(items=DraftPhoto.objects.filter(draft=draft).values("media_id")):
        # A reviewer approves what they saw: every photo's report (position, serials, faces) first.
        raise Invalid("A photo's pre-publication report is still being prepared. Review it once it's there.")
    if publish_at is not None:
        _check_publish_at(publish_at)
    Review.objects.create(draft=draft, revision=revision, reviewer=reviewer, verdict=Review.Verdict.APPROVE)
    have, need = len(approvals_of_current_revision(draft)), required_approvals(draft.organisation)
    audit.record(
        organisation=draft.organisation,
        actor=reviewer,
        action="review.approved",
        subject=f"draft:{draft.pk}",
        after={"revision": revision, "approvals": have, "required": need},
    )
    if have < need:
        return draft
    _transition(draft, to=Status.APPROVED, actor=reviewer, action="draft.approved")
    if publish_now:
        _publish(draft, actor=reviewer)
    elif publish_at is not None:
        _schedule(draft, actor=reviewer, publish_at=publish_at)
    return draft


@transaction.atomic
def reject_draft(*, reviewer: Account, draft: Draft, revision: int, reasons: str) -> Draft:
    """A reviewer sends the draft back with reasons, which its writers see on the draft."""
    _require(reviewer, draft, REVIEWERS)
    draft = _locked(draft)
    _check_reviewable(reviewer, draft, revision)
    text = clean_text(reasons, field="reasons", label="The reasons", limit=REASONS_MAX, multiline=True)
    if not text:
        raise Invalid("Say what needs to change, so the author can fix it.", field="reasons")
    Review.objects.create(
        draft=draft, revision=revision, reviewer=reviewer, verdict=Review.Verdict.REJECT, reasons=text
    )
    return _transition(
        draft, to=Status.REJECTED, actor=reviewer, action="draft.rejected", details={"reasons": text}
    )


# Scheduling and publication -----------------------------------------------------------------------------------


def _check_publish_at(publish_at: datetime) -> None:
    if timezone.is_naive(publish_at):
        raise Invalid("Give the publication time with its time zone.", field="publish_at")
    now = timezone.now()
    if publish_at <= now:
        raise Invalid("Choose a time in the future, or publish now.", field="publish_at")
    if publish_at > now + SCHEDULE_MAX_AHEAD:
        raise Invalid("Posts can be scheduled up to a year ahead.", field="publish_at")


def _schedule(draft: Draft, *, actor: Account, publish_at: datetime) -> Draft:
    draft.publish_at = publish_at
    _transition(
        draft,
        to=Status.SCHEDULED,
        actor=actor,
        action="draft.scheduled",
        details={"publish_at": publish_at.isoformat()},
    )
    enqueue_at_after_commit("openhouse.publishing.tasks.publish_due", publish_at, draft_id=draft.pk)
    return draft


def schedule_draft(*, actor: Account, draft: Draft, publish_at: datetime) -> Draft:
    """Any team member schedules (or re-schedules) an approved draft. One whose approvals lapsed goes
    back to review instead (committed), and the actor is told why."""
    _require(actor, draft, TEAM)
    with transaction.atomic():
        draft = _locked(draft)
        if not _back_to_review_if_lapsed(draft):
            _check_publish_at(publish_at)
            if draft.status not in (Status.APPROVED, Status.SCHEDULED):
                raise Invalid("Only an approved draft can be scheduled.")
            return _schedule(draft, actor=actor, publish_at=publish_at)
    raise Invalid(LAPSED)


@transaction.atomic
def unschedule_draft(*, actor: Account, draft: Draft) -> Draft:
    _require(actor, draft, TEAM)
    draft = _locked(draft)
    return _transition(draft, to=Status.APPROVED, actor=actor, action="draft.unscheduled")


def publish_draft_now(*, actor: Account, draft: Draft) -> Post:
    """Any team member publishes an approved (or scheduled) draft at once. One whose approvals lapsed goes
    back to review instead (committed), and the actor is told why."""
    _require(actor, draft, TEAM)
    with transaction.atomic():
        draft = _locked(draft)
        if not _back_to_review_if_lapsed(draft):
            return _publish(draft, actor=actor)
    raise Invalid(LAPSED)


def _publish(draft: Draft, *, actor: Account | None) -> Post:
    """Create the organisation's post. The caller holds the draft's row lock and checked the actor."""
    if draft.status not in (Status.APPROVED, Status.SCHEDULED) or not approvals_cover(draft):
        raise Invalid("Only a draft approved in its current version can be published.")
    items = draft_photos(draft)
    post = posts._publish_for_organisation(
        organisation=draft.organisation,
        media_ids=[item.pk for item in items],
        caption=draft.caption,
        role_label=draft.role_label_text,
    )
    draft.post = post
    _transition(draft, to=Status.PUBLISHED, actor=actor, action="draft.published", details={"post": post.pk})
    _discard(items)
    return post


def publish_due(*, draft_id: int, now: datetime | None = None) -> Post | None:
    """The scheduled publication of one draft, by the system. Publishes only a draft that is still
    scheduled, due, and approved in its current revision; a scheduled draft whose approvals no longer
    suffice (the requirement was raised) goes back to review instead. Safe to run twice."""
    now = now or timezone.now()
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(pk=draft_id).first()
        if (
            draft is None
            or draft.status != Status.SCHEDULED
            or not draft.publish_at
            or draft.publish_at > now
        ):
            return None
        if _back_to_review_if_lapsed(draft):
            return None
        return _publish(draft, actor=None)


def publish_due_drafts(*, now: datetime | None = None, limit: int = 100) -> int:
    """The sweeper: publish every scheduled draft that is due. Returns how many were published.

    Each draft is published in its own transaction, so one failure does not hold back the others.
    """
    now = now or timezone.now()
    due = list(
        Draft.objects.filter(status=Status.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at")
        .values_list("pk", flat=True)[:limit]
    )
    published = 0
    for draft_id in due:
        try:
            published += publish_due(draft_id=draft_id, now=now) is not None
        except Exception:
            log.exception("scheduled publication of draft %s failed; the next sweep retries it", draft_id)
    return published


# Withdrawal and deletion ----------------------------------------------------------------------------------------


@transaction.atomic
def withdraw_draft(*, actor: Account, draft: Draft) -> Draft:
    """Stop a draft from going out (kept, read-only, with its history). The uploaded originals, which may
    hold the camera's position and serial numbers, and their reports leave storage once this commits, as
    they do at publication: nothing can use them any more."""
    _require(actor, draft, TEAM)
    draft = _locked(draft)
    _transition(draft, to=Status.WITHDRAWN, actor=actor, action="draft.withdrawn")
    _discard(draft_photos(draft))
    return draft


@transaction.atomic
def delete_draft(*, actor: Account, draft: Draft) -> None:
    """Delete an unpublished draft; its photos and their originals leave storage once this commits."""
    _require(actor, draft, WRITERS)
    draft = _locked(draft)
    if draft.status == Status.PUBLISHED:
        raise Invalid("This draft is published; delete the post instead.")
    items = draft_photos(draft)
    audit.record(
        organisation=draft.organisation,
        actor=actor,
        action="draft.deleted",
        subject=f"draft:{draft.pk}",
        before=_snapshot(draft),
    )
    draft.delete()
    _discard(items)
    MediaItem.objects.filter(pk__in=[i.pk for i in items], post__isnull=True).delete()
    media.delete_items_files(items)


# Watch list and review settings -------------------------------------------------------------------------------


@transaction.atomic
def add_watch_entry(*, actor: Account, organisation: Account, pattern: str, is_regex: bool) -> WatchEntry:
    _require(actor, organisation, ADMINS)
    text = watchlist.clean_pattern(pattern, is_regex=is_regex)
    if WatchEntry.objects.filter(organisation=organisation).count() >= WATCH_ENTRIES_MAX:
        raise Invalid(f"A watch list holds up to {WATCH_ENTRIES_MAX} entries.", field="pattern")
    entry, created = WatchEntry.objects.get_or_create(
        organisation=organisation, pattern=text, is_regex=is_regex
    )
    if created:
        audit.record(
            organisation=organisation,
            actor=actor,
            action="watchlist.added",
            subject=f"watch:{entry.pk}",
            after={"pattern": text, "regex": is_regex},
        )
    return entry


@transaction.atomic
def remove_watch_entry(*, actor: Account, organisation: Account, entry_id: int) -> None:
    _require(actor, organisation, ADMINS)
    entry = WatchEntry.objects.filter(pk=entry_id, organisation=organisation).first()
    if entry is None:
        raise NotFound("That entry isn't on the watch list any more.")
    audit.record(
        organisation=organisation,
        actor=actor,
        action="watchlist.removed",
        subject=f"watch:{entry.pk}",
        before={"pattern": entry.pattern, "regex": entry.is_regex},
    )
    entry.delete()


@transaction.atomic
def set_required_approvals(*, actor: Account, organisation: Account, count: int) -> ReviewSettings:
    """How many reviewers must approve each draft (1 to APPROVALS_MAX). Drafts already approved under a
    lower requirement are re-checked when they are published."""
    _require(actor, organisation, ADMINS)
    if not 1 <= count <= APPROVALS_MAX:
        raise Invalid(f"Choose between 1 and {APPROVALS_MAX} approvals.", field="required_approvals")
    row, _ = ReviewSettings.objects.select_for_update().get_or_create(organisation=organisation)
    if row.required_approvals != count:
        audit.record(
            organisation=organisation,
            actor=actor,
            action="settings.required_approvals",
            subject=f"organisation:{organisation.pk}",
            before={"required_approvals": row.required_approvals},
            after={"required_approvals": count},
        )
        row.required_approvals = count
        row.save(update_fields=["required_approvals"])
    return row
