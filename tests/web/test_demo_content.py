"""`openhouse demo` loads the organisation's Q&A, highlights, careers and links, and runs again safely."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from openhouse.careers.models import JobListing, ProfileSettings
from openhouse.posts.models import Highlight
from openhouse.qa.models import Answer, QASession
from tests.conftest import text

pytestmark = pytest.mark.django_db


def test_demo_has_a_closed_qa_highlights_listings_and_links(client):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115  (idempotent)
    closed = [s for s in QASession.objects.all() if s.has_closed()]
    assert closed and Answer.objects.filter(question__session=closed[0]).count() >= 3
    assert set(Answer.objects.values_list("role_label", flat=True)) >= {
        "Agent runner",
        "Analyst",
        "Archivist",
    }
    titles = list(Highlight.objects.filter(account__handle="mi5official").values_list("title", flat=True))
    assert titles == ["From the archive", "Careers", "Q&A", "Myth-busting"]
    assert all(Highlight.objects.values_list("cover_key", flat=True))
    assert JobListing.objects.count() == 2
    links = ProfileSettings.objects.get(organisation__handle="mi5official")
    assert links.careers_url.startswith("https://") and links.secure_channel_url.startswith("https://")
    page = text(client.get(reverse("profile", args=["mi5official"])))
    assert "Report something" in page and "From the archive" in page
    session_page = text(client.get(reverse("qa-session", args=[closed[0].pk])))
    assert (
        "Agent runner" in session_page
        and "mi5.comms" not in session_page
        and "MI5 social team" not in session_page
    )
