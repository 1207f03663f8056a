"""The pre-publication report in review: what each original records, faces blurred with one click before
anything is published, and originals discarded once the post is out or the draft deleted."""

import io
from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from PIL import Image

from openhouse.core.errors import Invalid
from openhouse.media import services as media
from openhouse.media.models import Original
from openhouse.posts.models import Post
from openhouse.publishing import services as publishing
from openhouse.publishing.models import Draft
from tests.conftest import log_in_verified, stored_files, text, upload
from tests.media.camera import camera_jpeg, exif_block, photo_pixels

skimage_data = pytest.importorskip("skimage.data")

pytestmark = pytest.mark.django_db
Status = Draft.Status


def astronaut_jpeg() -> bytes:
    thumb = io.BytesIO()
    photo_pixels((160, 120)).save(thumb, "JPEG", quality=70)
    out = io.BytesIO()
    Image.fromarray(skimage_data.astronaut()).save(out, "JPEG", quality=92, exif=exif_block(thumb.getvalue()))
    return out.getvalue()


def draft_of(officer, organisation, *datas: bytes) -> Draft:
    uploads = [upload(d, f"{n}.jpg") for n, d in enumerate(datas)]
    with TestCase.captureOnCommitCallbacks(execute=True):  # the reports' tasks run once the upload commits
        draft = publishing.start_draft(actor=officer, organisation=organisation, uploads=uploads)
    return publishing.submit_draft(actor=officer, draft=draft)


def test_reviewers_see_position_serial_and_faces_of_each_original(client, organisation, officer, reviewer):
    draft = draft_of(officer, organisation, camera_jpeg((320, 240)), astronaut_jpeg())
    log_in_verified(client, reviewer)
    page = text(client.get(reverse("studio-draft", args=[organisation.handle, draft.pk])))
    assert "This photo records where it was taken (51.4874, -0.1249)." in page
    assert "SERIAL-CANARY-4815162342" in page and "CanaryCamMaker" in page
    assert "1 face was found: blur it unless it may be shown." in page
    assert page.count('class="face-box"') == 1
    assert "Blur face 1 in photo 2" in page


def test_one_click_blurs_a_face_makes_a_new_revision_and_the_reviewer_may_still_approve(
    client, organisation, officer, reviewer, media_root, django_capture_on_commit_callbacks
):
    draft = draft_of(officer, organisation, astronaut_jpeg())
    item = publishing.draft_photos(draft)[0]
    old_key = item.key
    log_in_verified(client, reviewer)
    url = reverse("studio-draft-blur", args=[organisation.handle, draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"media": item.pk, "face": 0}, follow=True)
    assert "Face blurred." in text(response) and "face-box blurred" in response.content.decode()
    item.refresh_from_db()
    assert item.key != old_key and not any(old_key in str(p) for p in stored_files(media_root))
    assert Original.objects.get(item=item).blur_regions != []
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.revision == 2 and reviewer.pk not in draft.writer_ids
    with pytest.raises(Invalid, match="already blurred"):
        publishing.blur_face(actor=reviewer, draft=draft, media_id=item.pk, face=0)
    with pytest.raises(Invalid, match="isn't in this photo's report"):
        publishing.blur_face(actor=reviewer, draft=draft, media_id=item.pk, face=5)
    draft = publishing.approve_draft(reviewer=reviewer, draft=draft, revision=2, publish_now=True)
    assert draft.status == Status.PUBLISHED


def test_a_blur_after_approval_needs_a_new_approval(organisation, officer, reviewer):
    draft = draft_of(officer, organisation, astronaut_jpeg())
    draft = publishing.approve_draft(reviewer=reviewer, draft=draft, revision=draft.revision)
    item = publishing.draft_photos(draft)[0]
    draft = publishing.blur_face(actor=officer, draft=draft, media_id=item.pk, face=0)
    assert draft.status == Status.SUBMITTED and not publishing.approvals_cover(draft)


def test_originals_are_discarded_when_published_or_deleted(
    organisation, officer, reviewer, originals_root, django_capture_on_commit_callbacks
):
    published = draft_of(officer, organisation, camera_jpeg((320, 240)))
    deleted = draft_of(officer, organisation, camera_jpeg((320, 240)), camera_jpeg((320, 240)))
    assert Original.objects.count() == 3 and len(stored_files(originals_root)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        publishing.approve_draft(
            reviewer=reviewer, draft=published, revision=published.revision, publish_now=True
        )
    assert Original.objects.count() == 2 and len(stored_files(originals_root)) == 2
    assert Post.objects.get().media.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        publishing.delete_draft(actor=officer, draft=deleted)
    assert not Original.objects.exists() and stored_files(originals_root) == []


def test_a_withdrawn_draft_keeps_its_photos_but_not_their_originals(
    client, organisation, officer, reviewer, media_root, originals_root, django_capture_on_commit_callbacks
):
    draft = draft_of(officer, organisation, camera_jpeg((320, 240)))
    assert len(stored_files(originals_root)) == 1
    served = stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        draft = publishing.withdraw_draft(actor=reviewer, draft=draft)
    assert not Original.objects.exists() and stored_files(originals_root) == []
    assert stored_files(media_root) == served  # the cleaned photos stay, read-only, with the history
    log_in_verified(client, officer)
    page = text(client.get(reverse("studio-draft", args=[organisation.handle, draft.pk])))
    assert "deleted when this draft was withdrawn" in page and "Serial number" not in page
    with django_capture_on_commit_callbacks(execute=True):
        swept = media.discard_unattached(older_than=timedelta(seconds=-1))  # a day later, say
    assert swept == 0 and len(publishing.draft_photos(draft)) == 1 and stored_files(media_root) == served
