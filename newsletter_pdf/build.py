"""The pipeline: one issue folder -> validated models -> HTML -> laid-out pages -> PDF files."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import layouts as layouts_mod
from .errors import UserError
from .files import write_atomically
from .html import render_html
from .loader import load
from .models import Newsletter
from .resources import fonts_dir

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class Step:
    name: str
    seconds: float


@dataclass
class BuildResult:
    """What a build produced, for the CLI, the tests and the benchmark."""

    newsletter: Newsletter
    pdf: Path
    html: Path | None
    pages: int
    warnings: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


class _Timer:
    def __init__(self, steps: list[Step], progress: Progress):
        self.steps, self.progress = steps, progress

    def __call__(self, name: str):
        timer = self

        class _Span:
            def __enter__(self):
                self.start = time.perf_counter()
                return self

            def __exit__(self, *exc):
                if exc[0] is None:
                    seconds = time.perf_counter() - self.start
                    timer.steps.append(Step(name, seconds))
                    timer.progress(f"{name} ({seconds:.2f} s)")

        return _Span()


def output_name(newsletter: Newsletter, suffix: str = "") -> str:
    return f"{newsletter.slug}-{newsletter.issue.date}{suffix}.pdf"


def prepare(issue_dir: Path, layout_name: str | None = None) -> tuple[Newsletter, layouts_mod.Layout, str]:
    """Load and validate the issue, pick its layout and produce the HTML (no WeasyPrint needed)."""
    newsletter = load(issue_dir)
    publication = newsletter.publication
    override = None
    if publication.layout_dir:
        override = (Path(newsletter.publication_file).parent / publication.layout_dir).resolve()
    layout = layouts_mod.load_layout(layout_name or publication.layout, override)
    return newsletter, layout, render_html(newsletter, layout)


def allowed_roots(newsletter: Newsletter, layout: layouts_mod.Layout) -> list[Path]:
    """The only folders WeasyPrint may read from: the issue, the layout's folders and fonts/."""
    return [Path(newsletter.issue_dir), *(Path(p) for p in layout.search_path), fonts_dir()]


def build(
    issue_dir: Path | str,
    out_dir: Path | str = "out",
    *,
    layout_name: str | None = None,
    write_html: bool = False,
    strict: bool = False,
    progress: Progress = _quiet,
) -> BuildResult:
    """Build one issue into OUT_DIR/<slug>-<YYYY-MM>.pdf and return what was made."""
    from . import pdf  # WeasyPrint is imported only by commands that typeset.

    issue_dir, out_dir = Path(issue_dir), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} exists and is not a folder; choose another output folder with -o.")
    steps: list[Step] = []
    timed = _Timer(steps, progress)

    with timed("Loaded and checked the issue files"):
        newsletter, layout, html = prepare(issue_dir, layout_name)
    with timed("Typeset the pages"):
        rendered = pdf.render(html, Path(newsletter.issue_dir), allowed_roots(newsletter, layout))
    if rendered.refused:
        listing = "\n  ".join(rendered.refused)
        raise UserError(f"the layout asked for files outside the allowed folders; nothing was written:\n  {listing}")
    warnings = list(rendered.warnings)
    if strict and warnings:
        raise UserError("WeasyPrint warned (--strict); nothing was written:\n  " + "\n  ".join(warnings))
    target = out_dir / output_name(newsletter)
    html_path = None
    if write_html:
        html_path = write_atomically(target.with_suffix(".html"), html)
    with timed(f"Wrote {target} ({rendered.page_count} pages)"):
        warnings += pdf.write(rendered, target)
    return BuildResult(newsletter, target, html_path, rendered.page_count, warnings, steps)
