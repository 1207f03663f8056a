"""Screenshots of the main pages at phone and desktop widths, for looking at what people see.

Usage: with a server running (`make run`), `make screenshots` (or `python -m bench.screenshots [BASE_URL]`).
Writes PNGs into ./screenshots.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def main() -> None:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    out = Path("screenshots")
    out.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
        for label, (w, h) in WIDTHS.items():
            page = browser.new_page(
                viewport={"width": w, "height": h}, device_scale_factor=2 if label == "phone" else 1
            )
            page.goto(f"{base}/mi5official/")
            page.screenshot(path=out / f"profile-{label}.png", full_page=True)
            href = page.locator(".grid a").first.get_attribute("href")
            page.goto(base + href)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=out / f"post-{label}.png", full_page=True)
            page.goto(base + "/")
            page.screenshot(path=out / f"home-{label}.png")
            page.close()
        browser.close()
    print("\n".join(sorted(str(p) for p in out.glob("*.png") if re.match(r"(profile|post|home)-", p.name))))


if __name__ == "__main__":
    main()
