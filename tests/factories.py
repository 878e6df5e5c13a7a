"""Test factories and helpers: HARs built in code, the CLI run in-process, HAR 1.2 validity.

Every test module builds its inputs with these, so a change to what a minimal valid HAR looks
like is made once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import jsonschema
from typer.testing import CliRunner

from harscrub.cli.app import app
from harscrub.cli.commands import register

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.har"))
CORPUS = ROOT / "tests" / "data" / "har-corpus"
#: A fixed fingerprint key, so placeholders are the same from run to run.
KEY = b"0123456789abcdef0123456789abcdef"

register()


# -- the CLI ---------------------------------------------------------------------------------------
def run_cli(*args: str, env: dict[str, str] | None = None, stdin: bytes | None = None) -> tuple[int, str, str]:
    """``harscrub ARGS`` in-process: (exit code, stdout, stderr); an uncaught exception fails the test."""
    result = CliRunner().invoke(app, list(args), env=env, input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"harscrub raised {result.exception!r} instead of a clean error") from result.exception
    return result.exit_code, result.stdout, result.stderr


def installed(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
              stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """``harscrub ARGS`` run as the installed console script (the one beside this Python)."""
    script = Path(sys.executable).parent / ("harscrub.exe" if os.name == "nt" else "harscrub")
    command = [str(script)] if script.exists() else [shutil.which("harscrub") or "harscrub"]
    return subprocess.run([*command, *args], cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True,
                          input=None if stdin is None else stdin.decode("utf-8", "surrogateescape"), text=True,
                          timeout=300)


def run_proc(*args: str, cwd: Path, stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """``harscrub ARGS`` in a real process."""
    return subprocess.run([sys.executable, "-m", "harscrub", *args], cwd=cwd, input=stdin, capture_output=True,
                          timeout=timeout, check=False)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every entry of ``folder``: content digest and permission bits (links and folders by kind)."""
    out = {}
    for p in sorted(folder.iterdir()):
        if p.is_symlink():
            out[p.name] = (f"<link to {p.readlink()}>", 0)
        elif p.is_file():
            out[p.name] = (hashlib.sha256(p.read_bytes()).hexdigest(), stat.S_IMODE(p.stat().st_mode))
        else:
            out[p.name] = ("<not a file>", 0)
    return out


def one_line_error(code: int, stderr: str, *patterns: str) -> str:
    """Exit 2 and exactly one ``harscrub: error:`` line on stderr matching every pattern; the line."""
    assert code == 2, f"exit code {code}, stderr: {stderr!r}"
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    assert lines[0].startswith("harscrub: error: "), lines[0]
    for pattern in patterns:
        assert re.search(pattern, lines[0]), f"{pattern!r} not in {lines[0]!r}"
    return lines[0]


