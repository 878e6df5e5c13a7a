"""What a body format declares: the one shape every handler in :mod:`harscrub.engine.formats` has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from harscrub.engine.place import Redacts, Where

#: ``redact(r, text, mime, where)``: the text with its secrets replaced, or None when the text
#: is not in this format after all (the caller then judges it as plain text: fail closed).
Redact = Callable[[Redacts, str, str, Where], "str | None"]


@dataclass(frozen=True)
class BodyFormat:
    """One format a body, or any string, can be written in.

    - ``mime``: substrings of a lower-cased MIME type that claim a body for this format;
    - ``sniff``: a cheap test on the content, for strings no MIME type describes (a JSON
      document kept in a JSON string, a URL in a header); None when only a label claims it;
    - ``redact``: parse, hand every part back to the redactor, write the format back;
    - ``quiet_as``: how the prefilter reads a body of this type to skip it unread (``"text"``
      or ``"url"``), or None when it may never be skipped (a multipart part can start right
      after a boundary, where no scan of the whole body sees a word start);
    - ``text_hazard`` / ``url_hazard``: an RE2 condition that fires on every string this
      format's decoding turns into other text a scan of the string as written cannot see
      (JSON escapes, base64 runs, percent-encoding); the prefilter never calls such a string quiet;
    - ``names`` and ``name_kind``: the field names in a body of this format, for ``inspect``;
    - ``example_mime``: a MIME type that claims this format, for tests.
    """

    name: str
    redact: Redact
    mime: tuple[str, ...] = ()
    sniff: Callable[[str], bool] | None = None
    quiet_as: str | None = "text"
    text_hazard: str | None = None
    url_hazard: str | None = None
    names: Callable[[str], Iterable[str]] | None = None
    name_kind: str = ""
    example_mime: str = ""

    def claims(self, kind: str) -> bool:
        """True when the lower-cased MIME type ``kind`` names this format."""
        return any(m in kind for m in self.mime)
