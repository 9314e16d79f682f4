"""Where the tests find the repository, the sample issue and their data."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_ISSUE = ROOT / "issues" / "2025-11"
TESTDATA = ROOT / "tests" / "testdata"
GOLDEN = TESTDATA / "golden"
