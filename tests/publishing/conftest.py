"""Publishing fixtures: the organisation's labels, a second reviewer and an admin, and drafts at each stage."""

import pytest
from django.test import TestCase

from openhouse.accounts.models import Membership, RoleLabel
from openhouse.publishing import services as publishing
from tests.conftest import enrol, jpeg_bytes, person, upload


@pytest.fixture
def label(organisation) -> RoleLabel:
    return RoleLabel.objects.create(organisation=organisation, name="Surveillance officer")


@pytest.fixture
def second_reviewer(db, organisation):
    account = person("reviewer.two", "Second Reviewer Realname")
    Membership.objects.create(organisation=organisation, member=account, role=Membership.Role.REVIEWER)
    enrol(account)
    return account


def photos(count: int = 2) -> list:
    return [upload(jpeg_bytes((320, 240), (40 * n, 90, 140)), f"{n}.jpg") for n in range(count)]


def write_draft(author, organisation, *, caption="From the archive #archives", label=None, count=2):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the reports' tasks run once the upload commits
        draft = publishing.start_draft(actor=author, organisation=organisation, uploads=photos(count))
    items = publishing.draft_photos(draft)
    return publishing.edit_draft(
        actor=author,
        draft=draft,
        caption=caption,
        role_label_id=label.pk if label else None,
        media_ids=[i.pk for i in items],
        alt_texts=[f"Archive photo {n}" for n in range(1, count + 1)],
    )


def submitted(author, organisation, **kwargs):
    return publishing.submit_draft(actor=author, draft=write_draft(author, organisation, **kwargs))


def approved(author, reviewer, organisation, **kwargs):
    draft = submitted(author, organisation, **kwargs)
    return publishing.approve_draft(reviewer=reviewer, draft=draft, revision=draft.revision)
