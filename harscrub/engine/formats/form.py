"""``application/x-www-form-urlencoded`` bodies: a query string, judged parameter by parameter."""

from __future__ import annotations

from harscrub.engine.formats.base import BodyFormat
from harscrub.engine.formats.url import query_names, redact_query

FORM = BodyFormat(
    name="form",
    mime=("x-www-form-urlencoded",),
    # A form part without '=' is read as a URL component, so the prefilter reads it as one.
    redact=lambda r, text, _mime, where: redact_query(r, text, where, label="form", place="text"),
    quiet_as="url",
    names=query_names,
    name_kind="form parameter",
    example_mime="application/x-www-form-urlencoded",
)
