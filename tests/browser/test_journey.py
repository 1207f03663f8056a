"""A newcomer's first minutes in a real browser: sign up, fill in the profile, share a three-photo post, find
it again, and swipe through it on a phone. Every check is about what the person sees."""

import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from openhouse.media import services as media
from openhouse.posts import services as posts
from tests.conftest import PASSWORD, jpeg_bytes, person, upload

# One worker runs the whole module under `pytest -n 2 --dist loadgroup`, so chromium starts once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}


def write_jpeg(path, color, size=(1200, 900)):
    Image.new("RGB", size, color).save(path, "JPEG", quality=85)
    return path


def swipe(cdp, *, x: float, y: float, dx: float, steps: int = 12) -> None:
    """One finger down, across, up, as touch input through the browser's own gesture recognition.

    Input.synthesizeScrollGesture with gestureSourceType "touch" would be the one-call way, but in headless
    Debian chromium 156 it delivers touchstart and touchend without a single touchmove, so nothing scrolls
    (mouse-sourced gestures do scroll, but that is a wheel, not a swipe). Input.dispatchTouchEvent is the
    same path a touchscreen takes.
    """
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, steps + 1):
        point = {"x": x + dx * step / steps, "y": y}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def expect_image_loads(page: Page, img) -> None:
    """The picture really shows: the browser decoded it, and (unless it is a local preview) its URL answers
    200 with an image."""
    img.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    src = img.evaluate("img => img.currentSrc")
    if src.startswith("blob:"):
        return
    response = page.request.get(src)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/")


