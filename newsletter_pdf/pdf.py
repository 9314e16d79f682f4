"""HTML -> PDF with WeasyPrint: a sandboxed URL fetcher, captured warnings, atomic writes."""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from .files import atomic_writer

LOGGER = logging.getLogger(__name__)


class SandboxFetcher(weasyprint.URLFetcher):
    """Fetches only local files inside the allowed folders, and data: URLs. Nothing from the network."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [Path(r).resolve() for r in roots]
        self.refused: list[str] = []

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots)

    def fetch(self, url, headers=None):
        if not self.allows(url):
            self.refused.append(url)
            # WeasyPrint logs this and skips the resource; the build turns it into a problem.
            raise ValueError(f"newsletter-pdf fetches nothing outside the issue, layout and font folders: {url}")
        return super().fetch(url, headers)


@dataclass
class Rendered:
    """A laid-out document and what WeasyPrint said while laying it out."""

    document: weasyprint.Document
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.document.pages)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def captured_warnings():
    """Collect WeasyPrint's warnings and errors instead of letting them pass unseen."""
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


_FONT_CONFIG: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    """One font configuration per process: @font-face files are loaded once, then reused."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def render(html: str, base_url: Path, roots: list[Path], **options) -> Rendered:
    """Lay out the HTML into pages."""
    fetcher = SandboxFetcher(roots)
    with captured_warnings() as warnings:
        document = weasyprint.HTML(string=html, base_url=str(base_url) + os.sep, url_fetcher=fetcher).render(
            font_config=font_config(), **options
        )
    return Rendered(document, warnings, fetcher.refused)


def write(rendered: Rendered, target: Path, **options) -> list[str]:
    """Write the PDF atomically; returns WeasyPrint's warnings from writing."""
    with atomic_writer(target) as stream, captured_warnings() as warnings:
        rendered.document.write_pdf(stream, **options)
    return warnings
