"""Output formats of check results: one writer per format."""
