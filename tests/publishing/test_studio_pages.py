"""The studio through the web: a draft from upload to review, and pages whose query counts stay fixed."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openhouse.publishing import queries as studio_queries
from openhouse.publishing.models import Draft
from tests.conftest import log_in_verified, text
from tests.publishing.conftest import approved, photos, submitted, write_draft

pytestmark = pytest.mark.django_db


def test_an_author_uploads_describes_and_sends_a_carousel_to_review(client, organisation, officer, label):
    log_in_verified(client, officer)
    page = text(client.get(reverse("profile", args=[organisation.handle])))
    assert "Studio" in page
    response = client.post(reverse("studio-new", args=[organisation.handle]), {"photos": photos(3)})
    draft = Draft.objects.get()
    assert response["Location"] == reverse("studio-draft", args=[organisation.handle, draft.pk])
    ids = list(draft.photos.order_by("position").values_list("media_id", flat=True))
    form = {"caption": "Three views #archives", "role_label": label.pk}
    form |= {f"order_{pk}": n for n, pk in zip([3, 1, 2], ids, strict=True)}
    form |= {f"alt_{pk}": f"View {n}" for n, pk in enumerate(ids)}
    response = client.post(reverse("studio-draft", args=[organisation.handle, draft.pk]), form, follow=True)
    assert "Draft saved." in text(response)
    draft.refresh_from_db()
    assert draft.caption == "Three views #archives" and draft.role_label == label and draft.revision == 2
    assert list(draft.photos.order_by("position").values_list("media_id", flat=True)) == [
        ids[1],
        ids[2],
        ids[0],
    ]
    response = client.post(
        reverse("studio-draft-action", args=[organisation.handle, draft.pk, "submit"]), follow=True
    )
    assert "Sent to review." in text(response) and "In review" in text(response)


def test_the_upload_step_refuses_a_non_photo_with_a_sentence(client, organisation, officer):
    from tests.conftest import upload

    log_in_verified(client, officer)
    response = client.post(
        reverse("studio-new", args=[organisation.handle]), {"photos": [upload(b"not a photo", "x.jpg")]}
    )
    assert response.status_code == 400 and "isn't a photo openhouse can read" in text(response)
    assert not Draft.objects.exists()


def test_reviewers_cannot_start_drafts(client, organisation, reviewer):
    log_in_verified(client, reviewer)
    assert client.get(reverse("studio-new", args=[organisation.handle])).status_code == 404


def test_studio_list_query_count_is_constant(
    client, organisation, officer, reviewer, django_assert_num_queries
):
    log_in_verified(client, reviewer)
    url = reverse("studio", args=[organisation.handle])
    write_draft(officer, organisation)
    submitted(officer, organisation)
    client.get(url)
    with django_assert_num_queries(11) as one:
        client.get(url)
    for _ in range(3):
        approved(officer, reviewer, organisation, count=3)
        write_draft(officer, organisation)
    with django_assert_num_queries(len(one.captured_queries)):
        page = text(client.get(url))
    assert "Approved" in page and "In review" in page


def test_draft_page_query_count_does_not_grow_with_photos(
    client, organisation, officer, reviewer, django_assert_num_queries
):
    log_in_verified(client, reviewer)
    small, big = submitted(officer, organisation, count=1), submitted(officer, organisation, count=10)
    client.get(reverse("studio-draft", args=[organisation.handle, small.pk]))
    with django_assert_num_queries(16) as one:
        client.get(reverse("studio-draft", args=[organisation.handle, small.pk]))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("studio-draft", args=[organisation.handle, big.pk]))


def test_a_busy_status_never_hides_a_draft_waiting_for_review(client, organisation, officer, monkeypatch):
    """Each section shows its own most recent drafts and its true total; a status's full list pages on."""
    monkeypatch.setattr(studio_queries, "STUDIO_PAGE", 3)
    now = timezone.now()

    def made(status, n, caption):
        return Draft.objects.create(
            organisation=organisation,
            created_by=officer,
            updated_by=officer,
            writer_ids=[officer.pk],
            status=status,
            caption=caption,
            updated_at=now - timedelta(minutes=n),
        )

    waiting = made(Draft.Status.SUBMITTED, 500, "Waiting since long ago")
    for n in range(8):
        made(Draft.Status.PUBLISHED, n, f"Published number {n}")
    log_in_verified(client, officer)
    url = reverse("studio", args=[organisation.handle])
    with CaptureQueriesContext(connection) as counted:
        page = text(client.get(url))
    assert "Waiting since long ago" in page and reverse(
        "studio-draft", args=[organisation.handle, waiting.pk]
    )
    assert "Published number 2" in page and "Published number 3" not in page
    assert '?status=published">See all 8</a>' in page
    shown = []
    next_url = f"{url}?status=published"
    while next_url:
        response = client.get(next_url)
        body = text(response)
        shown += [n for n in range(8) if f"Published number {n}" in body]
        older = re.search(r'href="(\?status=published&amp;before=[0-9-]+)"', response.content.decode())
        next_url = url + older.group(1).replace("&amp;", "&") if older else ""
    assert shown == list(range(8))  # every published draft once, newest change first
    assert client.get(f"{url}?status=nonsense").status_code == 404
    assert client.get(f"{url}?status=published&before=x-1").status_code == 404
    assert client.get(f"{url}?status=published&before=9000000000000000000-1").status_code == 404
    for n in range(8, 20):
        made(Draft.Status.DRAFT, n, f"Draft number {n}")
    with CaptureQueriesContext(connection) as more:
        assert '?status=draft">See all 12</a>' in client.get(url).content.decode()
    assert len(more.captured_queries) == len(counted.captured_queries)
