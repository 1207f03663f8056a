"""Browser fixtures: one headless Debian chromium per test module, a fresh context (cookies, storage) per test."""

import os
from collections.abc import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"


def pytest_configure(config):
    # Known to pytest-xdist; declared here too so `-p no:xdist` runs pass --strict-markers.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")


@pytest.fixture(scope="module")
def _async_unsafe_allowed() -> Iterator[None]:
    """Playwright's sync API keeps an event loop in this thread, so Django's ORM would refuse to run in it.

    The flag lives only as long as the browser does: tests outside this folder keep the guard.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def chromium(_async_unsafe_allowed):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_context(chromium, browser_allowed):
    """Make browser contexts (desktop by default); all of them are closed when the test ends."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium.new_context(**options)
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
