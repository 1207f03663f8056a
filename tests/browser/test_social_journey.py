"""Two people in two browsers: one shares a photo, the other follows, finds it in the home feed, likes it with
a double-tap, comments; the author is told, replies, and the commenter is told in turn. Every social step
goes through the pages and forms a person uses."""

import re

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from openhouse.media import services as media
from openhouse.posts import services as posts
from tests.conftest import PASSWORD, jpeg_bytes, person, upload

# One worker runs every browser module under `pytest -n 2 --dist loadgroup`, so chromium starts once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}


def log_in(context: BrowserContext, base: str, handle: str) -> Page:
    """Through the real login form; the person lands on their home feed."""
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Handle or e-mail").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base + "/")
    expect(page.get_by_role("link", name="Your profile")).to_be_visible()
    return page


def double_tap(cdp, *, x: float, y: float) -> None:
    """Two quick finger taps on one spot, through the browser's own gesture recognition (as in test_journey)."""
    for _ in range(2):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def mark_document(page: Page) -> list:
    """Set a marker that only survives if the page is never reloaded, and record any main-frame navigation."""
    page.evaluate("window.__marker = 1")
    navigations: list = []
    page.on(
        "framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None
    )
    return navigations


def expect_same_document(page: Page, url: str, navigations: list) -> None:
    assert page.url == url
    assert page.evaluate("window.__marker") == 1
    assert navigations == []


