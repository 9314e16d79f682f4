"""The build manifest: what an issue's outputs were made from, so an unchanged issue is not typeset again.

Beside the outputs, `.<slug>-<YYYY-MM>-<layout>.manifest.json` records a digest of every input
(the issue's files, the publication, the layout's folders, the fonts, the options and the package
version) and the SHA-256 of every output written. A build whose inputs have the same digest, and
whose outputs are all still there with the bytes recorded, is up to date.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsletter_pdf import __version__
from newsletter_pdf.files import write_atomically

FORMAT = 1


@dataclass(frozen=True)
class Recorded:
    """One output as the manifest remembers it."""

    profile: str
    file: str  # name, in the manifest's folder
    sha256: str
    pages: int
    size: int
    warnings: tuple[str, ...]
    report: dict[str, Any] | None


def manifest_path(out_dir: Path, slug: str, date: str, layout: str) -> Path:
    return out_dir / f".{slug}-{date}-{layout}.manifest.json"


def _files_under(path: Path, skip: Path | None) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    found = []
    for candidate in sorted(path.rglob("*")):
        if not candidate.is_file() or any(part.startswith(".") for part in candidate.relative_to(path).parts):
            continue
        if skip is not None and candidate.resolve().is_relative_to(skip):
            continue  # the outputs themselves, when the output folder is inside the issue folder
        found.append(candidate)
    return found


def inputs_digest(paths: list[Path], options: dict[str, Any], skip: Path | None = None) -> str:
    """One digest of the inputs' names and bytes, the build options and the package version."""
    digest = hashlib.sha256(f"newsletter-pdf {__version__}|manifest {FORMAT}|".encode())
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    seen: set[Path] = set()
    for root in paths:
        for path in _files_under(root, skip.resolve() if skip else None):
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            digest.update(b"\0" + os.fsencode(resolved) + b"\0")  # a name that is not UTF-8 too
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def up_to_date(path: Path, digest: str, profiles: list[str]) -> list[Recorded] | None:
    """The recorded outputs when the inputs are unchanged and every asked-for output is intact, else None."""
    data = read(path)
    if data is None or data.get("inputs") != digest:
        return None
    recorded = {entry["profile"]: entry for entry in data.get("outputs", [])}
    found = []
    for name in profiles:
        entry = recorded.get(name)
        if entry is None:
            return None
        target = path.parent / entry["file"]
        try:
            if hashlib.sha256(target.read_bytes()).hexdigest() != entry["sha256"]:
                return None
        except OSError:
            return None
        found.append(
            Recorded(
                name,
                entry["file"],
                entry["sha256"],
                entry["pages"],
                entry["size"],
                tuple(entry.get("warnings", ())),
                entry.get("report"),
            )
        )
    return found


def write(path: Path, digest: str, outputs: list[Recorded]) -> Path:
    """Record what was made (after the outputs are in place: a manifest never vouches for a missing file)."""
    data = {
        "format": FORMAT,
        "about": "newsletter-pdf build manifest: an unchanged issue is not typeset again (build --force does)",
        "version": __version__,
        "inputs": digest,
        "outputs": [
            {
                "profile": o.profile,
                "file": o.file,
                "sha256": o.sha256,
                "pages": o.pages,
                "size": o.size,
                "warnings": list(o.warnings),
                "report": o.report,
            }
            for o in outputs
        ],
    }
    return write_atomically(path, json.dumps(data, indent=2, ensure_ascii=True, default=str) + "\n")
