"""JWT insight for ``check``: what a token is, who issued it, and whether it still works.

After a support-case breach the one question that matters about a leaked token is whether
it is still usable. A JWS carries its own answer in ``exp``; this module decodes it with
pyjwt *without verifying the signature* (we hold no key and need none to read the claims)
and ranks the finding: a live credential is critical, an expired one low. A JWE (five
parts) cannot be opened without its key, so only its protected header is decoded, by hand.
A token that does not decode is still a finding of the JWT shape: nothing here raises.

Personal claims (``sub``, ``email``, ``name`` …) are not shown unless asked for; only
their names are listed. Every value shown goes through ``scrub`` first, so a token nested
in a claim is redacted like anywhere else.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime, timezone
from typing import Any, Callable

import jwt

#: Header and claim fields shown by default: they describe the token, not the person.
HEADER_FIELDS = ("alg", "kid", "typ", "enc", "zip", "cty")
CLAIM_FIELDS = ("iss", "aud", "iat", "nbf", "exp")
TIME_CLAIMS = ("iat", "nbf", "exp")

LIVE = "live"
EXPIRED = "expired"
NO_EXPIRY = "no-expiry"
ENCRYPTED = "encrypted"
MALFORMED = "malformed"

#: Severity a state forces on the finding; absent: the rule's own severity stands.
STATE_SEVERITY = {LIVE: "critical", NO_EXPIRY: "critical", EXPIRED: "low"}

_UNITS = (("year", 365 * 86400), ("day", 86400), ("h", 3600), ("min", 60), ("s", 1))
_DECODE_OPTIONS: Any = {
    "verify_signature": False,
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": False,
    "verify_iss": False,
}
_DECODE_ERRORS = (jwt.PyJWTError, ValueError, TypeError, KeyError, UnicodeError, RecursionError, OverflowError)

Scrub = Callable[[Any], Any]


def looks_like_jwt(value: str) -> bool:
    """Compact JWS (3 parts) or JWE (5 parts) with a JSON header: worth decoding."""
    return value.startswith("eyJ") and value.count(".") in (2, 4)


def duration(seconds: float) -> str:
    """``7300`` -> ``2 h``: the largest whole unit, as a person would say it."""
    s = abs(seconds)
    for unit, size in _UNITS:
        if s >= size or size == 1:
            n = int(s // size)
            plural = "s" if n != 1 and unit in ("year", "day") else ""
            return f"{n} {unit}{plural}"
    raise AssertionError("unreachable")  # pragma: no cover


def parse_time(value: Any) -> datetime | None:
    """A HAR ``startedDateTime`` (ISO 8601) as an aware UTC datetime, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _iso(ts: float) -> str | None:
    try:
        return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return None


def _b64url_json(part: str) -> Any:
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    return json.loads(raw.decode("utf-8"))