@pytest.mark.browser
def test_sign_up_fill_profile_share_a_carousel_and_find_it_again(
    browser_allowed, live_server, page, tmp_path
):
    # 1. Sign up: the newcomer lands on their profile editor with a welcome.
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("E-mail").fill("ada@example.org")
    page.get_by_label("Name", exact=True).fill("Ada Lovelace")
    page.get_by_label("Handle").fill("ada.lovelace")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(live_server.url + "/accounts/edit/")
    expect(page.get_by_role("heading", name="Edit profile")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welcome to openhouse")

    # 2. A bio and a profile photo; the profile then shows both.
    page.get_by_label("Bio").fill("Counting machines and sunsets.")
    page.get_by_label("Profile photo", exact=True).set_input_files(
        write_jpeg(tmp_path / "me.jpg", (90, 40, 160))
    )
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(live_server.url + "/ada.lovelace/")
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    expect(page.get_by_role("heading", name="ada.lovelace")).to_be_visible()
    expect(page.locator(".bio")).to_contain_text("Counting machines and sunsets.")
    expect(page.locator(".bio")).to_contain_text("Ada Lovelace")
    avatar = page.locator(".profile-head .avatar img")
    expect(avatar).to_be_visible()
    expect_image_loads(page, avatar)
    expect(page.get_by_text("No posts yet.")).to_be_visible()

    # 3. Choose three photos; the page previews them before anything is uploaded.
    page.get_by_role("link", name="New post").click()
    expect(page.get_by_role("heading", name="New post")).to_be_visible()
    colours = {"red": (220, 30, 30), "green": (30, 180, 60), "blue": (30, 60, 220)}
    page.get_by_label("Photos", exact=True).set_input_files(
        [write_jpeg(tmp_path / f"{n}.jpg", c) for n, c in colours.items()]
    )
    previews = page.get_by_role("list", name="Chosen photos").get_by_role("img")
    expect(previews).to_have_count(3)
    for n in range(3):
        expect_image_loads(page, previews.nth(n))
    page.get_by_role("button", name="Next").click()

    # Compose: describe each photo, move the first one after the second, caption, share.
    expect(page).to_have_url(re.compile(r"/new/compose/\?m=\d+,\d+,\d+$"))
    expect(page.get_by_text("2 Describe and share")).to_be_visible()
    rows = page.locator("[data-item]")
    expect(rows).to_have_count(3)
    page.get_by_label("Alt text for photo 1").fill("A red square")
    page.get_by_label("Alt text for photo 2").fill("A green square")
    page.get_by_label("Alt text for photo 3").fill("A blue square")
    # Without JavaScript people type positions; with it they get Earlier/Later buttons, which keep them.
    expect(rows.first.get_by_role("button", name="Move photo earlier")).to_be_disabled()
    expect(rows.last.get_by_role("button", name="Move photo later")).to_be_disabled()
    rows.first.get_by_role("button", name="Move photo later").click()
    expect(rows.nth(0).get_by_role("textbox")).to_have_value("A green square")
    expect(rows.nth(1).get_by_role("textbox")).to_have_value("A red square")
    expect(rows.nth(1).get_by_role("button", name="Move photo later")).to_be_focused()
    expect(page.get_by_label("Position of photo 1")).to_have_value("2")
    expect(page.get_by_label("Position of photo 2")).to_have_value("1")
    page.get_by_label("Caption").fill("Three views #testing")
    page.get_by_role("button", name="Share").click()

    # 4. The post page: a three-photo carousel in the new order, each photo described, the hashtag a link.
    expect(page).to_have_url(re.compile(r"/p/[^/]+/$"))
    post_url = page.url
    carousel = page.locator("[data-carousel]")
    expect(carousel.locator(".carousel-count")).to_have_text("1 / 3")
    expect(carousel.locator(".slide img")).to_have_count(3)
    for n, alt in enumerate(["A green square", "A red square", "A blue square"]):
        expect(carousel.locator(".slide img").nth(n)).to_have_attribute("alt", alt)
    expect_image_loads(page, carousel.locator(".slide img").first)
    expect(page.locator(".caption")).to_contain_text("Three views")
    tag = page.get_by_role("link", name="#testing")
    expect(tag).to_have_attribute("href", "/tags/testing/")
    expect(page.get_by_role("button", name="Delete post")).to_be_visible()
    # On a wide screen the author heads the column beside the photos.
    head, media_box = page.locator(".post-head").bounding_box(), carousel.bounding_box()
    assert head and media_box and head["x"] >= media_box["x"] + media_box["width"]

    # 5. The profile now has one tile, showing the first photo; it opens the post.
    page.get_by_role("link", name="Your profile").click()
    expect(page.locator(".counts")).to_contain_text("1 post")
    tiles = page.locator(".grid .tile")
    expect(tiles).to_have_count(1)
    expect(tiles.get_by_role("img", name="A green square")).to_be_visible()
    expect(tiles.get_by_role("img", name="3 photos")).to_be_attached()
    tiles.first.click()
    expect(page).to_have_url(post_url)
    expect(page.locator(".carousel-count")).to_have_text("1 / 3")

    # The hashtag page lists it too.
    page.get_by_role("link", name="#testing").click()
    expect(page.get_by_role("heading", name="#testing")).to_be_visible()
    expect(page.locator(".grid .tile")).to_have_count(1)


@pytest.mark.browser
def test_swipe_arrows_and_keys_move_through_a_carousel_on_a_phone(browser_allowed, live_server, new_context):
    # 6. Someone else's three-photo post, seen on a touch phone.
    author = person("sunset.club", "Sunset Club")
    items = media.store_photos(
        owner=author,
        uploads=[
            upload(jpeg_bytes((1080, 1080), c), f"{n}.jpg") for n, c in enumerate(["red", "green", "blue"])
        ],
    )
    post = posts.create_post(
        author=author, media_ids=[i.pk for i in items], caption="Dusk", alt_texts=["First", "Second", "Third"]
    )

    context = new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/p/{post.pk}/")
    count = page.locator(".carousel-count")
    slides = page.locator(".slides")
    prev, next_ = (
        page.get_by_role("button", name="Previous photo"),
        page.get_by_role("button", name="Next photo"),
    )
    expect(count).to_have_text("1 / 3")
    expect(prev).to_be_hidden()
    # On a phone the author comes first, above photos that run the full width of the screen.
    head, box = page.locator(".post-head").bounding_box(), slides.bounding_box()
    assert head and box and head["y"] + head["height"] <= box["y"]
    assert box["x"] == 0 and box["width"] == PHONE["viewport"]["width"]
    expect(next_).to_be_visible()

    # A real finger swipe from right to left; the browser's own scroll-snap moves exactly one photo on.
    swipe(
        context.new_cdp_session(page),
        x=box["x"] + box["width"] * 0.8,
        y=box["y"] + box["height"] / 2,
        dx=-300,
    )
    expect(count).to_have_text("2 / 3")
    expect(prev).to_be_visible()
    expect(page.get_by_role("img", name="Second")).to_be_in_viewport(ratio=0.9)

    next_.click()
    expect(count).to_have_text("3 / 3")
    expect(next_).to_be_hidden()
    expect(page.get_by_role("img", name="Third")).to_be_in_viewport(ratio=0.9)

    slides.focus()
    page.keyboard.press("ArrowLeft")
    expect(count).to_have_text("2 / 3")
    expect(page.get_by_role("img", name="Second")).to_be_in_viewport(ratio=0.9)
    expect(next_).to_be_visible()
