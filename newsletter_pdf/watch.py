"""`watch`: rebuild when a source, image, layout or font file changes, in one warm process."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import NewsletterError
from .loader import IMAGE_SUFFIXES
from .resources import fonts_dir, layouts_dir

Snapshot = dict[Path, tuple[float, int]]


@dataclass
class Watcher:
    """Polls the files an issue depends on; `poll()` rebuilds when they changed."""

    issue_dir: Path
    rebuild: Callable[[], object]
    on_error: Callable[[NewsletterError], None]
    interval: float = 0.3
    snapshot: Snapshot = field(default_factory=dict)

    def watched_folders(self) -> list[Path]:
        folders = [self.issue_dir, layouts_dir(), fonts_dir()]
        publication = self.issue_dir / "newsletter.yaml"
        if not publication.exists():
            folders.append(self.issue_dir.parent)  # newsletter.yaml above the issue
        return folders

    def scan(self) -> Snapshot:
        found: Snapshot = {}
        for folder in self.watched_folders():
            if folder == self.issue_dir.parent:
                candidates = [folder / "newsletter.yaml"]
            else:
                candidates = folder.rglob("*")
            for path in candidates:
                if path.is_file() and not path.name.startswith("."):
                    stat = path.stat()
                    found[path] = (stat.st_mtime, stat.st_size)
        return found

    def changed(self) -> list[Path]:
        current = self.scan()
        changes = [p for p in current.keys() | self.snapshot.keys() if current.get(p) != self.snapshot.get(p)]
        self.snapshot = current
        return sorted(changes)

    def build_once(self):
        try:
            return self.rebuild()
        except NewsletterError as error:
            self.on_error(error)
            return None

    def poll(self, on_changes: Callable[[list[Path]], None] = lambda changes: None) -> tuple[list[Path], object]:
        """Rebuild if anything changed since the last poll; returns the changes and the result."""
        changes = self.changed()
        if not changes:
            return [], None
        on_changes(changes)
        if any(p.suffix.lower() in IMAGE_SUFFIXES for p in changes):
            from . import pdf

            pdf.forget_images()
        return changes, self.build_once()

    def run(self, on_changes: Callable[[list[Path]], None], stop: Callable[[], bool] = lambda: False) -> None:
        """Build now, then again after every change, until stop() says so (or Ctrl-C)."""
        self.snapshot = self.scan()
        self.build_once()
        while not stop():
            time.sleep(self.interval)
            self.poll(on_changes)
