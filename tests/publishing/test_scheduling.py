"""Scheduled publication: on time through the sweeper (or the deferred task), and never for a draft that is
not approved in its current version. Time is moved with time-machine; nothing sleeps."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from openhouse.core.errors import Invalid
from openhouse.posts.models import Post
from openhouse.publishing import services as publishing
from openhouse.publishing.models import Draft
from tests.conftest import log_in_verified, text
from tests.publishing.conftest import approved, submitted

pytestmark = pytest.mark.django_db
Status = Draft.Status
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_scheduled_post_publishes_on_time_and_only_once(
    clock, organisation, officer, reviewer, label, capsys
):
    draft = submitted(officer, organisation, label=label)
    at = START + timedelta(hours=2)
    draft = publishing.approve_draft(reviewer=reviewer, draft=draft, revision=draft.revision, publish_at=at)
    assert draft.status == Status.SCHEDULED and draft.publish_at == at

    clock.move_to(at - timedelta(seconds=1))
    assert publishing.publish_due_drafts() == 0 and not Post.objects.exists()

    clock.move_to(at + timedelta(seconds=5))
    call_command("publish_due")
    assert "Published 1 scheduled post." in capsys.readouterr().out
    post = Post.objects.get()
    assert post.author == organisation and post.role_label == "Surveillance officer"
    assert post.created_at == at + timedelta(seconds=5)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.post == post
    assert publishing.publish_due_drafts() == 0 and Post.objects.count() == 1
    assert publishing.publish_due(draft_id=draft.pk) is None


def test_an_edit_after_scheduling_cancels_the_publication(clock, organisation, officer, reviewer):
    draft = approved(officer, reviewer, organisation)
    draft = publishing.schedule_draft(actor=officer, draft=draft, publish_at=START + timedelta(minutes=30))
    items = publishing.draft_photos(draft)
    draft = publishing.edit_draft(
        actor=officer,
        draft=draft,
        caption="Changed after approval",
        role_label_id=None,
        media_ids=[i.pk for i in items],
        alt_texts=[i.alt_text for i in items],
    )
    assert draft.status == Status.SUBMITTED and draft.publish_at is None
    clock.move_to(START + timedelta(days=2))
    assert publishing.publish_due_drafts() == 0 and not Post.objects.exists()


def test_an_unapproved_draft_never_publishes_even_if_its_row_says_scheduled(clock, organisation, officer):
    """Whatever puts a draft in 'scheduled' (a bug, a hand-edited row), the sweeper checks the approvals."""
    draft = submitted(officer, organisation)
    Draft.objects.filter(pk=draft.pk).update(status=Status.SCHEDULED, publish_at=START + timedelta(minutes=1))
    clock.move_to(START + timedelta(hours=1))
    assert publishing.publish_due_drafts() == 0 and not Post.objects.exists()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_a_raised_requirement_sends_a_scheduled_draft_back_to_review(
    clock, organisation, officer, reviewer, second_reviewer, team_admin
):
    draft = approved(officer, reviewer, organisation)
    publishing.schedule_draft(actor=reviewer, draft=draft, publish_at=START + timedelta(hours=1))
    publishing.set_required_approvals(actor=team_admin, organisation=organisation, count=2)
    clock.move_to(START + timedelta(hours=1, minutes=1))
    assert publishing.publish_due_drafts() == 0 and not Post.objects.exists()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    draft = publishing.approve_draft(reviewer=second_reviewer, draft=draft, revision=draft.revision)
    assert draft.status == Status.APPROVED  # the first approval of this revision still counts


def test_schedule_times_must_be_in_the_future_and_within_a_year(clock, organisation, officer, reviewer):
    draft = approved(officer, reviewer, organisation)
    for when, sentence in [
        (START - timedelta(minutes=1), "in the future"),
        (START + timedelta(days=400), "up to a year ahead"),
        (datetime(2026, 12, 2, 9, 0), "time zone"),
    ]:
        with pytest.raises(Invalid, match=sentence):
            publishing.schedule_draft(actor=officer, draft=draft, publish_at=when)
    draft = publishing.schedule_draft(actor=officer, draft=draft, publish_at=START + timedelta(hours=3))
    draft = publishing.unschedule_draft(actor=officer, draft=draft)
    assert draft.status == Status.APPROVED and draft.publish_at is None


def test_with_a_deferring_backend_the_task_is_queued_for_the_due_time(
    clock, settings, organisation, officer, reviewer, django_capture_on_commit_callbacks
):
    from django.tasks import default_task_backend

    draft = approved(officer, reviewer, organisation)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    at = START + timedelta(hours=5)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.schedule_draft(actor=officer, draft=draft, publish_at=at)
    queued = [r for r in default_task_backend.results if r.task.name == "publish_due"]
    assert [(r.task.run_after, r.args, r.kwargs) for r in queued] == [(at, [], {"draft_id": draft.pk})]


def test_the_studio_schedules_through_the_review_form(clock, client, organisation, officer, reviewer):
    draft = submitted(officer, organisation)
    log_in_verified(client, reviewer)
    url = reverse("studio-draft-action", args=[organisation.handle, draft.pk, "approve"])
    response = client.post(url, {"revision": draft.revision, "when": "schedule", "publish_at": ""})
    assert response.status_code == 400 and "Choose when to publish." in text(response)
    response = client.post(
        url, {"revision": draft.revision, "when": "schedule", "publish_at": "2026-12-01T18:30"}, follow=True
    )
    assert "Approved and scheduled for 1 December 2026, 18:30 UTC." in text(response)
    draft.refresh_from_db()
    assert draft.status == Status.SCHEDULED and draft.publish_at == datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
