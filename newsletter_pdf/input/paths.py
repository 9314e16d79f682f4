"""The names of the editor's files, and path tests every input module shares."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

PUBLICATION_FILE = "newsletter.yaml"
ISSUE_FILE = "issue.yaml"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"}


def find_publication_file(issue_dir: Path) -> Path | None:
    """newsletter.yaml in the issue folder, else in the nearest folder above it."""
    for folder in (issue_dir, *issue_dir.parents):
        candidate = folder / PUBLICATION_FILE
        if candidate.is_file():
            return candidate
    return None


def inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, RuntimeError, OSError):  # RuntimeError: a symlink loop (see loops())
        return False
    return True


def loops(path: Path) -> bool:
    """True when following the path's symbolic links goes round in a circle (a -> b -> a)."""
    import errno

    try:
        path.resolve()
        path.stat()
    except RuntimeError:  # Python 3.11 raises this for a loop while resolving
        return True
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def is_(test: Callable[[Path], bool], path: Path) -> bool:
    """Path.is_file / is_dir, False where they raise (a name longer than the file system allows)."""
    try:
        return test(path)
    except OSError:
        return False
