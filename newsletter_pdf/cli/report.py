"""What the user sees: progress on stdout, problems on stderr (Rich), never a traceback."""

from __future__ import annotations

import json
import re
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsletter_pdf.errors import InternalError, NewsletterError, Problem, UserError, ValidationProblems

# emoji=False: "issue.yaml:100:5" must not print as "issue.yaml💯5".
out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

EXIT_OK, EXIT_PROBLEMS, EXIT_INTERNAL = 0, 1, 3


class Reporter:
    """Progress lines, honouring -q (quiet) and -v (verbose)."""

    def __init__(self, verbosity: int = 1):
        self.verbosity = verbosity

    def step(self, message: str) -> None:
        if self.verbosity >= 1:
            out.print(f"[dim]·[/dim] {message}")

    def detail(self, message: str) -> None:
        if self.verbosity >= 2:
            out.print(f"  [dim]{message}[/dim]")

    def result(self, message: str) -> None:
        """The one line a script wants (e.g. the path written); printed even with -q."""
        out.print(message)

    def warn(self, message: str) -> None:
        err.print(f"[yellow]warning:[/yellow] {message}")


def error_line(text: str) -> None:
    """One 'error: ...' line on stderr; the text is shown as it is (no Rich markup)."""
    err.print("[bold red]error:[/bold red] ", end="")
    err.print(text, markup=False)


def os_error_text(exc: OSError) -> str:
    """What the file system said (a full disk, no permission, a name too long) and about which file."""
    return f"{exc.strerror or exc}: {exc.filename or ''}".strip(": ")


def _where(problem: Problem) -> str:
    """file:line:column, in the one path style of every message (relative to the current folder when below it)."""
    from newsletter_pdf.messages import shown_path

    location = problem.location
    return str(type(location)(Path(shown_path(location.file)), location.line, location.column))


def _line(problem: Problem) -> str:
    """file:line:column: field: message, on one greppable line."""
    return (
        f"{_where(problem)}: {problem.field}: {problem.message}"
        if problem.field
        else f"{_where(problem)}: {problem.message}"
    )


def show_problems(error: ValidationProblems) -> None:
    count = len(error.problems)
    err.print(f"[bold red]error:[/bold red] {count} problem{'s' if count != 1 else ''} found; nothing was written.")
    for problem in error.problems:
        if err.is_terminal:  # two lines each, readable at any width
            err.print(Text.assemble((_where(problem), "cyan"), "  ", (problem.field, "bold")))
            err.print(Text.assemble("    ", problem.message))
        else:  # one greppable line each: file:line:column: field: message
            err.print(_line(problem), markup=False)


@contextmanager
def handled(debug: bool = False) -> Iterator[None]:
    """Turn every failure into a message and an exit code; a traceback only with --debug."""
    try:
        yield
    except ValidationProblems as exc:
        show_problems(exc)
        sys.exit(EXIT_PROBLEMS)
    except (UserError, NewsletterError) as exc:
        if isinstance(exc, InternalError):
            raise
        error_line(str(exc))
        sys.exit(EXIT_PROBLEMS)
    except OSError as exc:
        error_line(os_error_text(exc))
        sys.exit(EXIT_PROBLEMS)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/yellow]; no partial file was left behind.")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a bug: say so plainly
        if debug:
            traceback.print_exc()
        err.print("[bold red]internal error:[/bold red] ", end="")
        err.print(
            f"{type(exc).__name__}: {exc}\n"
            "This is a bug in newsletter-pdf, not in your files. Please report it with the command you ran"
            + ("" if debug else " and the output of the same command with --debug")
            + ".",
            markup=False,
        )
        sys.exit(EXIT_INTERNAL)


_warned_about_subsetting = False


def warn_if_slow_subsetting(reporter: Reporter) -> None:
    """Once per process: say so when fonts are subset without HarfBuzz."""
    global _warned_about_subsetting
    from newsletter_pdf.render.engine import harfbuzz_subsetting

    if not _warned_about_subsetting and not harfbuzz_subsetting():
        _warned_about_subsetting = True
        reporter.warn(
            "libharfbuzz-subset0 is not installed: fonts are subset with fontTools, which is slower and may "
            "not give the same bytes twice. scripts/setup.sh installs it (apt-get install libharfbuzz-subset0)."
        )


def show_details(result, reporter: Reporter) -> None:
    """-v: what the build read, and what it asked of WeasyPrint for each output."""
    newsletter = result.newsletter
    from newsletter_pdf.messages import shown_path

    files = ", ".join(shown_path(f) for f in newsletter.source_files)
    reporter.detail(f"read {len(newsletter.source_files)} files: {files}")
    for output in result.outputs:
        options = dict(output.profile.write_options)
        reporter.detail(f"{output.profile.name}: {output.profile.description}; WeasyPrint options {options}")
    for layout_pass, fit in result.fits.items():
        reporter.detail(f"{layout_pass} pass page fit: {fit.fit} after {fit.renders} layout(s)")
    for step in result.steps:
        reporter.detail(f"{step.seconds:6.2f} s  {step.name}")


