"""``application/x-www-form-urlencoded`` bodies: a query string, judged parameter by parameter."""

from __future__ import annotations

import re2

from harscrub.engine.formats.base import BodyFormat
from harscrub.engine.formats.url import query_names, redact_query

#: A whole string that is ``name=value&name=value`` (a form body without its label, a query kept
#: in a field): names made of what form encoders write, no spaces anywhere.
_FORM_TEXT = re2.compile(r"^[A-Za-z0-9_.\-\[\]%+]{1,64}=[^&\s]*(?:&[A-Za-z0-9_.\-\[\]%+]{1,64}=[^&\s]*)*$")


def looks_like_form(text: str) -> bool:
    return "=" in text and _FORM_TEXT.match(text) is not None


FORM = BodyFormat(
    name="form",
    mime=("x-www-form-urlencoded",),
    sniff=looks_like_form,
    # A form part without '=' is read as a URL component, so the prefilter reads it as one.
    redact=lambda r, text, _mime, where: redact_query(r, text, where, label="form", place="text"),
    quiet_as="url",
    names=query_names,
    name_kind="form parameter",
    example_mime="application/x-www-form-urlencoded",
)
