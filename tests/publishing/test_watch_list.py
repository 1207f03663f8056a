"""The organisation's watch list: safe patterns only, and every hit shown to reviewers in the report."""

import time

import pytest
from django.urls import reverse

from openhouse.accounts.models import RoleLabel
from openhouse.audit.models import AuditEntry
from openhouse.core.errors import Invalid, NotAllowed
from openhouse.publishing import queries, watchlist
from openhouse.publishing import services as publishing
from openhouse.publishing.models import WATCH_PATTERN_MAX, WatchEntry
from tests.conftest import log_in_verified, text
from tests.publishing.conftest import submitted

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("pattern", "sentence"),
    [
        (r"(a+)+$", "Repetition inside repetition"),
        (r"(\w+\s?)*x", "Repetition inside repetition"),
        (r"(.*a){12}", "Repetition inside repetition"),
        (r"(a|aa)*b", "Alternatives inside repetition"),
        (r"(x)\1", "Back-references"),
        (r"[unclosed", "isn't a valid regular expression"),
        (r"a*", "matches empty text"),
        ("", "Write a word"),
        ("x" * (WATCH_PATTERN_MAX + 1), f"at most {WATCH_PATTERN_MAX}"),
        ("pod\u202e", "invisible"),
    ],
)
def test_dangerous_or_broken_patterns_are_refused_with_a_sentence(pattern, sentence):
    with pytest.raises(Invalid, match=sentence):
        watchlist.clean_pattern(pattern, is_regex=True)


def test_accepted_expressions_stay_fast_on_100_kb_of_adversarial_text():
    patterns = [r"\bagent\s+runner\b", r"pod[s]?", r"MI\d{1,2}", r"(?:thames|vauxhall) house", "x" * 100]
    for p in patterns:
        watchlist.clean_pattern(p, is_regex=True)
    texts = {"caption": "a" * 50_000 + "agent  " * 5_000 + "x" * 20_000 + "!"}
    started = time.perf_counter()
    hits = watchlist.find_hits([(p, True) for p in patterns], texts)
    assert time.perf_counter() - started < 2.0
    assert len([h for h in hits if h.pattern == "x" * 100]) == 200


def test_plain_entries_match_as_written_case_insensitively():
    hits = watchlist.find_hits(
        [("c.i.a", False), ("Thames House", False)], {"caption": "CIA and thames house"}
    )
    assert [(h.pattern, h.text) for h in hits] == [("Thames House", "thames house")]
    pieces = watchlist.highlight("CIA and thames house", hits)
    assert [(p.text, p.hit) for p in pieces] == [("CIA and ", False), ("thames house", True)]


def test_only_admins_change_the_watch_list_and_every_change_is_audited(organisation, officer, team_admin):
    with pytest.raises(NotAllowed):
        publishing.add_watch_entry(actor=officer, organisation=organisation, pattern="pods", is_regex=False)
    entry = publishing.add_watch_entry(
        actor=team_admin, organisation=organisation, pattern="pods", is_regex=False
    )
    assert (
        publishing.add_watch_entry(
            actor=team_admin, organisation=organisation, pattern="pods", is_regex=False
        )
        == entry
    )
    publishing.remove_watch_entry(actor=team_admin, organisation=organisation, entry_id=entry.pk)
    assert not WatchEntry.objects.exists()
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "watchlist.added",
        "watchlist.removed",
    ]


def test_reviewers_see_hits_in_caption_alt_text_and_role_label(
    client, organisation, officer, reviewer, team_admin
):
    label = RoleLabel.objects.create(organisation=organisation, name="Agent runner")
    for pattern, regex in [("pods", False), (r"agent\s+runner", True), ("badge", False)]:
        publishing.add_watch_entry(
            actor=team_admin, organisation=organisation, pattern=pattern, is_regex=regex
        )
    draft = submitted(officer, organisation, caption="Secrets stay behind the PODS.", label=label)
    items = publishing.draft_photos(draft)
    draft = publishing.edit_draft(
        actor=officer,
        draft=draft,
        caption=draft.caption,
        role_label_id=label.pk,
        media_ids=[i.pk for i in items],
        alt_texts=["A lobby", "An officer's badge on a desk"],
    )
    report = queries.report(draft=draft)
    assert sorted((h.field, h.text) for h in report.hits) == [
        ("alt text of photo 2", "badge"),
        ("caption", "PODS"),
        ("role label", "Agent runner"),
    ]
    log_in_verified(client, reviewer)
    page = client.get(reverse("studio-draft", args=[organisation.handle, draft.pk])).content.decode()
    assert '<mark class="watch-hit">PODS</mark>' in page
    assert '<mark class="watch-hit">badge</mark>' in page
    assert '<mark class="watch-hit">Agent runner</mark>' in page
    assert "3 watch-list hits" in page


def test_watch_list_page_adds_entries_and_shows_errors(client, organisation, team_admin, officer):
    log_in_verified(client, team_admin)
    url = reverse("studio-settings", args=[organisation.handle])
    response = client.post(url, {"do": "add_watch", "pattern": "(a+)+", "is_regex": "on"})
    assert response.status_code == 400 and "Repetition inside repetition" in text(response)
    response = client.post(url, {"do": "add_watch", "pattern": "vauxhall", "is_regex": ""}, follow=True)
    assert "Added to the watch list." in text(response) and "vauxhall" in text(response)
    RoleLabel.objects.create(organisation=organisation, name="Agent runner")
    assert "Agent runner" in text(client.get(url))  # listed; the team page changes them
    log_in_verified(client, officer)
    page = text(client.get(url))
    assert "vauxhall" in page and "Organisation admins change the watch list." in page
    assert client.post(url, {"do": "add_watch", "pattern": "x"}).status_code == 200
    assert WatchEntry.objects.count() == 1  # the author's attempt was refused
