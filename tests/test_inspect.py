"""harscrub inspect: the names a HAR holds, counted, with what the rules do to their values."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from harscrub.engine.inventory import Inventory, inspect_file

from .factories import SAMPLES, entry, har, key_file, run_cli, write

JWT_KEY = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
           ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")


def _doc() -> dict[str, object]:
    first = entry(
        url="https://jane:hunter2hunter2@api.example.com:8443/v1/items?page=2&access_token=abc123def456ghi789",
        headers=[{"name": "Authorization", "value": "Bearer opaque-token-value-123456"},
                 {"name": "Referer", "value": "https://app.example.com/"},
                 {"name": "X-Trace", "value": "t-1"},
                 {"name": "Cookie", "value": "theme=dark; sid=s3cr3t-session-value"}],
        body=json.dumps({"user": {"id": 1, "profile": {"nickname": "jd"}}, "items": [{"id": 2}], JWT_KEY: 1}),
    )
    first["request"]["queryString"] = [{"name": "page", "value": "2"}, {"name": "access_token", "value": "abc123def456ghi789"}]
    first["request"]["postData"] = {"mimeType": "application/x-www-form-urlencoded; charset=UTF-8",
                                    "text": "username=jane&password=hunter2hunter2"}
    second = entry(url="https://cdn.example.com/app.js", mime="application/javascript", body="x")
    second["request"]["headers"] = [{"name": "x-trace", "value": "t-2"}]
    second["response"]["cookies"] = [{"name": "tracking", "value": "v"}]
    third = entry(url="https://api.example.com:8443/v2", mime="application/json; charset=utf-8",
                  body=base64.b64encode(json.dumps({"nested": {"deep": True}}).encode()).decode())
    third["response"]["content"]["encoding"] = "base64"
    return har(first, second, third)


def _names(inventory: Inventory, kind: str) -> dict[str, tuple[int, str, str | None]]:
    return {i.name: (i.count, i.fate, i.rule) for i in inventory.items if i.kind == kind}


def test_inventory_counts_names_and_says_what_is_redacted(tmp_path: Path) -> None:
    inv = inspect_file(write(tmp_path / "a.har", _doc()))
    assert inv.entries == 3 and inv.secrets > 0
    headers = _names(inv, "header")
    assert headers["x-trace"] == (2, "scanned", None)
    assert headers["authorization"] == (1, "redacted", "authorization-header")
    assert headers["referer"][1] == "url-redacted"
    cookies = _names(inv, "cookie")
    assert cookies["sid"][1:] == ("redacted", "session-cookie")
    assert set(cookies) == {"theme", "sid", "tracking"}
    query = _names(inv, "query parameter")
    assert query["page"] == (1, "scanned", None) and query["access_token"][1:] == ("redacted", "oauth-param")
    form = _names(inv, "form parameter")
    assert form["password"][1:] == ("redacted", "password-field") and form["username"][1] == "scanned"
    keys = _names(inv, "json key")
    assert keys["id"][0] == 2 and {"user", "profile", "nickname", "items", "nested", "deep"} <= set(keys)
    assert _names(inv, "mime type") == {
        "application/json": (2, "kept", None),
        "application/x-www-form-urlencoded": (1, "kept", None),
        "application/javascript": (1, "kept", None),
    }
    assert _names(inv, "host") == {"api.example.com:8443": (2, "kept", None), "cdn.example.com": (1, "kept", None)}


def test_a_secret_used_as_a_name_is_not_shown(tmp_path: Path) -> None:
    inv = inspect_file(write(tmp_path / "a.har", _doc()))
    text = json.dumps(inv.to_dict())
    assert JWT_KEY not in text and "hunter2hunter2" not in text and "jane:" not in text
    assert any(i.kind == "json key" and i.name.startswith("[REDACTED:jwt:") for i in inv.items)


def test_cli_text_and_json(tmp_path: Path) -> None:
    path = write(tmp_path / "a.har", _doc())
    code, out, _ = run_cli("inspect", str(path))
    assert code == 0
    assert "headers" in out and "authorization-header" in out and "api.example.com:8443" in out
    key = key_file(tmp_path)
    code, out, _ = run_cli("inspect", str(path), "--format", "json", "--key-file", key)
    assert code == 0
    data = json.loads(out)
    assert data["entries"] == 3
    assert {"name": "page", "count": 1, "fate": "scanned", "rule": None} in data["inventory"]["query parameter"]
    report = tmp_path / "inv.json"
    assert run_cli("inspect", str(path), "-f", "json", "-o", str(report), "--key-file", key) == (0, "", "")
    assert json.loads(report.read_text()) == data


def test_cli_bad_input_and_usage(tmp_path: Path) -> None:
    bad = tmp_path / "bad.har"
    bad.write_text("[]")
    code, _, err = run_cli("inspect", str(bad))
    assert code == 2 and "not a HAR" in err
    assert run_cli("inspect", str(SAMPLES[0]), "--format", "sarif")[0] == 2


def test_samples_inventory(tmp_path: Path) -> None:
    for sample in SAMPLES:
        inv = inspect_file(sample)
        kinds = {i.kind for i in inv.items}
        assert {"header", "mime type", "host"} <= kinds
        assert any(i.fate == "redacted" for i in inv.items)
