"""Infinite scroll: reaching the end of the home feed brings the older posts in without a click."""

import pytest
from playwright.sync_api import expect

from openhouse.social import services as social
from tests.conftest import PASSWORD, person
from tests.posts.test_publish_and_view import _post

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_scrolling_to_the_end_of_the_feed_loads_older_posts(live_server, page):
    reader = person("reader", "Reader")
    author = person("author", "Author")
    social.follow(actor=reader, target=author)
    for _ in range(15):
        _post(author, 1)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "reader")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    cards = page.locator("[data-feed] > .card")
    expect(cards).to_have_count(12)
    page.evaluate("window.__same_page = true")
    page.locator("[data-feed] .more a").scroll_into_view_if_needed()
    expect(cards).to_have_count(15)
    expect(page.locator("[data-feed] .more")).to_have_count(0)
    assert page.evaluate("window.__same_page") is True  # no navigation happened
    # The appended cards work like the first ones: their like buttons send with fetch.
    last = cards.nth(14)
    last.locator("form[data-like] button").click()
    expect(last.locator("form[data-like] button")).to_have_attribute("aria-pressed", "true")
    expect(last.locator("[data-like-count]")).to_have_text("1")
