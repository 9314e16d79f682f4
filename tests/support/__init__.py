"""Test-only helpers: PDF readers, the generated stress issue, the bad-input catalogue, paths."""
