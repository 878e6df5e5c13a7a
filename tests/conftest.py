"""Shared test fixtures and settings.

Hypothesis profiles: ``default`` (CI and local runs), ``nightly`` (many more examples) and
``mutation`` (few, derandomized: docs/mutation.md), picked with the ``HYPOTHESIS_PROFILE``
environment variable::

    HYPOTHESIS_PROFILE=nightly python -m pytest tests/test_properties.py tests/test_fuzz.py

Tests that want a number of examples relative to the profile use :func:`examples`. The
factories that build HARs, and the helpers that run the CLI, are in ``tests/factories.py``.
"""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings

from harscrub.config import user_key

# The CLI and serve make a fingerprint key in the user's config directory on first use: the
# suite's runs (and the commands it starts) get a config directory of their own.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="harscrub-tests-config-")
# Made now, so no test's stderr carries the one-time "made your fingerprint key" note.
user_key()

#: The main property runs ``max_examples`` of the profile; smaller properties a fraction of it.
settings.register_profile(
    "default",
    max_examples=1000,
    deadline=None,  # shared CI machines stall; time is bounded by example counts, not per-example clocks
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "nightly",
    max_examples=20000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
#: Mutation testing (docs/mutation.md) runs the tests once per mutant: few examples, no
#: randomness (a mutant must be killed, or not, the same way every time), no database.
settings.register_profile(
    "mutation",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def examples(fraction: float) -> int:
    """A share of the current profile's example count (at least 10)."""
    return max(10, int(settings.default.max_examples * fraction))


#: What the browser tests need, and how to get it (tests/e2e/conftest.py skips without it).
BROWSER_HINT = (
    "apt-get install chromium (Debian/Ubuntu: the tests drive /usr/bin/chromium through Playwright, "
    "which is in the test extra), then: python -m pytest tests/e2e"
)


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    """Say it loudly when the browser tests were skipped: a green run without them proves less."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "tests/e2e/" in r.nodeid.replace("\\", "/") or r.nodeid.startswith("e2e/")]
    if not skipped:
        return
    reasons = sorted({str(r.longrepr[2]) if isinstance(r.longrepr, tuple) else "skipped" for r in skipped})
    terminalreporter.write_sep("=", f"{len(skipped)} browser tests skipped", yellow=True, bold=True)
    for reason in reasons:
        terminalreporter.write_line(f"  why: {reason.removeprefix('Skipped: ')}")
    terminalreporter.write_line(f"  to run them: {BROWSER_HINT}")
