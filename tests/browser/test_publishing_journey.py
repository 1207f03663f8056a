"""An organisation post in a real browser: the author drafts a carousel under a role label, the reviewer
opens the pre-publication report, sees the position warning and the detected face, blurs it and approves
with a schedule; at that time the post appears on the profile with the label and without anyone's name."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from PIL import Image
from playwright.sync_api import Page, expect

from openhouse.accounts.models import RoleLabel
from openhouse.posts.models import Post
from openhouse.publishing import services as publishing
from tests.conftest import PASSWORD, code_for
from tests.media.camera import exif_block, photo_pixels

skimage_data = pytest.importorskip("skimage.data")

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def astronaut_with_gps(path):
    """A real photograph of a person, carrying a position and a camera serial as a phone would."""
    thumb = io.BytesIO()
    photo_pixels((160, 120)).save(thumb, "JPEG", quality=70)
    Image.fromarray(skimage_data.astronaut()).save(
        path, "JPEG", quality=92, exif=exif_block(thumb.getvalue())
    )
    return path


def landscape(path):
    Image.new("RGB", (900, 600), (70, 120, 180)).save(path, "JPEG", quality=85)
    return path


def log_in(page: Page, base: str, account, next_path: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Handle or e-mail").fill(account.handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(code_for(TOTPDevice.objects.get(user=account, confirmed=True)))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(base + next_path)


@pytest.mark.browser
def test_author_drafts_reviewer_blurs_and_schedules_the_post_appears_on_time(
    browser_allowed, live_server, new_context, tmp_path, organisation, officer, reviewer
):
    RoleLabel.objects.create(organisation=organisation, name="Surveillance officer")
    RoleLabel.objects.create(organisation=organisation, name="Press office")
    base, studio = live_server.url, f"/{organisation.handle}/studio/"

    # 1. The author: two photos, a caption, the label, alt texts; then to review.
    author = new_context().new_page()
    log_in(author, base, officer, studio)
    author.get_by_role("link", name="New draft").first.click()
    author.get_by_label("Photos", exact=True).set_input_files(
        [astronaut_with_gps(tmp_path / "crew.jpg"), landscape(tmp_path / "view.jpg")]
    )
    with author.expect_navigation(timeout=90_000):  # cleaning, the report and face detection of each photo
        author.get_by_role("button", name="Next").click(no_wait_after=True)
    expect(author.get_by_role("heading", name=re.compile("^Draft"))).to_be_visible()
    draft_url = author.url
    author.get_by_label("Alt text for photo 1").fill("A crew member in a flight suit in front of a flag")
    author.get_by_label("Alt text for photo 2").fill("Soft coloured light")
    author.get_by_label("Posted under").select_option(label="Surveillance officer")
    author.get_by_label("Caption").fill("What a day at work looks like. #careers")
    author.get_by_role("button", name="Save draft").click()
    expect(author.get_by_role("status")).to_contain_text("Draft saved.")
    author.get_by_role("button", name="Send to review").click()
    expect(author.get_by_role("status")).to_contain_text("Sent to review.")

    # 2. The reviewer: the report warns about the position and shows the face, boxed over the photo.
    checker = new_context().new_page()
    log_in(checker, base, reviewer, studio)
    checker.get_by_role("link", name=re.compile("What a day at work")).click()
    expect(checker).to_have_url(draft_url)
    photo_1 = checker.locator("#photo-1")
    expect(photo_1.get_by_text(re.compile(r"records where it was taken \(51\.48"))).to_be_visible()
    expect(photo_1.get_by_text("SERIAL-CANARY-4815162342").first).to_be_visible()
    expect(photo_1.locator("rect.face-box")).to_have_count(1)
    before = photo_1.locator(".report-image img").get_attribute("src")

    # One click blurs the face: the photo is remade from the original, the box is marked blurred.
    with checker.expect_navigation(timeout=60_000):  # the photo is remade from its original
        photo_1.get_by_role("button", name="Blur face 1 in photo 1").click(no_wait_after=True)
    expect(checker.get_by_role("status")).to_contain_text("Face blurred")
    photo_1 = checker.locator("#photo-1")
    expect(photo_1.locator("rect.face-box.blurred")).to_have_count(1)
    assert photo_1.locator(".report-image img").get_attribute("src") != before

    # Approve with a schedule two hours ahead (the form takes UTC).
    at = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0)
    checker.get_by_label("Approve and schedule").check()
    checker.get_by_label("Publish at (UTC)").fill(at.strftime("%Y-%m-%dT%H:%M"))
    checker.get_by_role("button", name="Approve", exact=True).click()
    expect(checker.get_by_role("status")).to_contain_text("Approved and scheduled for")

    # 3. The public: nothing yet. At the time, the sweeper publishes it under the label.
    public = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    public.goto(f"{base}/{organisation.handle}/")
    expect(public.get_by_text("No posts yet.")).to_be_visible()
    with time_machine.travel(at - timedelta(minutes=1), tick=False):
        assert publishing.publish_due_drafts() == 0
    with time_machine.travel(at + timedelta(seconds=20), tick=False):
        assert publishing.publish_due_drafts() == 1
    post = Post.objects.get()
    public.goto(f"{base}/{organisation.handle}/")
    public.locator(f"a[href='/p/{post.pk}/']").click()
    expect(public.locator(".post-head")).to_contain_text("mi5official")
    expect(public.locator(".post-head")).to_contain_text("Surveillance officer")
    expect(public.get_by_text("What a day at work looks like.")).to_be_visible()
    body = public.content()
    for secret in (
        officer.handle,
        officer.display_name,
        reviewer.handle,
        reviewer.display_name,
        officer.email,
    ):
        assert secret not in body
    first = public.locator(".slide img").first
    first.scroll_into_view_if_needed()
    public.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first.element_handle())


@pytest.mark.browser
def test_the_report_appears_when_its_task_is_done_and_the_authors_typing_stays(
    browser_allowed, live_server, new_context, settings, organisation, officer, reviewer
):
    """With a worker that hasn't got to the report yet, the studio says so; the page picks the report up by
    itself once the task ran, without a reload that would lose what the author was typing."""
    from django.tasks import default_task_backend

    from openhouse.media import services as media
    from openhouse.media.models import Original
    from tests.conftest import upload
    from tests.media.camera import camera_jpeg

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    draft = publishing.start_draft(
        actor=officer, organisation=organisation, uploads=[upload(camera_jpeg((640, 480)))]
    )
    path = f"/{organisation.handle}/studio/d/{draft.pk}/"
    page = new_context().new_page()
    log_in(page, live_server.url, officer, path)
    expect(page.get_by_text("The report on this photo is being prepared")).to_be_visible()
    page.get_by_label("Caption").fill("Half-typed caption, not saved yet")

    media.inspect_original(original_id=Original.objects.get().pk)  # what the worker does
    expect(page.get_by_text("This photo records where it was taken")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("The report on this photo is being prepared")).to_have_count(0)
    expect(page.get_by_label("Caption")).to_have_value("Half-typed caption, not saved yet")
