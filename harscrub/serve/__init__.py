"""The local helper service behind ``harscrub serve`` (see :mod:`harscrub.serve.http`)."""
