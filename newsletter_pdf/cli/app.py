"""The command line: parse options, call one pipeline function, print what it made."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer

from newsletter_pdf.cli.options import Debug, Quiet, Verbose
from newsletter_pdf.cli.report import Reporter, handled, warn_if_slow_subsetting
from newsletter_pdf.messages import shown_path

app = typer.Typer(
    name="newsletter-pdf",
    help="Typeset a newsletter issue (YAML + Markdown) into print-ready PDF.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def _group() -> None:
    """Typeset a newsletter issue (YAML + Markdown) into print-ready PDF."""


# Bounds of option values: outside them a command stops with a usage message (exit 2), before any work.
MAX_JOBS = 64
MIN_DPI, MAX_DPI = 10, 600  # 600 dpi: an A4 page is 35 megapixels; far beyond, memory runs out


def _positive_mb(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise typer.BadParameter(f"{value} is not a size; give a number of megabytes above 0, such as 8 or 2.5.")
    return value


def _report_file(value: Path | None) -> Path | None:
    if value is not None and value.is_dir():
        raise typer.BadParameter(f"{value} is a folder; give a file name for the report, such as report.json.")
    return value


def _reporter(quiet: bool, verbose: int) -> Reporter:
    return Reporter(0 if quiet else 1 + verbose)


def _checked_creep(value: str | None) -> str | None:
    """A creep the booklet can use, or a usage error (exit 2) saying how to write one."""
    if value is None:
        return None
    from newsletter_pdf.errors import UserError
    from newsletter_pdf.outputs.booklet import creep_points

    try:
        creep_points(value)
    except UserError as error:
        raise typer.BadParameter(str(error)) from None
    return value


@app.command()
def build(
    issue_dirs: Annotated[
        list[Path], typer.Argument(help="Issue folders (each holding issue.yaml).", show_default=False)
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the PDFs into.")] = Path("out"),
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, max=MAX_JOBS, help="Issues built at once (0: one per core).")
    ] = 0,
    profile: Annotated[
        list[str] | None,
        typer.Option(
            "--profile",
            "-p",
            help="print, email, archive or booklet; repeat for several. Default: print, email and archive.",
        ),
    ] = None,
    layout: Annotated[str | None, typer.Option("--layout", help="Layout to use instead of the publication's.")] = None,
    html: Annotated[bool, typer.Option("--html", help="Also write the typeset HTML beside the PDFs.")] = False,
    report: Annotated[
        Path | None, typer.Option("--report", callback=_report_file, help="Write the preflight report as JSON.")
    ] = None,
    email_budget: Annotated[
        float,
        typer.Option(
            "--email-budget", callback=_positive_mb, help="Warn when the email PDF is larger than this many MB."
        ),
    ] = 8.0,
    force: Annotated[
        bool,
        typer.Option("--force", help="Typeset even if nothing changed since the last build."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Treat WeasyPrint's warnings, and print pages over the ink limit, as errors."),
    ] = False,
    creep: Annotated[
        str | None,
        typer.Option(
            "--creep",
            help="Booklet: move each sheet's pages this far towards the spine (e.g. 0.3mm).",
            callback=lambda value: _checked_creep(value),
        ),
    ] = None,
    booklet_marks: Annotated[
        bool, typer.Option("--booklet-marks", help="Booklet: crop and fold marks in a slug around each sheet.")
    ] = False,
    quiet: Quiet = False,
    verbose: Verbose = 0,
    debug: Debug = False,
) -> None:
    """Build issues into OUT/<publication>-<YYYY-MM>-{print,email,archive}.pdf, with a preflight report.

    Example: [bold]newsletter-pdf build issues/2025-11 -o out --profile email[/bold]
    Several at once: [bold]newsletter-pdf build issues/20* --jobs 2[/bold]
    """
    reporter = _reporter(quiet, verbose)
    options: dict[str, Any] = {
        "profiles": profile,
        "layout_name": layout,
        "write_html": html,
        "strict": strict,
        "force": force,
        "email_budget": int(email_budget * 1_000_000),
        "creep": creep,
        "booklet_marks": booklet_marks,
    }
    if len(issue_dirs) > 1:
        with handled(debug):
            from newsletter_pdf.cli.report import run_batch

            failed = run_batch(issue_dirs, out_dir, jobs, options, reporter, report)
        raise typer.Exit(1 if failed else 0)
    with handled(debug):
        from newsletter_pdf.cli.report import show_details, show_preflight, write_report
        from newsletter_pdf.pipeline import build as run_build

        result = run_build(issue_dirs[0], out_dir, progress=reporter.step, **options)
        if not result.up_to_date:  # (an up-to-date build never imports WeasyPrint)
            warn_if_slow_subsetting(reporter)
        for notice in result.notices:
            reporter.warn(notice)
        show_details(result, reporter)
        show_preflight(result, reporter)
        if report:
            write_report(result, report)
            reporter.step(f"Wrote the preflight report to {report}")
        if result.html:
            reporter.result(str(result.html))
        for output in result.outputs:
            reporter.result(str(output.path))


@app.command()
def publish(
    issue_dir: Annotated[Path, typer.Argument(help="The issue folder, holding issue.yaml.", show_default=False)],
    archive_dir: Annotated[
        Path | None,
        typer.Option("--archive", help="The archive folder. Default: archive/ beside newsletter.yaml."),
    ] = None,
    revise: Annotated[
        bool, typer.Option("--revise", help="File a changed issue as a new revision, keeping the published one.")
    ] = False,
    layout: Annotated[str | None, typer.Option("--layout", help="Layout to use instead of the issue's.")] = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """File the issue's archive PDF, its .sha256 and a record in the archive; nothing published is replaced.

    The same bytes again: "already published". Different bytes: refused, saying what changed,
    unless --revise, which files a numbered revision beside the earlier copies.
    Example: [bold]newsletter-pdf publish issues/2025-11[/bold]
    """
    reporter = _reporter(quiet, 0)
    with handled(debug):
        from newsletter_pdf.archive.publish import publish as run_publish
        from newsletter_pdf.cli.report import show_published

        published = run_publish(issue_dir, archive_dir, revise=revise, layout_name=layout, progress=reporter.step)
        warn_if_slow_subsetting(reporter)
        show_published(published, reporter)


@app.command()
def check(
    issue_dir: Annotated[Path, typer.Argument(help="The issue folder, holding issue.yaml.", show_default=False)],
    layout: Annotated[str | None, typer.Option("--layout", help="Layout to check against.")] = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Validate an issue without typesetting it, and give advice on its content.

    Example: [bold]newsletter-pdf check issues/2025-11[/bold]
    """
    with handled(debug):
        from newsletter_pdf.cli.report import show_advice
        from newsletter_pdf.pipeline import check as run_check

        result = run_check(issue_dir, layout)
        show_advice(result, _reporter(quiet, 0))


