"""What the user sees: progress on stdout, problems on stderr (Rich), never a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
import traceback
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.table import Table

from .errors import InternalError, NewsletterError, Problem, UserError, ValidationProblems

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

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


def problems_table(problems: list[Problem]) -> Table:
    table = Table(show_lines=False, header_style="bold", expand=False, pad_edge=False)
    table.add_column("Location", style="cyan", no_wrap=True)
    table.add_column("Field")
    table.add_column("Value", style="magenta")
    table.add_column("Explanation")
    for problem in problems:
        table.add_row(str(problem.location), problem.field or "", problem.value or "", problem.message)
    return table


def show_problems(error: ValidationProblems) -> None:
    count = len(error.problems)
    err.print(f"[bold red]error:[/bold red] {count} problem{'s' if count != 1 else ''} found; nothing was written.")
    if err.is_terminal:
        err.print(problems_table(error.problems))
    else:  # one greppable line each: file:line:column: field: message
        for problem in error.problems:
            err.print(str(problem), markup=False)


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
        err.print("[bold red]error:[/bold red] ", end="")
        err.print(str(exc), markup=False)
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
            + ("" if debug else " and the output of the same command with --debug") + ".",
            markup=False,
        )
        sys.exit(EXIT_INTERNAL)


def show_preflight(result, reporter: Reporter) -> None:
    """One short table of what each output is, then its warnings."""
    if reporter.verbosity >= 1:
        table = Table(title="Preflight", title_justify="left", header_style="bold", pad_edge=False)
        for column in ("Output", "Pages", "Size", "Variant", "Fonts embedded", "Images (effective dpi)"):
            table.add_column(column)
        for output in result.outputs:
            r = output.report
            images = ", ".join(f"{Path(i.file).name} {i.dpi:.0f}" for i in r.images) or "none"
            table.add_row(
                r.profile, str(r.pages), f"{r.size / 1e6:.2f} MB", r.variant, "yes" if r.fonts_embedded else "NO", images
            )
        out.print(table)
    for output in result.outputs:
        for warning in output.report.warnings:
            reporter.warn(f"{output.profile.name}: {warning}")


def write_report(result, path: Path) -> None:
    from .files import write_atomically

    data = {
        "issue": result.newsletter.issue_dir,
        "title": result.newsletter.title,
        "outputs": [o.report.as_dict() for o in result.outputs],
        "steps": [{"name": s.name, "seconds": round(s.seconds, 3)} for s in result.steps],
    }
    write_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
