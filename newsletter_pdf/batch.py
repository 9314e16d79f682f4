"""Several issues built in a pool of processes; one failing issue stops none of the others."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from newsletter_pdf.errors import NewsletterError
from newsletter_pdf.pipeline import BuildResult, build


@dataclass
class BatchItem:
    """How one issue of a batch went."""

    issue_dir: str
    ok: bool
    outputs: list[str] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0
    error: str = ""
    report: dict | None = None  # what --report writes for this issue (see report_of)


def _build_one(issue_dir: str, out_dir: str, options: dict) -> BatchItem:
    start = time.perf_counter()
    try:
        result = build(issue_dir, out_dir, **options)
    except NewsletterError as error:
        return BatchItem(issue_dir, False, seconds=time.perf_counter() - start, error=str(error))
    except Exception as error:  # a bug: report it, and let the other issues go on
        return BatchItem(
            issue_dir,
            False,
            seconds=time.perf_counter() - start,
            error=f"internal error: {type(error).__name__}: {error}",
        )
    seconds = time.perf_counter() - start
    return BatchItem(
        issue_dir, True, [str(o.path) for o in result.outputs], result.pages, seconds, "", report_of(result)
    )


def report_of(result: BuildResult) -> dict:
    """The preflight report of one build as JSON-ready data (--report)."""
    return {
        "issue": result.newsletter.issue_dir,
        "title": result.newsletter.title,
        "up_to_date": result.up_to_date,  # nothing changed since the last build: the reports are that build's
        "outputs": [
            o.report.as_dict() if o.report is not None else o.recorded_report
            for o in result.outputs
            if o.report is not None or o.recorded_report is not None
        ],
        "steps": [{"name": s.name, "seconds": round(s.seconds, 3)} for s in result.steps],
    }


def build_many(
    issue_dirs: list[Path | str],
    out_dir: Path | str = "out",
    *,
    jobs: int = 0,
    on_done: Callable[[BatchItem], None] = lambda item: None,
    **options,
) -> list[BatchItem]:
    """Build several issues, in a pool of `jobs` processes (0: one per core); one failure stops nothing."""
    jobs = jobs or os.cpu_count() or 1
    items: dict[str, BatchItem] = {}
    if jobs == 1 or len(issue_dirs) == 1:
        for issue_dir in issue_dirs:
            item = _build_one(str(issue_dir), str(out_dir), options)
            items[str(issue_dir)] = item
            on_done(item)
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(issue_dirs))) as pool:
            futures = [pool.submit(_build_one, str(d), str(out_dir), options) for d in issue_dirs]
            for future in as_completed(futures):
                item = future.result()
                items[item.issue_dir] = item
                on_done(item)
    return [items[str(d)] for d in issue_dirs]
