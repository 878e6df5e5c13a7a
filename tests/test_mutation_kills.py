"""Tests written to kill surviving mutants of the detection code (docs/mutation.md)."""
