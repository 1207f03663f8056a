"""The pre-publication report is made by a task after the upload commits, not in the upload request: until
it is there the studio says so and offers no approval, an approval never stands without it, and a lost
task is picked up by the sweeper."""

import pytest
from django.tasks import default_task_backend
from django.test import TestCase
from django.urls import reverse

from openhouse.core.errors import Invalid
from openhouse.media import services as media
from openhouse.media.models import Original
from openhouse.posts.models import Post
from openhouse.publishing import services as publishing
from openhouse.publishing.models import Review
from tests.conftest import log_in_verified, text, upload
from tests.media.camera import camera_jpeg

pytestmark = pytest.mark.django_db

GPS_WARNING = "This photo records where it was taken (51.4874, -0.1249)."


@pytest.fixture
def queue_only(settings):
    """A task backend that keeps what is enqueued and runs nothing, like a worker that hasn't got to it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


def _submitted(officer, organisation):
    with TestCase.captureOnCommitCallbacks(execute=True):
        draft = publishing.start_draft(
            actor=officer, organisation=organisation, uploads=[upload(camera_jpeg((320, 240)))]
        )
    return publishing.submit_draft(actor=officer, draft=draft)


def _queued(backend) -> list:
    return [r.kwargs["original_id"] for r in backend.results if r.task.name == "inspect_original"]


def test_the_upload_queues_the_report_and_the_studio_waits_for_it(
    client, organisation, officer, reviewer, queue_only
):
    draft = _submitted(officer, organisation)
    original = Original.objects.get()
    assert original.inspected_at is None and original.report == {} and _queued(queue_only) == [original.pk]
    log_in_verified(client, reviewer)
    page = text(client.get(reverse("studio-draft", args=[organisation.handle, draft.pk])))
    assert "The report on this photo is being prepared" in page and GPS_WARNING not in page
    assert ">Approve</button>" not in page

    assert media.inspect_original(original_id=original.pk) is True  # what the worker does
    assert media.inspect_original(original_id=original.pk) is False  # once only
    page = text(client.get(reverse("studio-draft", args=[organisation.handle, draft.pk])))
    assert GPS_WARNING in page and ">Approve</button>" in page


def test_no_approval_before_the_report_whatever_the_way_in(organisation, officer, reviewer, queue_only):
    """The API has no report to show: a reviewer there is refused too until the task has run."""
    draft = _submitted(officer, organisation)
    with pytest.raises(Invalid, match="still being prepared"):
        publishing.approve_draft(reviewer=reviewer, draft=draft, revision=draft.revision, publish_now=True)
    assert not Review.objects.exists() and not Post.objects.exists()
    media.inspect_original(original_id=Original.objects.get().pk)
    publishing.approve_draft(reviewer=reviewer, draft=draft, revision=draft.revision, publish_now=True)
    assert Post.objects.filter(author=organisation).count() == 1


def test_the_sweeper_requeues_a_lost_report_task(organisation, officer, queue_only):
    _submitted(officer, organisation)
    original = Original.objects.get()
    queue_only.clear()  # the queue lost it
    assert media.inspect_pending() == 0  # too recent: its task may still be on the way
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert media.inspect_pending(older_than_s=-1) == 1
    assert _queued(queue_only) == [original.pk]


def test_a_report_task_for_a_discarded_original_does_nothing(organisation, officer, reviewer, queue_only):
    draft = _submitted(officer, organisation)
    original = Original.objects.get()
    publishing.delete_draft(actor=officer, draft=draft)
    assert media.inspect_original(original_id=original.pk) is False
