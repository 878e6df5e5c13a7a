"""The helper page in a real browser: pick or drop a HAR, see what goes, download the clean copy."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from harscrub.engine.sanitize import sanitize_file
from harscrub.serve import HelperServer

from .planted import leaked, planted_bytes

SAMPLE = Path(__file__).parents[2] / "samples" / "okta-login.har"


def test_picker_shows_what_goes_and_downloads_the_clean_file(page: Any, service: HelperServer, tmp_path: Path) -> None:
    page.goto(service.page_url)
    assert "token" not in page.url  # taken out of the address bar once read
    har = tmp_path / "capture.har"
    har.write_bytes(planted_bytes())
    with page.expect_file_chooser() as chooser:
        page.click("label[for=picker]")
    chooser.value.set_files(str(har))
    page.wait_for_selector("#result:not([hidden])")
    headline = page.inner_text("#headline")
    assert "secrets removed" in headline and "from 1 entry" in headline
    rules = page.eval_on_selector_all("#groups section.group", "gs => gs.map((g) => g.dataset.rule)")
    assert {"jwt", "password-field", "session-cookie"} <= set(rules)
    assert leaked(page.content().encode()) == [], "the page must show places, never values"
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "capture.scrubbed.har"
    data = Path(download.value.path()).read_bytes()
    assert leaked(data) == []
    assert "_harscrub" in json.loads(data)["log"]


def test_drop_gives_the_same_counts_as_the_cli(page: Any, service: HelperServer, tmp_path: Path) -> None:
    cli = sanitize_file(SAMPLE, tmp_path / "cli.har")
    page.goto(service.page_url)
    page.evaluate(
        """([b64, name]) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const dt = new DataTransfer();
          dt.items.add(new File([bytes], name));
          document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""",
        [base64.b64encode(SAMPLE.read_bytes()).decode(), SAMPLE.name],
    )
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#headline").startswith(f"{len(cli.findings)} secrets removed ({cli.distinct_secrets} distinct)")
    assert page.inner_text("#download") == "Download okta-login.scrubbed.har"
    cards = page.eval_on_selector_all("li.secret", "cards => cards.map((c) => c.dataset.fingerprint)")
    assert len(cards) == cli.distinct_secrets


def test_bad_file_gets_a_clear_message(page: Any, service: HelperServer) -> None:
    page.goto(service.page_url)
    page.set_input_files("#picker", files=[{"name": "broken.har", "mimeType": "application/json", "buffer": b'{"log": {'}])
    page.wait_for_selector("#status.problem")
    assert page.inner_text("#status").startswith("Could not sanitize broken.har: invalid HAR")
    assert page.is_hidden("#result")