def _header_alone(token: str) -> dict[str, Any]:
    """The header of a token whose payload is broken: still tells which issuer's key it names."""
    try:
        decoded = _b64url_json(token.split(".", 1)[0])
    except _DECODE_ERRORS:
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _timestamp(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


class TokenDecoder:
    """Decodes tokens once each (cached by fingerprint) and describes them per occurrence.

    The cache holds decoded headers and claims, keyed by the keyed fingerprint, never by
    the token; a HAR repeats the same token in hundreds of requests.
    """

    def __init__(self, *, now: datetime | None = None, show_claims: bool = False, scrub: Scrub | None = None) -> None:
        self.now = now or datetime.now(timezone.utc)
        self.show_claims = show_claims
        self._scrub: Scrub = scrub or (lambda v: v)
        self._cache: dict[str, tuple[str, dict[str, Any], dict[str, Any] | None, str | None]] = {}
        self._described: dict[str, tuple[dict[str, Any], Any, bool]] = {}

    def _decode(self, token: str, key: str) -> tuple[str, dict[str, Any], dict[str, Any] | None, str | None]:
        """(kind, header, claims or None, error or None)."""
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        kind = "jwe" if token.count(".") == 4 else "jws"
        header: dict[str, Any] = {}
        claims: dict[str, Any] | None = None
        error: str | None = None
        try:
            if kind == "jwe":
                decoded = _b64url_json(token.split(".", 1)[0])
                if not isinstance(decoded, dict):
                    raise ValueError("protected header is not a JSON object")
                header = decoded
            else:
                header = jwt.get_unverified_header(token)
                claims = jwt.decode(token, options=_DECODE_OPTIONS)
        except _DECODE_ERRORS as exc:  # binascii.Error and JSONDecodeError are ValueErrors
            error = _reason(exc)
            header = header or _header_alone(token)
        result = (kind, header, claims, error)
        if len(self._cache) < 65536:
            self._cache[key] = result
        return result

    def describe(self, token: str, key: str, captured: datetime | None) -> tuple[dict[str, Any], str | None]:
        """What to report about one occurrence, and the severity it forces (or None).

        What does not depend on the occurrence (the fields shown, already scrubbed) is worked
        out once per token; only the liveness at the entry's capture time is per occurrence.
        """
        static = self._described.get(key)
        if static is None:
            static = self._describe_token(token, key)
            if len(self._described) < 65536:
                self._described[key] = static
        fields, exp_claim, judged = static
        info = dict(fields)
        if not judged:
            return info, None
        state, summary, at_capture = self._liveness(exp_claim, captured)
        info["state"] = state
        info["summary"] = summary
        if at_capture:
            info["at_capture"] = at_capture
        return info, STATE_SEVERITY.get(state)

    def _describe_token(self, token: str, key: str) -> tuple[dict[str, Any], Any, bool]:
        """(fields shown, the exp claim, whether liveness applies) of one token."""
        kind, header, claims, error = self._decode(token, key)
        info: dict[str, Any] = {"kind": kind}
        for name in HEADER_FIELDS:
            if name in header:
                info[name] = self._scrub(header[name])
        if error is not None:
            info["state"] = MALFORMED
            info["error"] = error
            return info, None, False
        if kind == "jwe":
            info["state"] = ENCRYPTED
            info["summary"] = "encrypted (JWE): claims and expiry unreadable without the key"
            return info, None, False
        assert claims is not None
        for name in CLAIM_FIELDS:
            if name not in claims:
                continue
            ts = _timestamp(claims[name]) if name in TIME_CLAIMS else None
            if name in TIME_CLAIMS:
                info[name] = _iso(ts) if ts is not None else self._scrub(claims[name])
            else:
                info[name] = self._scrub(claims[name])
        info["claim_names"] = sorted(str(k) for k in claims)
        if self.show_claims:
            info["claims"] = self._scrub(claims)
        return info, claims.get("exp"), True

    def _liveness(self, exp_claim: Any, captured: datetime | None) -> tuple[str, str, str | None]:
        if exp_claim is None:
            return NO_EXPIRY, "no exp claim: does not expire", None
        exp = _timestamp(exp_claim)
        if exp is None:
            return MALFORMED, "exp claim is not a number", None
        left = exp - self.now.timestamp()
        summary = f"expires in {duration(left)}" if left > 0 else f"expired {duration(left)} ago"
        at_capture = None
        if captured is not None:
            then = exp - captured.timestamp()
            at_capture = (
                f"valid for {duration(then)} after capture" if then > 0 else f"already expired {duration(then)} before capture"
            )
        return (LIVE if left > 0 else EXPIRED), summary, at_capture


def _reason(exc: BaseException) -> str:
    """Why a token did not decode, in words that cannot hold the token itself."""
    if isinstance(exc, jwt.DecodeError):
        text = str(exc)
        for known in ("Invalid header padding", "Invalid crypto padding", "Invalid payload padding",
                      "Invalid header string", "Invalid payload string", "Not enough segments",
                      "Invalid token type", "Invalid header", "Invalid payload"):
            if text.startswith(known):
                return known.lower()
        return "does not decode as a JWT"
    if isinstance(exc, (UnicodeError, json.JSONDecodeError)):
        return "header or payload is not UTF-8 JSON"
    if isinstance(exc, binascii.Error):
        return "not base64url"
    return "does not decode as a JWT"
