"""The catalogue of bad inputs (tests/testdata/bad-inputs/*.yaml), applied to the minimal issue."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from support.paths import TESTDATA

MINIMAL = TESTDATA / "minimal"
CASES = sorted((TESTDATA / "bad-inputs").glob("*.yaml"))


def make_case(case: Path, root: Path) -> tuple[Path, list[dict]]:
    """Copy the minimal issue into root, apply the case's edits; return the issue folder and expectations."""
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    shutil.copytree(MINIMAL, root, dirs_exist_ok=True)
    for name, edits in (spec.get("replace") or {}).items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        for old, new in edits.items():
            assert old in text, f"{case.name}: {old!r} not found in {name}"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    for name, text in (spec.get("write") or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    for name, text in (spec.get("write_latin1") or {}).items():
        (root / name).write_bytes(text.encode("latin-1"))
    return root / "2025-11", spec["expect"]