def strict_json(data: bytes | str) -> Any:
    """Parse JSON as strictly as the spec: NaN, Infinity and -Infinity are errors, not floats."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(data, parse_constant=refuse)


def key_file(tmp_path: Path) -> str:
    path = tmp_path / "fp.key"
    path.write_bytes(KEY)
    return str(path)


def expect(sample: Path) -> dict[str, list[str]]:
    return json.loads((ROOT / "tests" / "data" / "samples_expect" / f"{sample.stem}.json").read_text())



# -- HARs ------------------------------------------------------------------------------------------
def har(*entries: dict[str, Any], **log: Any) -> dict[str, Any]:
    return {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, **log, "entries": list(entries)}}


def entry(url: str = "https://api.example.com/v1/items?page=2", headers: list[dict[str, str]] | None = None,
          started: str = "2026-11-01T10:00:00.000Z", body: str = "{}", mime: str = "application/json") -> dict[str, Any]:
    return {
        "startedDateTime": started,
        "time": 12.5,
        "request": {"method": "GET", "url": url, "httpVersion": "HTTP/2", "headers": headers or [],
                    "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
                     "content": {"size": len(body), "mimeType": mime, "text": body},
                     "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
        "cache": {},
        "timings": {"send": 1, "wait": 10, "receive": 1.5},
    }


def write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc, indent=2))
    return path


# -- raw JSON text: duplicate members and escapes a dict cannot hold ---------------------------------
class Pairs(list):  # type: ignore[type-arg]
    """A JSON object written member by member from ``(key, value)`` pairs: keys may repeat."""


class RawJSON(str):
    """JSON text inserted as it is (an escape, a number spelled oddly)."""


def raw_json(value: Any, indent: int = 2, _pad: str = "") -> str:
    """``value`` as JSON text, where :class:`Pairs` may repeat keys and :class:`RawJSON` is verbatim.

    Strings are written with ``ensure_ascii``, so a lone surrogate in a Python string becomes the
    escape ``\\ud800`` a browser export holds.
    """
    inner = _pad + " " * indent
    if isinstance(value, RawJSON):
        return str(value)
    if isinstance(value, (dict, Pairs)):
        items = list(value.items()) if isinstance(value, dict) else list(value)
        if not items:
            return "{}"
        body = (",\n").join(f"{inner}{json.dumps(k)}: {raw_json(v, indent, inner)}" for k, v in items)
        return "{\n" + body + "\n" + _pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + (",\n").join(inner + raw_json(v, indent, inner) for v in value) + "\n" + _pad + "]"
    return json.dumps(value, ensure_ascii=True)


# -- HAR 1.2 validity ------------------------------------------------------------------------------
_NV = {"type": "object", "required": ["name", "value"], "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}
_NUM = {"type": "number"}

#: The required members of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) and their types.
HAR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["log"],
    "properties": {
        "log": {
            "type": "object",
            "required": ["version", "creator", "entries"],
            "properties": {
                "version": {"type": "string"},
                "creator": {"type": "object", "required": ["name", "version"]},
                "pages": {"type": "array", "items": {"type": "object", "required": ["startedDateTime", "id", "title"]}},
                "entries": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["startedDateTime", "time", "request", "response", "cache", "timings"],
                        "properties": {
                            "startedDateTime": {"type": "string"},
                            "time": _NUM,
                            "request": {
                                "type": "object",
                                "required": ["method", "url", "httpVersion", "cookies", "headers", "queryString",
                                             "headersSize", "bodySize"],
                                "properties": {
                                    "method": {"type": "string"},
                                    "url": {"type": "string"},
                                    "cookies": {"type": "array", "items": _NV},
                                    "headers": {"type": "array", "items": _NV},
                                    "queryString": {"type": "array", "items": _NV},
                                    "postData": {"type": "object", "required": ["mimeType"]},
                                    "headersSize": _NUM,
                                    "bodySize": _NUM,
                                },
                            },
                            "response": {
                                "type": "object",
                                "required": ["status", "statusText", "httpVersion", "cookies", "headers", "content",
                                             "redirectURL", "headersSize", "bodySize"],
                                "properties": {
                                    "status": _NUM,
                                    "cookies": {"type": "array", "items": _NV},
                                    "headers": {"type": "array", "items": _NV},
                                    "content": {"type": "object", "required": ["size", "mimeType"]},
                                    "redirectURL": {"type": "string"},
                                },
                            },
                            "cache": {"type": "object"},
                            "timings": {"type": "object", "required": ["send", "wait", "receive"]},
                        },
                    },
                },
            },
        },
    },
}
_VALIDATOR = jsonschema.Draft7Validator(HAR_SCHEMA)


def har_errors(doc: Any) -> list[str]:
    """Where ``doc`` breaks HAR 1.2 (empty when it is a valid HAR)."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:120]}" for e in _VALIDATOR.iter_errors(doc)]


def entries_of(doc: dict[str, Any]) -> list[Any]:
    return list(doc["log"]["entries"])


def non_entry_members(doc: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Names of the members of the root and of ``log`` other than entries and the marker, in order."""
    return [k for k in doc], [k for k in doc["log"] if k not in ("entries", "_harscrub")]


def make_entry(index: int = 0, **request: Any) -> dict[str, Any]:
    """A complete HAR 1.2 entry; ``request`` members replace the defaults."""
    req: dict[str, Any] = {
        "method": "GET",
        "url": f"https://app.example.com/api/items/{index}?page=2",
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": [{"name": "Accept", "value": "application/json"}],
        "queryString": [{"name": "page", "value": "2"}],
        "headersSize": -1,
        "bodySize": 0,
    }
    req.update(request)
    return {
        "startedDateTime": "2026-11-01T10:00:00.000Z",
        "time": 12.5 + index,
        "request": req,
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"size": 11, "mimeType": "application/json", "text": '{"ok": true}'},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": 11,
        },
        "cache": {},
        "timings": {"send": 1, "wait": 10, "receive": 1.5},
    }


def make_har(*entries: dict[str, Any], **log: Any) -> dict[str, Any]:
    return {"log": {"version": "1.2", "creator": {"name": "harscrub-tests", "version": "1"}, **log,
                    "entries": list(entries)}}


class Overrun(Exception):
    """A call ran past its hard stop (:func:`deadline`)."""


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise :class:`Overrun` in the block after ``seconds``: a hard stop well past a timing
    budget, so a quadratic case fails instead of hanging CI."""

    def stop(signum: int, frame: object) -> None:
        raise Overrun

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
