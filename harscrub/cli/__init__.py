"""The ``harscrub`` command line: typer and rich live here and nowhere below."""