@app.command()
def new(
    issues_dir: Annotated[Path, typer.Argument(help="The folder of issue folders.")] = Path("issues"),
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Start the next issue: a folder for the month after the latest, numbered on, with a template article.

    Example: [bold]newsletter-pdf new issues[/bold]
    """
    with handled(debug):
        from newsletter_pdf.cli.scaffold import new_issue

        made = new_issue(issues_dir)
        reporter = _reporter(quiet, 0)
        carried = "".join(f", and the box '{title}' carried over" for title in made.carried)
        reporter.step(
            f"Made {shown_path(made.folder)} for {made.date}, volume {made.volume}, number {made.number} "
            f"(after {made.previous.name}), with one template article{carried}."
        )
        reporter.result(shown_path(made.issue_file))


@app.command()
def preview(
    issue_dir: Annotated[Path, typer.Argument(help="The issue folder, holding issue.yaml.", show_default=False)],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the email PDF and its PNG pages.")] = Path(
        "out/preview"
    ),
    dpi: Annotated[
        int, typer.Option("--dpi", min=MIN_DPI, max=MAX_DPI, help="Resolution of the page images, in dots per inch.")
    ] = 100,
    layout: Annotated[str | None, typer.Option("--layout", help="Layout to use instead of the issue's.")] = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Write the email PDF, PNG pages and a 600 px wide cover thumbnail (page 1) for the distribution email.

    Each run rewrites the same files in OUT, so an image viewer left open shows the latest pages.
    Example: [bold]newsletter-pdf preview issues/2025-11 --layout large-print[/bold]
    """
    reporter = _reporter(quiet, 0)
    with handled(debug):
        from newsletter_pdf.outputs.preview import write_preview
        from newsletter_pdf.pipeline import build as run_build

        result = run_build(issue_dir, out_dir, profiles=["email"], layout_name=layout, progress=reporter.step)
        warn_if_slow_subsetting(reporter)
        made = write_preview(result.pdf, out_dir, dpi=dpi)
        for page in made.pages:
            reporter.result(shown_path(page))
        reporter.result(shown_path(made.thumbnail))


@app.command()
def watch(
    issue_dir: Annotated[Path, typer.Argument(help="The issue folder, holding issue.yaml.", show_default=False)],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the PDF into.")] = Path("out"),
    profile: Annotated[
        list[str] | None, typer.Option("--profile", "-p", help="Outputs to rebuild (email by default).")
    ] = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Rebuild on every save of a source, image, layout or font file (Ctrl-C stops).

    The process stays warm, so a rebuild after a small edit is much faster than a cold build.
    Example: [bold]newsletter-pdf watch issues/2025-11[/bold]
    """
    reporter = _reporter(quiet, 0)
    with handled(debug):
        from newsletter_pdf.cli.report import run_watch

        run_watch(issue_dir, out_dir, profile or ["email"], reporter)


@app.command()
def schema(
    out_dir: Annotated[Path, typer.Argument(help="Folder for the schema files.")] = Path("schema"),
    quiet: Quiet = False,
) -> None:
    """Write the JSON Schemas of newsletter.yaml, issue.yaml and article front matter.

    Editors that read `# yaml-language-server: $schema=...` then complete and check as you type.
    Example: [bold]newsletter-pdf schema schema/[/bold]
    """
    with handled():
        from newsletter_pdf.input.schema import write_schemas

        for path in write_schemas(out_dir):
            _reporter(quiet, 0).result(str(path))


@app.command("layouts")
def list_layouts() -> None:
    """List the layouts and the themes (newsletter.yaml brand.theme), with a line about each.

    Example: [bold]newsletter-pdf layouts[/bold]
    """
    with handled():
        from newsletter_pdf.input.brand import load_theme
        from newsletter_pdf.render.layouts import available, load_layout
        from newsletter_pdf.resources import theme_names

        for name in available():
            Reporter().result(f"{name:<14} {load_layout(name).description}")
        for name in theme_names():
            Reporter().result(f"theme {name:<8} {load_theme(name).description}")


def _register_more_commands() -> None:
    """Commands kept in modules of their own, on the same app."""
    from newsletter_pdf.cli import archive_commands, distribute_commands

    distribute_commands.register(app)
    archive_commands.register(app)


_register_more_commands()


def main() -> None:
    app()
