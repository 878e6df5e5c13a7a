"""The version of harscrub: a leaf module, so anything may import it without a cycle.

The one place the version is written: pyproject.toml reads it (hatch's dynamic version).
"""

__version__ = "0.2.0"
