"""harscrub: sanitize HAR files and check them for leaked credentials."""

__version__ = "0.1.0"
