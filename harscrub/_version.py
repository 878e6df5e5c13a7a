"""The version of harscrub: a leaf module, so anything may import it without a cycle."""

__version__ = "0.1.0"
