"""`watch`: rebuild when a source, image, layout or font file changes, in one warm process."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsletter_pdf.errors import NewsletterError
from newsletter_pdf.input.paths import IMAGE_SUFFIXES, find_publication_file
from newsletter_pdf.resources import fonts_dir, layouts_dir

Snapshot = dict[Path, tuple[float, int]]


@dataclass
class Watcher:
    """Polls the files an issue depends on; `poll()` rebuilds when they changed."""

    issue_dir: Path
    rebuild: Callable[[], object]
    on_error: Callable[[NewsletterError], None]
    interval: float = 0.3
    snapshot: Snapshot = field(default_factory=dict)

    # What the last loaded issue said it depends on (Newsletter.watched_paths); before the first
    # good build, the issue folder and its newsletter.yaml.
    depends_on: list[Path] = field(default_factory=list)

    def watched(self) -> list[Path]:
        """The issue's own files and folders, then the bundled layouts and fonts."""
        own = self.depends_on or [self.issue_dir, *filter(None, [find_publication_file(self.issue_dir)])]
        return [*own, layouts_dir(), fonts_dir()]

    def scan(self) -> Snapshot:
        found: Snapshot = {}
        for watched in self.watched():
            candidates = watched.rglob("*") if watched.is_dir() else [watched]
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
            result = self.rebuild()
        except NewsletterError as error:
            self.on_error(error)
            return None
        newsletter = getattr(result, "newsletter", None)
        if newsletter is not None:
            self.depends_on = [Path(p) for p in newsletter.watched_paths()]
        return result

    def poll(self, on_changes: Callable[[list[Path]], None] = lambda changes: None) -> tuple[list[Path], object]:
        """Rebuild if anything changed since the last poll; returns the changes and the result."""
        changes = self.changed()
        if not changes:
            return [], None
        on_changes(changes)
        if any(p.suffix.lower() in IMAGE_SUFFIXES for p in changes):
            from newsletter_pdf.render import engine as pdf

            pdf.forget_images()
        return changes, self.build_once()

    def run(self, on_changes: Callable[[list[Path]], None], stop: Callable[[], bool] = lambda: False) -> None:
        """Build now, then again after every change, until stop() says so (or Ctrl-C)."""
        self.build_once()
        self.snapshot = self.scan()
        while not stop():
            time.sleep(self.interval)
            self.poll(on_changes)