def screenshot_from_top(page: Page, path: str) -> None:
    """The whole page as it reads from the top (scrolled to an anchor, the sticky header lands mid-shot)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=path, full_page=True)


@pytest.mark.browser
def test_follow_feed_double_tap_like_comment_reply_and_notifications(
    browser_allowed, live_server, new_context, tmp_path
):
    base = live_server.url
    ada = person("ada.author", "Ada Author")
    person("bob.reader", "Bob Reader")
    # An older post of Ada's, made before anyone looks, for the real-finger double-tap at the end of step 4.
    older_item = media.store_photos(owner=ada, uploads=[upload(jpeg_bytes((1080, 1080), "teal"), "old.jpg")])
    posts.create_post(
        author=ada, media_ids=[older_item[0].pk], caption="Harbour at noon", alt_texts=["A harbour"]
    )

    # Both people are on phones, each in their own browser (separate cookies), logged in through the form.
    ada_ctx, bob_ctx = new_context(**PHONE), new_context(**PHONE)
    a = log_in(ada_ctx, base, "ada.author")
    b = log_in(bob_ctx, base, "bob.reader")

    # 1. Ada shares a photo through the upload and compose pages.
    a.get_by_role("link", name="New post").click()
    photo = tmp_path / "lighthouse.jpg"
    Image.new("RGB", (1200, 900), (230, 140, 40)).save(photo, "JPEG", quality=85)
    a.get_by_label("Photos", exact=True).set_input_files(photo)
    expect(a.get_by_role("list", name="Chosen photos").get_by_role("img")).to_have_count(1)
    a.get_by_role("button", name="Next").click()
    expect(a).to_have_url(re.compile(r"/new/compose/\?m=\d+$"))
    a.get_by_label("Alt text for photo 1").fill("An orange lighthouse")
    a.get_by_label("Caption").fill("Lighthouse at dusk")
    a.get_by_role("button", name="Share").click()
    expect(a).to_have_url(re.compile(r"/p/\d+/$"))
    post_url = a.url

    # 2. Bob opens Ada's profile and follows her: the button turns into "Following", she has one follower.
    b.goto(base + "/ada.author/")
    expect(b.get_by_role("heading", name="ada.author")).to_be_visible()
    expect(b.locator(".counts")).to_contain_text("0 followers")
    b.get_by_role("button", name="Follow", exact=True).click()
    following = b.get_by_role("button", name="Following")
    expect(following).to_be_visible()
    expect(following).to_have_attribute("aria-pressed", "true")
    expect(b.get_by_role("button", name="Follow", exact=True)).to_have_count(0)
    expect(b.locator(".counts")).to_contain_text(re.compile(r"\b1 follower\b"))

    # 3. Bob's home feed has Ada's new post on top: her handle, the photo, the caption.
    b.get_by_role("link", name="Home", exact=True).click()
    expect(b).to_have_url(base + "/")
    cards = b.locator(".feed article.card")
    expect(cards).to_have_count(2)
    card = cards.filter(has=b.get_by_role("img", name="An orange lighthouse"))
    expect(card).to_have_count(1)
    expect(cards.first).to_contain_text("Lighthouse at dusk")
    expect(card.locator(".card-head").get_by_role("link", name="ada.author")).to_be_visible()
    expect(card.get_by_role("img", name="An orange lighthouse")).to_be_visible()
    b.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=card.locator("img").element_handle()
    )

    # 4. A double-tap on the photo likes it in place: the heart fills, "1 like" shows, the page never reloads.
    like = card.get_by_role("button", name="Like")
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(card.locator(".likes")).to_have_text("0 likes")
    navigations = mark_document(b)
    card.locator(".carousel").dblclick()
    expect(card.locator(".heart-burst")).to_have_count(1)  # the burst of a heart over the photo
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".likes")).to_have_text("1 like")
    expect(card.locator(".heart-burst")).to_have_count(0)  # it fades and is removed
    expect_same_document(b, base + "/", navigations)
    # Again, with a real finger (touch events through chromium's gesture recognition), on the older post.
    older = cards.filter(has=b.get_by_role("img", name="A harbour"))
    older_like = older.get_by_role("button", name="Like")
    expect(older_like).to_have_attribute("aria-pressed", "false")
    older.locator(".carousel").scroll_into_view_if_needed()
    box = older.locator(".carousel").bounding_box()
    assert box
    double_tap(bob_ctx.new_cdp_session(b), x=box["x"] + box["width"] / 2, y=box["y"] + box["height"] / 2)
    expect(older_like).to_have_attribute("aria-pressed", "true")
    expect(older.locator(".likes")).to_have_text("1 like")
    expect_same_document(b, base + "/", navigations)
    # Both likes were stored: they survive a reload.
    b.reload()
    expect(card.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")
    expect(older.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")

    # 5. Bob opens the post and comments on it; the comment is on the page he lands on.
    card.locator("a.timestamp").click()
    expect(b).to_have_url(post_url)
    expect(b.locator(".comments")).to_contain_text("No comments yet.")
    b.get_by_placeholder("Add a comment…").fill("What a glow! Where is this?")
    b.get_by_role("button", name="Post", exact=True).click()
    expect(b).to_have_url(re.compile(re.escape(post_url) + r"#c\d+$"))
    bobs = b.locator(".comments > .comment")
    expect(bobs).to_have_count(1)
    expect(bobs.first).to_contain_text("bob.reader")
    expect(bobs.first).to_contain_text("What a glow! Where is this?")
    expect(b.locator(".comments")).not_to_contain_text("No comments yet.")
    expect(b.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "true")

    # 6. Ada loads a page: the header's notifications link carries an unread badge.
    a.goto(base + "/")
    bell = a.locator("header .notif")
    badge = bell.locator("[data-unread]")
    expect(badge).to_be_visible()
    assert int(badge.inner_text()) >= 1
    expect(bell).to_have_attribute("aria-label", re.compile(r"^Notifications, \d+ unread$"))
    bell.click()
    expect(a).to_have_url(base + "/notifications/")
    expect(a.get_by_role("heading", name="Notifications")).to_be_visible()
    items = a.locator(".notifications > li")
    liked = items.filter(has_text="liked your post").filter(has=a.get_by_role("link", name="bob.reader"))
    commented = items.filter(has_text="commented on your post").filter(
        has=a.get_by_role("link", name="bob.reader")
    )
    expect(liked).to_have_count(2)  # one line per post
    expect(commented).to_have_count(1)
    expect(commented).to_contain_text("What a glow! Where is this?")
    expect(items.filter(has_text="started following you")).to_have_count(1)
    a.screenshot(path="/tmp/journey-notifications-ada.png", full_page=True)
    # Reading them is a separate step: the badge stays until Ada marks them read.
    a.get_by_role("button", name="Mark all as read").click()
    expect(a).to_have_url(base + "/notifications/")
    expect(badge).to_have_count(0)
    expect(bell).to_have_attribute("aria-label", "Notifications")
    expect(commented).to_have_count(1)

    # Ada follows the notification to Bob's comment and replies under it.
    commented.get_by_role("link", name="View").click()
    expect(a).to_have_url(re.compile(re.escape(post_url) + r"#c\d+$"))
    comment = a.locator(".comments > .comment").filter(has_text="What a glow!")
    reply_form = comment.locator("form.reply-form")
    expect(reply_form).to_be_hidden()
    comment.get_by_role("link", name="Reply").click()
    expect(a).to_have_url(re.compile(r"#reply-\d+$"))
    expect(reply_form).to_be_visible()
    reply_form.get_by_label("Reply to bob.reader").fill("Thanks! It is the Point Reyes light.")
    reply_form.get_by_role("button", name="Reply").click()
    expect(a).to_have_url(re.compile(re.escape(post_url) + r"#c\d+$"))
    reply = a.locator(".comments > .replies > li > .comment")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("ada.author")
    expect(reply).to_contain_text("Thanks! It is the Point Reyes light.")
    # Indented under Bob's comment: it follows it and starts further right.
    top_box, reply_box = comment.bounding_box(), reply.bounding_box()
    assert top_box and reply_box
    assert reply_box["y"] >= top_box["y"] + top_box["height"] - 1
    assert reply_box["x"] >= top_box["x"] + 20
    screenshot_from_top(a, "/tmp/journey-post-ada.png")

    # 7. Bob loads a page and has an unread badge; his notifications say Ada replied to his comment.
    b.goto(base + "/")
    bob_badge = b.locator("header .notif [data-unread]")
    expect(bob_badge).to_be_visible()
    assert int(bob_badge.inner_text()) >= 1
    b.locator("header .notif").click()
    expect(b).to_have_url(base + "/notifications/")
    replied = b.locator(".notifications > li").filter(has_text="replied to your comment")
    expect(replied).to_have_count(1)
    expect(replied.get_by_role("link", name="ada.author")).to_be_visible()
    expect(replied).to_contain_text("Thanks! It is the Point Reyes light.")
    b.screenshot(path="/tmp/journey-notifications-bob.png", full_page=True)
    replied.get_by_role("link", name="View").click()
    expect(b.locator(".comments .replies")).to_contain_text("Point Reyes")
    screenshot_from_top(b, "/tmp/journey-post-bob.png")
