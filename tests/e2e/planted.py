"""A HAR with secrets planted in the places a portal upload would leak them, and the check that
none of them survives in some bytes, in any of the encodings a page or a form could use."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote, quote_plus

import jwt

JWT = jwt.encode({"iss": "https://idp.example.com", "sub": "planted-user", "exp": 4102444800}, "k" * 32, algorithm="HS256")
SESSION = "Zx81kQ7vLp02NwY6tRb3Planted"
ACCESS_TOKEN = "ya29.a0AfB_planted_Q3x9Lm2Vw7Rt5Ks8Pd1"
PASSWORD = "Hunter2-Planted-Secret!"
API_KEY = "AIzaSyD-planted9kQ7vLp02NwY6tRb3Lmx0"
SECRETS = (JWT, SESSION, ACCESS_TOKEN, PASSWORD, API_KEY)


def planted_har() -> dict[str, Any]:
    """Two entries: a bearer call with cookie, token URL and password body; a response with a key."""
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [],
            "entries": [
                {
                    "startedDateTime": "2026-11-01T10:00:00.000Z",
                    "time": 12.5,
                    "request": {
                        "method": "POST",
                        "url": f"https://app.example.com/api/login?access_token={ACCESS_TOKEN}&page=2",
                        "httpVersion": "HTTP/2",
                        "headers": [
                            {"name": "authorization", "value": f"Bearer {JWT}"},
                            {"name": "cookie", "value": f"sid={SESSION}; theme=dark"},
                            {"name": "content-type", "value": "application/json"},
                        ],
                        "queryString": [{"name": "access_token", "value": ACCESS_TOKEN}, {"name": "page", "value": "2"}],
                        "cookies": [{"name": "sid", "value": SESSION}],
                        "headersSize": -1,
                        "bodySize": 60,
                        "postData": {"mimeType": "application/json",
                                     "text": json.dumps({"user": "jane@example.com", "password": PASSWORD})},
                    },
                    "response": {
                        "status": 200, "statusText": "OK", "httpVersion": "HTTP/2",
                        "headers": [{"name": "content-type", "value": "application/json"}],
                        "cookies": [],
                        "content": {"size": 40, "mimeType": "application/json",
                                    "text": json.dumps({"ok": True, "config": {"apiKey": API_KEY}})},
                        "redirectURL": "", "headersSize": -1, "bodySize": 40,
                    },
                    "cache": {}, "timings": {"send": 1, "wait": 10, "receive": 1.5},
                },
            ],
        }
    }


def planted_bytes() -> bytes:
    return json.dumps(planted_har(), indent=2).encode("utf-8")


def encodings(secret: str) -> dict[str, bytes]:
    forms = {
        "raw": secret,
        "url": quote(secret, safe=""),
        "url-plus": quote_plus(secret),
        "json": json.dumps(secret)[1:-1],
        "base64": base64.b64encode(secret.encode()).decode(),
        "base64url": base64.urlsafe_b64encode(secret.encode()).decode().rstrip("="),
    }
    return {name: form.encode() for name, form in forms.items()}


def leaked(data: bytes, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    """Which secrets appear in ``data`` (and in which form): empty when it is clean.

    Base64 forms are also looked for at the three alignments a surrounding text could give them.
    """
    found = []
    for i, secret in enumerate(secrets):
        for name, form in encodings(secret).items():
            if form in data:
                found.append(f"secret #{i} ({name})")
        for shift in (1, 2):
            inner = base64.b64encode(b"x" * shift + secret.encode())[4:-4]
            if len(inner) >= 12 and inner in data:
                found.append(f"secret #{i} (base64, offset {shift})")
    return found
