"""Render the helper page with a sample's results into docs/serve.png (the README's screenshot).

Run: ``python -m tests.e2e.screenshot [OUT.png]`` (needs /usr/bin/chromium and playwright).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from harscrub.serve import ServeConfig, make_server

from .conftest import CHROMIUM, CHROMIUM_ARGS, serve_in_thread, stop

ROOT = Path(__file__).parents[2]


def main(out: Path) -> None:
    server = make_server(ServeConfig(port=0, allow_origins=frozenset({"https://support.example.com"})))
    serve_in_thread(server)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            page.goto(server.page_url)
            page.set_input_files("#picker", str(ROOT / "samples" / "okta-login.har"))
            page.wait_for_selector("#result:not([hidden])")
            page.screenshot(path=str(out), full_page=True)
            browser.close()
    finally:
        stop(server)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "serve.png")
