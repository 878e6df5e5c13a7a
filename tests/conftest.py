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

from hypothesis import HealthCheck, settings

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
