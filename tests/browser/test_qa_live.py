"""A live Q&A in three browsers: a member of the public asks, a moderator approves, an officer answers under
a role label, and the first browser shows the answer within two seconds without reloading."""

import datetime as dt
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openhouse.accounts import services as accounts
from openhouse.accounts.models import Membership, RoleLabel
from openhouse.qa import services as qa
from tests.browser.test_social_journey import PHONE, expect_same_document, log_in, mark_document
from tests.conftest import PASSWORD, code_for, enrol, person

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def concurrent_live_server(live_server):
    """The live server with one database connection per request thread.

    pytest-django decides at start-up, when the test database is still named ':memory:', to hand the test
    thread's one SQLite connection to every request thread. This page polls while other browsers post, so
    requests overlap, and one sqlite3 connection used from two threads at once fails ("bad parameter or
    other API misuse") or crashes. The test database is a file (tests/settings.py), so each request thread
    can open its own; the shared connection is restored afterwards.
    """
    from django.db import connections

    override = live_server.thread.connections_override
    shared = {}
    if not connections["default"].is_in_memory_db():
        shared = {alias: override.pop(alias) for alias in list(override)}
    yield live_server
    override.update(shared)


def log_in_with_code(context, base: str, handle: str, devices: dict):
    """Team members log in with their password, then the code their authenticator app shows."""
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Handle or e-mail").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(code_for(devices[handle]))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Your profile")).to_be_visible()
    return page


@pytest.mark.browser
def test_answer_appears_live_for_the_asker_without_a_reload(
    browser_allowed, concurrent_live_server, new_context, tmp_path
):
    base = concurrent_live_server.url
    org = accounts.create_organisation(handle="mi5official", display_name="MI5")
    moderator = person("reviewer.canary", "Canary Reviewer Realname")
    answerer = person("officer.canary", "Canary Officer Realname")
    Membership.objects.create(organisation=org, member=moderator, role=Membership.Role.REVIEWER)
    Membership.objects.create(organisation=org, member=answerer, role=Membership.Role.AUTHOR)
    devices = {"reviewer.canary": enrol(moderator), "officer.canary": enrol(answerer)}
    RoleLabel.objects.create(organisation=org, name="Surveillance officer")
    RoleLabel.objects.create(organisation=org, name="Agent runner", position=1)
    person("curious.teen", "Curious Teen")
    now = timezone.now()
    session = qa.open_session(
        actor=answerer,
        organisation=org,
        title="Ask a surveillance officer",
        intro="Live for an hour.",
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(hours=1),
    )
    session_url = f"{base}/qa/{session.pk}/"

    # 1. The member of the public, on a phone, asks.
    public = log_in(new_context(**PHONE), base, "curious.teen")
    public.goto(session_url)
    public.get_by_label("Your question").fill("Do you ever get recognised on the street?")
    public.get_by_role("button", name="Send question").click()
    expect(public.get_by_text("will appear here once a moderator has read it")).to_be_visible()
    expect(public.get_by_text("Do you ever get recognised on the street?")).to_be_visible()  # theirs, pending
    expect(public.locator("#answers")).to_contain_text("No answers yet")
    navigations = mark_document(public)

    # 2. The moderator approves it from the queue.
    mod = log_in_with_code(new_context(), base, "reviewer.canary", devices)
    mod.goto(f"{base}/qa/{session.pk}/moderate/")
    item = mod.locator(".queue-item", has_text="recognised on the street")
    item.get_by_role("button", name="Approve").click()
    expect(mod.get_by_text("Approved.")).to_be_visible()

    # 3. An officer answers under a role label.
    officer = log_in_with_code(new_context(), base, "officer.canary", devices)
    officer.goto(f"{base}/qa/{session.pk}/moderate/?status=approved")
    item = officer.locator(".queue-item", has_text="recognised on the street")
    item.get_by_label("Answer", exact=True).fill("Never. Blending in is most of the job.")
    item.get_by_label("Answer as").select_option("Agent runner")
    item.get_by_role("button", name="Publish answer").click()
    expect(officer.get_by_text("Answer published as “Agent runner”")).to_be_visible()
    published = time.monotonic()

    # 4. The first browser shows it within two seconds, in the same document.
    answer = public.locator("#answers .qa-answer", has_text="Blending in is most of the job.")
    expect(answer).to_be_visible(timeout=2_000)
    assert time.monotonic() - published <= 2.0
    expect(answer.locator(".role-label")).to_have_text("Agent runner")
    expect_same_document(public, session_url, navigations)
    page_text = public.locator("body").inner_text()
    for canary in ("officer.canary", "Canary Officer Realname", "reviewer.canary"):
        assert canary not in page_text
    public.screenshot(path=str(tmp_path / "qa-live-phone.png"), full_page=True)
