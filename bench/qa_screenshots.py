"""Screenshots of the Q&A, highlights, careers and myth-card pages at phone and desktop widths.

Usage: with `openhouse demo` loaded and `openhouse serve` running,
`python -m bench.qa_screenshots [BASE_URL] [TWO_FACTOR_KEY]`. The key is the one `openhouse demo` prints for
its team member; with it, the moderation queue and the myth-card maker are captured too. Writes PNGs into
./screenshots.
"""

import base64
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
TEAM_MEMBER = "mi5.comms"  # the demo team admin


def _code(key: str) -> str:
    from django_otp.oath import totp

    return f"{totp(base64.b32decode(key.replace(' ', ''))):06d}"


def _log_in_team_member(page: Page, base: str, key: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Handle or e-mail").fill(TEAM_MEMBER)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(_code(key))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def main() -> None:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    key = sys.argv[2] if len(sys.argv) > 2 else ""
    password = sys.argv[3] if len(sys.argv) > 3 else ""
    out = Path("screenshots")
    out.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
        for label, (w, h) in WIDTHS.items():
            page = browser.new_page(
                viewport={"width": w, "height": h}, device_scale_factor=2 if label == "phone" else 1
            )
            page.goto(f"{base}/mi5official/")
            page.screenshot(path=out / f"org-profile-{label}.png")
            page.locator(".highlight", has_text="Q&A").click()
            page.screenshot(path=out / f"highlight-qa-{label}.png")
            page.goto(f"{base}/mi5official/")
            page.locator(".highlight").first.click()
            page.screenshot(path=out / f"highlight-archive-{label}.png")
            page.goto(f"{base}/mi5official/qa/")
            page.screenshot(path=out / f"qa-list-{label}.png", full_page=True)
            live = page.locator(".session-card", has_text="Live now").get_attribute("href")
            closed = page.locator(".session-card", has_text="Closed").first.get_attribute("href")
            page.goto(base + live)
            page.screenshot(path=out / f"qa-live-{label}.png", full_page=True)
            page.goto(base + closed)
            page.screenshot(path=out / f"qa-closed-{label}.png", full_page=True)
            page.goto(f"{base}/mi5official/careers/")
            page.screenshot(path=out / f"careers-{label}.png", full_page=True)
            page.goto(f"{base}/mi5official/report/")
            page.screenshot(path=out / f"report-something-{label}.png", full_page=True)
            page.goto(f"{base}/mi5official/")
            page.locator(".grid a").nth(1).click()
            page.screenshot(path=out / f"myth-card-post-{label}.png", full_page=True)
            if key and label == "desktop":
                _log_in_team_member(page, base, key, password)
                page.goto(base + live)
                page.get_by_role("link", name="Moderation queue").click()
                page.goto(page.url + "?status=approved")
                page.screenshot(path=out / f"qa-moderation-{label}.png", full_page=True)
                page.goto(f"{base}/mi5official/myth-card/")
                page.get_by_label("Myth").fill("Officers can tell their friends what they work on.")
                page.get_by_label("Reality").fill(
                    "Most of us tell family we work for the government, and leave it there. Discretion is part "
                    "of the job, not a burden."
                )
                page.get_by_role("button", name="Preview card").click()
                page.screenshot(path=out / f"myth-card-maker-{label}.png", full_page=True)
            page.close()
        browser.close()
    print("\n".join(sorted(str(p) for p in out.glob("*.png"))))


if __name__ == "__main__":
    main()
