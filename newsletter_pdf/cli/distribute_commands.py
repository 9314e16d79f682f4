"""`mail`, `labels` and `address`: what distribution teams do with an issue (registered on the one Typer app)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsletter_pdf.cli.options import Debug, Quiet
from newsletter_pdf.cli.report import Reporter, handled


def register(app: typer.Typer) -> None:
    app.command()(mail)
    app.command()(labels)
    app.command()(address)


def mail(
    issue_dir: Annotated[Path, typer.Argument(help="The issue folder, holding issue.yaml.", show_default=False)],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the .eml, the PDF and the log.")] = Path(
        "out"
    ),
    to: Annotated[Path | None, typer.Option("--to", help="members.csv with an email column: who to send to.")] = None,
    send: Annotated[bool, typer.Option("--send", help="Really send (without it, --to is a dry run).")] = False,
    resend_unconfirmed: Annotated[
        bool, typer.Option("--resend-unconfirmed", help="Also send to whoever the log shows as unconfirmed.")
    ] = False,
    budget: Annotated[float, typer.Option("--budget", help="Largest message allowed, in MB.", min=0.1)] = 8.0,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Write OUT/<publication>-<YYYY-MM>.eml: the email edition, with the email PDF attached.

    With --to members.csv it says whom it would send to; add --send to send, one message each, over the
    SMTP server of newsletter.yaml's `distribution:`. A log beside the outputs makes a rerun resume.
    Example: [bold]newsletter-pdf mail issues/2025-11 --to members.csv --send[/bold]
    """
    reporter = Reporter(0 if quiet else 1)
    if send and to is None:
        raise typer.BadParameter("--send needs --to members.csv", param_hint="--send")
    with handled(debug):
        from newsletter_pdf.cli.report import show_sending
        from newsletter_pdf.distribute import mail as mail_mod
        from newsletter_pdf.distribute.send import send_issue

        limit = int(budget * 1_000_000)
        if to is None:
            made = mail_mod.write_mail(issue_dir, out_dir, budget=limit, progress=reporter.step)
            reporter.step(f"{made.subject}: {made.articles} articles, {made.size / 1e6:.2f} MB")
            reporter.result(str(made.path))
            return
        made, report = send_issue(
            issue_dir,
            to,
            out_dir,
            really=send,
            resend_unconfirmed=resend_unconfirmed,
            budget=limit,
            progress=reporter.step,
        )
        reporter.result(str(made.path))
        show_sending(report, reporter)


def labels(
    members_csv: Annotated[
        Path, typer.Argument(help="members.csv: name, address1..address5, city, postcode, country.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the label PDF.")] = Path("out"),
    label_format: Annotated[str, typer.Option("--format", help="Label sheet, e.g. L7160 (A4) or 5160 (Letter).")] = (
        "L7160"
    ),
    skip: Annotated[int, typer.Option("--skip", help="Labels already used on the first sheet.", min=0)] = 0,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Print address labels for the post: a PDF of label sheets, long lines shrunk to fit.

    Example: [bold]newsletter-pdf labels members.csv --format L7160 --skip 4[/bold]
    """
    from newsletter_pdf.distribute.labels import label_formats

    formats = label_formats()
    chosen = next((f for name, f in formats.items() if name.lower() == label_format.lower()), None)
    if chosen is None:
        raise typer.BadParameter(f"{label_format!r}; choose from {', '.join(formats)}", param_hint="--format")
    if skip >= chosen.per_sheet:
        raise typer.BadParameter(f"{chosen.name} has {chosen.per_sheet} labels a sheet", param_hint="--skip")
    with handled(debug):
        from newsletter_pdf.distribute.labels import write_labels

        made = write_labels(members_csv, out_dir, chosen.name, skip)
        Reporter(0 if quiet else 1).step(f"{made.labels} labels on {made.sheets} sheet(s) of {made.format.name}")
        Reporter(0 if quiet else 1).result(str(made.path))


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