def show_preflight(result, reporter: Reporter) -> None:
    """One short table of what each output is, then its warnings."""
    if result.up_to_date:
        for output in result.outputs:
            for warning in output.warnings:
                reporter.warn(f"{output.profile.name}: {warning} (from the last build)")
        return
    if reporter.verbosity >= 1:
        table = Table(title="Preflight", title_justify="left", header_style="bold", pad_edge=False)
        columns = ("Output", "Pages", "Size", "Variant", "Fonts embedded", "Images (effective dpi)", "Layout lint")
        for column in columns:
            table.add_column(column)
        for output in result.outputs:
            r = output.report
            images = (
                ", ".join(f"{Path(i.file).name} {i.dpi:.0f} {i.colour_space.removeprefix('Device')}" for i in r.images)
                or "none"
            )
            if r.findings is None:
                lint = "not run"
            elif r.findings:
                lint = f"[yellow]{len(r.findings)} finding{'s' if len(r.findings) != 1 else ''}[/yellow]"
            else:
                lint = "ok"
            table.add_row(
                r.profile,
                str(r.pages),
                f"{r.size / 1e6:.2f} MB",
                r.variant,
                "yes" if r.fonts_embedded else "NO",
                images,
                lint,
            )
        out.print(table)
        for output in result.outputs:
            if output.report.printer is not None:
                show_printer_summary(output.report.printer, reporter)
    for warning in once([(o.profile.name, w) for o in result.outputs for w in o.report.warnings]):
        reporter.warn(warning)


_HARFBUZZ = re.compile(r'^Unable to subset "(.*)" with HarfBuzz$')


def once(warnings: list[tuple[str, str]]) -> list[str]:
    """(output, warning) pairs as lines, each warning once with the outputs it concerns.

    WeasyPrint's "Unable to subset <font> with HarfBuzz" comes per font and per output: one line says it.
    """
    by_text: dict[str, list[str]] = {}
    fonts: dict[str, list[str]] = {}
    for output, warning in warnings:
        match = _HARFBUZZ.match(warning)
        if match:
            fonts.setdefault(match.group(1), [])
            by_text.setdefault("harfbuzz", [])
            outputs = by_text["harfbuzz"]
        else:
            outputs = by_text.setdefault(warning, [])
        if output not in outputs:
            outputs.append(output)
    lines = []
    for text, outputs in by_text.items():
        if text == "harfbuzz":
            text = f"HarfBuzz could not subset {', '.join(fonts)}; fontTools subset them instead."
        lines.append(f"{', '.join(outputs)}: {text}")
    return lines


def show_printer_summary(summary, reporter: Reporter) -> None:
    """The print file as a printer reads it: one line, and with -v a row per page."""
    inks = [p.ink_max for p in summary.pages if p.ink_max is not None]

    def spaces(attr: str) -> str:
        return "/".join(sorted({s for p in summary.pages for s in getattr(p, attr)})) or "none"

    ink = f"ink up to {max(inks):.0f} % (limit {summary.ink_limit} %)" if inks else "ink not measured"
    marks = "crop marks in the slug" if summary.marks else "no marks"
    out.print(
        f"Print: {ink}; text {spaces('text_colour')}, pictures {spaces('image_colour')}; "
        f"bleed {summary.bleed_mm:g} mm, {marks}; {summary.profile}, {summary.rendering_intent}",
        markup=False,
        highlight=False,
    )
    if reporter.verbosity < 2:
        return
    table = Table(title="Print, page by page", title_justify="left", header_style="bold", pad_edge=False)
    for column in ("Page", "Ink max %", "Text", "Paint", "Pictures", "Fonts"):
        table.add_column(column)
    for page in summary.pages:
        table.add_row(
            str(page.page),
            "?" if page.ink_max is None else f"{page.ink_max:.0f}",
            ", ".join(page.text_colour) or "-",
            ", ".join(page.paint_colour) or "-",
            "; ".join([*page.images, *page.image_colour]) or "-",
            str(len(page.fonts)),
        )
    out.print(table)


def write_report(result, path: Path) -> None:
    from newsletter_pdf.batch import report_of
    from newsletter_pdf.files import write_atomically

    write_atomically(path, json.dumps(report_of(result), indent=2, ensure_ascii=False) + "\n")


def write_batch_report(items, path: Path) -> None:
    """--report for several issues: {"issues": [one report per issue, with ok and error]}."""
    from newsletter_pdf.files import write_atomically

    issues = [{"issue": i.issue_dir, "ok": i.ok, "error": i.error or None, **(i.report or {})} for i in items]
    write_atomically(path, json.dumps({"issues": issues}, indent=2, ensure_ascii=False) + "\n")


