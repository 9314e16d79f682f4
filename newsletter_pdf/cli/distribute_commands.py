"""`address`: what distribution teams do with the paper edition (registered on the one Typer app)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsletter_pdf.cli.options import Debug, Quiet
from newsletter_pdf.cli.report import Reporter, handled


def register(app: typer.Typer) -> None:
    app.command()(address)


def address(
    issue_dir: Annotated[Path, typer.Argument(help="The issue folder, holding issue.yaml.", show_default=False)],
    members: Annotated[Path, typer.Argument(help="members.csv: name, address1-5, city, postcode, country, paper.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the PDF into.")] = Path("out"),
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """One print copy per member, each with its address in the back page's mailing panel, in postcode order.

    The issue is typeset once; each copy is the same pages with one address stamped on. Members with
    paper: no are skipped. Needs print: {mailing_panel: true} in newsletter.yaml.
    Example: [bold]newsletter-pdf address issues/2025-11 members.csv -o out[/bold]
    """
    reporter = Reporter(0 if quiet else 1)
    with handled(debug):
        from newsletter_pdf.distribute.address import address_copies

        made = address_copies(issue_dir, members, out_dir, progress=reporter.step)
        skipped = f"; {made.skipped} skipped (paper: no)" if made.skipped else ""
        reporter.step(f"{made.copies} addressed copies of {made.pages_per_copy} pages, in postcode order{skipped}")
        for area, count in made.areas.items():
            reporter.step(f"  {area}: {count}")
        reporter.result(str(made.path))
        reporter.result(str(made.summary))
