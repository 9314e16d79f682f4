"""`catalogue` and `volume`: what archivists do with the published issues (registered on the one Typer app)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsletter_pdf.cli.options import Debug, Quiet
from newsletter_pdf.cli.report import Reporter, handled


def register(app: typer.Typer) -> None:
    app.command()(catalogue)
    app.command()(volume)


def catalogue(
    archive_dir: Annotated[
        Path, typer.Argument(help="The archive folder that publish fills.", show_default=True)
    ] = Path("archive"),
    search: Annotated[
        bool, typer.Option("--search/--no-search", help="Build the full-text search index (Pagefind).")
    ] = True,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write catalogue.pdf: a sheet a year of covers.")] = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Write a static web archive of every published issue into the archive folder.

    index.html (issues by year, covers, titles, PDF and SHA-256), a page per issue, full-text
    search (Pagefind), catalogue.json and feed.xml (Atom). Only new or revised PDFs are read again.
    Example: [bold]newsletter-pdf catalogue issues/archive[/bold]
    """
    reporter = Reporter(0 if quiet else 1)
    with handled(debug):
        from newsletter_pdf.archive.catalogue import catalogue as run_catalogue
        from newsletter_pdf.messages import shown_path

        result = run_catalogue(archive_dir, search=search, shelf_pdf=pdf, progress=reporter.step)
        if search and not result.searchable:
            reporter.warn("the search index was not made: browsing works, search does not")
        reporter.result(shown_path(result.folder / "index.html"))


def volume(
    archive_dir: Annotated[Path, typer.Argument(help="The archive folder that publish fills.")],
    year: Annotated[int, typer.Option("--year", min=1000, max=9999, help="The year to bind.", show_default=False)],
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder to write the volume into. Default: the archive.")
    ] = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Bind a year's published issues into one PDF/A-3b volume, with bookmarks, page labels and an index.

    The issues are bound as published (not typeset again), after a title page; the index of
    articles (title and author -> page) comes last.
    Example: [bold]newsletter-pdf volume issues/archive --year 2025[/bold]
    """
    reporter = Reporter(0 if quiet else 1)
    with handled(debug):
        from newsletter_pdf.archive.volume import volume as run_volume
        from newsletter_pdf.messages import shown_path

        made = run_volume(archive_dir, year, out_dir, progress=reporter.step)
        reporter.result(shown_path(made.path))
