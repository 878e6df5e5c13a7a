"""``harscrub serve`` as a user starts it: the printed URLs work, a wrong token and a foreign Host
header are refused (plain HTTP, no browser needed)."""

from __future__ import annotations

import http.client
import subprocess
import sys
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from .planted import leaked, planted_bytes


@pytest.fixture
def running(tmp_path: Path) -> Iterator[dict[str, str]]:
    config = tmp_path / "serve.toml"
    config.write_text('allow_origins = ["https://support.example.com"]\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "harscrub", "serve", "--port", "0", "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        lines = {}
        for _ in range(4):
            key, _, value = proc.stdout.readline().strip().partition(": ")
            lines[key.strip()] = value.strip()
        yield lines
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def post(url: str, token: str, host: str | None = None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
    headers = {"X-Harscrub-Token": token}
    if host:
        headers["Host"] = host
    conn.request("POST", "/api/sanitize?name=capture.har", body=planted_bytes(), headers=headers)
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, body


def test_printed_urls_work_and_wrong_token_or_foreign_host_are_refused(running: dict[str, str]) -> None:
    page, userscript = running["page"], running["userscript"]
    assert page.startswith("http://127.0.0.1:") and "#token=" in page
    token = page.split("#token=")[1]
    assert userscript.endswith(f"/harscrub.user.js?token={token}")
    assert running["portals"] == "https://support.example.com"

    status, body = post(page, token)
    assert status == 200 and leaked(body) == []
    assert post(page, token[:-1] + ("x" if token[-1] != "x" else "y"))[0] == 401
    assert post(page, "")[0] == 401
    assert post(page, token, host="rebind.attacker.example")[0] == 403
    assert post(page, token, host=f"attacker.example:{urlsplit(page).port}")[0] == 403