def show_published(published, reporter: Reporter) -> None:
    """`publish`: what was filed, or that these bytes were published already."""
    from newsletter_pdf.messages import shown_path

    record = published.record
    where = shown_path(published.pdf)
    if not published.filed:
        reporter.step(f"already published: {where} (revision {record.revision}) has the same bytes; nothing to do.")
    else:
        pages = f"{record.pages} page{'s' if record.pages != 1 else ''}"
        reporter.step(f"Published {record.title}: revision {record.revision}, {pages}, sha256 {record.sha256[:12]}")
        for change in record.changes:
            reporter.step(f"  changed: {change}")
    reporter.result(where)


def show_advice(result, reporter: Reporter) -> None:
    """`check`: the issue is valid; list the advice, if any."""
    newsletter = result.newsletter
    articles = len(newsletter.issue.articles)
    reporter.step(
        f"{newsletter.title}: valid, {articles} article{'s' if articles != 1 else ''}, layout {result.layout.name}."
    )
    for problem in result.advice:
        err.print("[yellow]advice:[/yellow] ", end="")
        err.print(_line(problem), markup=False)
    if not result.advice:
        reporter.step("No advice: the content looks ready.")


def run_batch(issue_dirs, out_dir, jobs, options, reporter: Reporter, report: Path | None = None) -> int:
    """Several issues in a process pool, one progress bar, a summary table; returns how many failed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newsletter_pdf.batch import build_many

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out,
        disable=reporter.verbosity < 1,
    ) as progress:
        task = progress.add_task("Building issues", total=len(issue_dirs))
        items = build_many(issue_dirs, out_dir, jobs=jobs, on_done=lambda item: progress.advance(task), **options)
    warn_if_slow_subsetting(reporter)
    table = Table(title="Batch", title_justify="left", header_style="bold", pad_edge=False)
    for column in ("Issue", "Result", "Pages", "Seconds"):
        table.add_column(column)
    for item in items:
        table.add_row(
            item.issue_dir, "ok" if item.ok else "[red]failed[/red]", str(item.pages or ""), f"{item.seconds:.1f}"
        )
    if reporter.verbosity >= 1:
        out.print(table)
    for item in items:
        if item.ok:
            for path in item.outputs:
                reporter.result(path)
        else:
            error_line(f"{item.issue_dir}: {item.error}")
    for item in items:
        outputs = (item.report or {}).get("outputs", [])
        for warning in once([(o["profile"], w) for o in outputs for w in o.get("warnings", [])]):
            reporter.warn(f"{item.issue_dir}: {warning}")
    if report:
        write_batch_report(items, report)
        reporter.step(f"Wrote the preflight report to {report}")
    return sum(not item.ok for item in items)


def run_watch(issue_dir: Path, out_dir: Path, profiles: list[str], reporter: Reporter) -> None:
    """Rebuild on save until Ctrl-C; errors are shown and the next save tries again."""
    import time as _time

    from newsletter_pdf.cli.watch import Watcher
    from newsletter_pdf.pipeline import build

    def rebuild():
        start = _time.perf_counter()
        result = build(issue_dir, out_dir, profiles=profiles, check_outputs=False, warm=True)
        warn_if_slow_subsetting(reporter)
        paths = ", ".join(str(o.path) for o in result.outputs)
        reporter.result(f"rebuilt {paths} ({result.pages} pages) in {_time.perf_counter() - start:.2f} s")
        return result

    def on_error(error):
        if isinstance(error, ValidationProblems):
            show_problems(error)
        else:
            error_line(str(error))
        reporter.step("waiting for the next save")

    watcher = Watcher(Path(issue_dir).absolute(), rebuild, on_error)
    reporter.step(f"Watching {issue_dir}, the layouts and the fonts; Ctrl-C stops.")
    try:
        watcher.run(lambda changes: reporter.step("changed: " + ", ".join(p.name for p in changes)))
    except KeyboardInterrupt:  # (other failures reach console.handled, around every command)
        reporter.step("stopped watching")


def show_sending(report, reporter: Reporter) -> None:
    """What `mail --to` did, or would do in a dry run."""
    for warning in report.warnings:
        reporter.warn(warning)
    if report.already_sent:
        reporter.step(f"{len(report.already_sent)} already sent before (see {report.log})")
    if report.dry_run:
        reporter.step(
            f"Dry run: would send {len(report.to_send)} message(s) through {report.server}; "
            "nothing was sent. Add --send to send."
        )
    else:
        reporter.step(f"Sent {len(report.sent)} message(s) through {report.server}; log: {report.log}")
    for address, reason in report.failed.items():
        reporter.warn(f"not sent to {address}: {reason} (a rerun tries again)")
    if report.unconfirmed:
        reporter.warn(
            f"{len(report.unconfirmed)} message(s) may or may not have arrived (the connection broke while sending): "
            f"{', '.join(report.unconfirmed)}. Check the server's log; --resend-unconfirmed sends them again."
        )
    if report.stopped:
        error_line(f"sending stopped early: {report.stopped}. Run the same command again to resume.")
        raise SystemExit(EXIT_PROBLEMS)
    if report.failed:
        raise SystemExit(EXIT_PROBLEMS)
