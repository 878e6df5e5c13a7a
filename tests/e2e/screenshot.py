"""Render the helper page with samples/okta-login.har into the README's screenshots in docs/:

- ``serve.png``: the page after sanitizing (desktop, first screen);
- ``review.png`` / ``review-narrow.png``: the review list, one value kept (1100 px / 400 px);
- ``review-confirm.png``: the question before a critical secret is kept;
- ``preview.png`` / ``preview-narrow.png``: an entry before and after, one value revealed.

Run: ``python -m tests.e2e.screenshot [OUT_DIR]`` (needs /usr/bin/chromium and playwright).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from harscrub.serve import HelperServer, ServeConfig, make_server

from .conftest import CHROMIUM, CHROMIUM_ARGS, serve_in_thread, stop

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "samples" / "okta-login.har"
KEPT = "high-entropy-url-value"  # the kind of the value kept in the review shots
ENTRY = 3  # the login POST: cookies, a password in the body, a token in the answer


def sanitized(page: Any, server: HelperServer) -> None:
    page.goto(server.page_url)
    page.set_input_files("#picker", str(SAMPLE))
    page.wait_for_selector("#result:not([hidden])")


def keep_one(page: Any) -> None:
    page.click(f"section.group[data-rule='{KEPT}'] li.secret input[type=checkbox]")
    if page.is_visible("#confirm"):
        page.click("#confirm-keep")
    page.wait_for_selector("#status:has-text('Done: the download keeps 1')")


def show_entry(page: Any) -> None:
    page.click("#tab-preview")
    page.wait_for_selector("#entry-view .cols")
    page.fill("#entry-search", "authn")
    page.click(f"#entry-list button.entry[data-entry='{ENTRY}']")
    page.wait_for_selector(f"#entry-view[data-entry='{ENTRY}']")
    page.locator("#entry-view .before .value:has-text('cookie: JSESSIONID') button.chip").first.click()


def shoot(out: Path, server: HelperServer, browser: Any, width: int, suffix: str) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900 if width > 600 else 860})
    sanitized(page, server)
    if width > 600:
        page.screenshot(path=str(out / "serve.png"))
        page.click("section.group[data-rule='password-field'] li.secret input[type=checkbox]")
        page.wait_for_selector("#confirm[open]")
        page.screenshot(path=str(out / "review-confirm.png"))
        page.click("#confirm-cancel")
    keep_one(page)
    top = page.evaluate("document.getElementById('result').getBoundingClientRect().top + scrollY")
    page.screenshot(path=str(out / f"review{suffix}.png"), full_page=True,
                    clip={"x": 0, "y": max(0, top - 16), "width": width, "height": 1300 if width > 600 else 1400})
    show_entry(page)
    top = page.evaluate("document.getElementById('result').getBoundingClientRect().top + scrollY")
    page.screenshot(path=str(out / f"preview{suffix}.png"), full_page=True,
                    clip={"x": 0, "y": max(0, top - 16), "width": width, "height": 1700})
    page.close()


def main(out: Path) -> None:
    server = make_server(ServeConfig(port=0, allow_origins=frozenset({"https://support.example.com"})))
    serve_in_thread(server)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            shoot(out, server, browser, 1100, "")
            shoot(out, server, browser, 400, "-narrow")
            browser.close()
    finally:
        stop(server)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
