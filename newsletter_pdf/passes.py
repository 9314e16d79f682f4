"""Layout passes: lay out the pages once per pass (print, screen) and make each output's bytes from them.

Print and screen are independent, so with two cores free they run in two processes at once (the
print pass in a forked child), and three outputs cost little more than the slower pass. On one
core, in a batch worker, or for a single pass, they run one after the other in this process.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter_pdf import __version__
from newsletter_pdf.errors import NewsletterError, UserError
from newsletter_pdf.input.models import Newsletter
from newsletter_pdf.outputs import archive
from newsletter_pdf.outputs import profiles as outputs
from newsletter_pdf.render.fitting import Fit, FitReport, fit_pages_cached, remember_jumps, remembered_jumps
from newsletter_pdf.render.html import render_html
from newsletter_pdf.render.layouts import Layout

PARALLEL_ENV = "NEWSLETTER_PDF_PARALLEL"  # "0" keeps every pass in this process


@dataclass(frozen=True)
class PlacedSize:
    """An image's pixel size, as preflight reads it from a laid-out page (picklable)."""

    width: int
    height: int


@dataclass
class PassPages:
    """What preflight and the pipeline need of a laid-out pass, without WeasyPrint's objects.

    It answers like engine.Rendered (page_count, warnings, html, placed_images) so that it can
    cross from a child process.
    """

    page_count: int
    warnings: list[str]
    html: str
    images: list[tuple[PlacedSize, float, float, int, str]] = field(default_factory=list)

    def placed_images(self):
        yield from self.images


@dataclass
class Made:
    """One output's bytes, made from its pass."""

    profile: str
    data: bytes
    warnings: list[str]
    pages: int
    notes: list[str] = field(default_factory=list)


@dataclass
class PassResult:
    name: str
    pages: PassPages
    made: list[Made]
    fit: FitReport | None
    messages: list[str]  # progress, replayed by the parent in order
    logged: list[str] = field(default_factory=list)  # WeasyPrint's own warnings, while laying out and writing
    press: dict[str, Any] | None = None  # the print pass's measurements, for the printer's summary (PrintJob.state)
    seconds: float = 0.0


@dataclass
class PassJob:
    """Everything one pass needs (picklable, so that it can run in a child process)."""

    name: str
    profiles: list[str]
    newsletter: Newsletter
    layout: Layout
    html: str
    roots: list[Path]
    strict: bool
    warm: bool
    options: dict[str, Any]  # creep, booklet_marks


def jobs_for(
    chosen: list[outputs.Profile], newsletter: Newsletter, layout: Layout, html: str, roots: list[Path], **common
) -> list[PassJob]:
    """One job per distinct layout pass, in the order the profiles were chosen (print first)."""
    by_pass: dict[str, list[str]] = {}
    for profile in chosen:
        by_pass.setdefault(profile.layout_pass, []).append(profile.name)
    return [PassJob(name, names, newsletter, layout, html, roots, **common) for name, names in by_pass.items()]


def can_run_in_parallel(jobs: list[PassJob]) -> bool:
    """Two passes, two usable cores, not a daemonic worker (a batch's), and not switched off."""
    if len(jobs) < 2 or os.environ.get(PARALLEL_ENV) == "0":
        return False
    import multiprocessing

    if multiprocessing.current_process().daemon or "fork" not in multiprocessing.get_all_start_methods():
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores >= 2


def run(jobs: list[PassJob], progress: Callable[[str], None], parallel: bool = True) -> list[PassResult]:
    """Run the passes, the first (print) in a forked child when parallel; results in job order."""
    if not (parallel and can_run_in_parallel(jobs)):
        results = []
        for job in jobs:
            result = run_one(job)
            _replay(result, progress)
            results.append(result)
        return results

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        child = pool.submit(_run_in_child, jobs[0])
        local = [run_one(job) for job in jobs[1:]]
        outcome = child.result()
    if isinstance(outcome, BaseException):
        raise outcome
    # WeasyPrint's warnings in the child went to the child's logger: log them again here, where
    # the user's (and the tests') handlers listen.
    logger = logging.getLogger("weasyprint")
    for message in outcome.logged:
        logger.warning("%s", message)
    results = [outcome, *local]
    for result in results:
        _replay(result, progress)
    return results


def _replay(result: PassResult, progress: Callable[[str], None]) -> None:
    for message in result.messages:
        progress(message)


def _run_in_child(job: PassJob) -> PassResult | BaseException:
    """In the forked child: errors come back as values (a NewsletterError keeps its message)."""
    try:
        result = run_one(job)
    except NewsletterError as error:
        return error
    except Exception as error:
        return RuntimeError(f"{type(error).__name__} in the {job.name} pass: {error}")
    return result


def run_one(job: PassJob) -> PassResult:
    """Lay out one pass and make the bytes of each of its outputs."""
    import time

    from newsletter_pdf.render import engine

    start = time.perf_counter()
    messages: list[str] = []
    newsletter, layout = job.newsletter, job.layout
    extra_css, roots, prepare_html, press = [], list(job.roots), None, None
    if job.name == "print":
        from newsletter_pdf.outputs.print_job import PrintJob

        # Laid out for the press: its stylesheet (bleed, CMYK colours), CMYK pictures, then finished.
        press = PrintJob(newsletter, job.roots)
        extra_css, prepare_html = [press.css(layout)], press.images
        roots += press.roots
    profiles = [outputs.PROFILES[name] for name in job.profiles]
    rendered, fit = lay_out(
        newsletter, layout, job.html, profiles[0], roots, extra_css, messages.append, job.warm, prepare_html
    )
    messages.append(f"Typeset the {job.name} pages ({time.perf_counter() - start:.2f} s)")
    if rendered.refused:
        listing = "\n  ".join(rendered.refused)
        raise UserError(f"the layout asked for files outside the allowed folders; nothing was written:\n  {listing}")
    if job.strict and rendered.warnings:
        raise UserError("WeasyPrint warned (--strict); nothing was written:\n  " + "\n  ".join(rendered.warnings))
    made = []
    logged = list(rendered.warnings)
    for profile in profiles:
        began = time.perf_counter()
        data, warnings = engine.to_bytes(rendered, **write_options(profile, newsletter))
        logged += warnings
        if job.strict and warnings:
            raise UserError("WeasyPrint warned (--strict); nothing was written:\n  " + "\n  ".join(warnings))
        if profile.finishes_for_press and press is not None:
            data = press.finish(data)
            over = press.check_inks(data) if job.options.get("check_inks", True) or job.strict else []
            if job.strict and over:
                raise UserError(
                    "the print file is over its ink limit (--strict); nothing was written:\n  " + "\n  ".join(over)
                )
            warnings = [*warnings, *over]
        notes: list[str] = []
        if profile.imposition == "booklet":
            from newsletter_pdf.outputs.booklet import creep_points, impose

            creep = job.options.get("creep") or newsletter.publication.print.creep  # --creep, else print: creep:
            booklet = impose(data, creep_points(creep), bool(job.options.get("booklet_marks")))
            data, notes = booklet.data, booklet.notes
            if booklet.padded:
                warnings = [*warnings, booklet.notes[-1].removeprefix("booklet: ")]
        count = rendered.page_count
        messages.append(
            f"Made the {profile.name} PDF ({count} page{'s' if count != 1 else ''}) ({time.perf_counter() - began:.2f} s)"
        )
        messages.extend(notes)
        made.append(Made(profile.name, data, rendered.warnings + warnings, count, notes))
    images = [
        (PlacedSize(image.width, image.height), width, height, page, source)
        for image, width, height, page, source in rendered.placed_images()
    ]
    pages = PassPages(rendered.page_count, list(rendered.warnings), rendered.html, images)
    state = press.state() if press is not None else None
    return PassResult(job.name, pages, made, fit, messages, logged, state, time.perf_counter() - start)


def lay_out(newsletter, layout, html, profile, roots, extra_css, progress, warm=False, prepare_html=None):
    """One layout pass: the pages, with automatic jumps and page-count fitting where asked for.

    prepare_html: a last change to each HTML laid out (the print pass names its CMYK pictures).

    Decisions that cost extra layouts (which articles jump, how to fit the page count) are
    cached by content, so a rebuild of unchanged sources lays out once.
    """
    from newsletter_pdf.render import engine as pdf
    from newsletter_pdf.render import jumps as jumps_mod

    boxes: dict[int, int] = {}

    def render(adjust: Fit | None, jumps: dict | None = None, open_boxes: bool = False) -> pdf.Rendered:
        plain = adjust is None and not jumps and not boxes and not open_boxes
        page_html = (
            html
            if plain
            else render_html(newsletter, layout, jumps=jumps, fit=adjust, boxes=boxes, open_boxes=open_boxes)
        )
        if prepare_html is not None:
            page_html = prepare_html(page_html)
        rendered = pdf.render(
            page_html, Path(newsletter.issue_dir), roots, extra_css=extra_css, **profile.render_options
        )
        rendered.html = page_html
        return rendered

    key = hashlib.sha256(
        f"{__version__}|{profile.layout_pass}|{newsletter.issue.pages}|".encode() + html.encode()
    ).hexdigest()
    first = None
    jumps: dict[int, int] = {}
    if any(article.kind == "box" for article in newsletter.issue.articles):
        # A box is never cut silently: find where any would run on, and set those as two boxes.
        known_boxes = remembered_jumps("boxes:" + key)
        if known_boxes is None:
            known_boxes = jumps_mod.decide_boxes(render(None, open_boxes=True), newsletter)
            remember_jumps("boxes:" + key, known_boxes)
        boxes.update(known_boxes)
        for index, keep in boxes.items():
            title = newsletter.issue.articles[index].title
            progress(f"Box ({profile.layout_pass}): '{title}' runs on after {keep} block(s), under its heading again")
    if layout.jump.front_page:
        known = remembered_jumps(key)
        if known is None:
            first = render(None)
            known = jumps_mod.decide(first, newsletter, layout)
            remember_jumps(key, known)
            if known:
                first = None  # the jumped version is laid out below
        jumps = known
        for index, keep in jumps.items():
            title = newsletter.issue.articles[index].title
            progress(f"Jump ({profile.layout_pass}): '{title}' continues later after {keep} block(s)")
    if not newsletter.issue.pages or not layout.fit.honour_pages:
        return first or render(None, jumps), None

    def render_fit(adjust: Fit | None) -> pdf.Rendered:
        if adjust is None and first is not None:
            return first
        return render(adjust, jumps)

    last_key = None
    if warm:
        last_key = (
            "last:"
            + hashlib.sha256(
                f"{newsletter.issue_dir}|{layout.name}|{profile.layout_pass}|{newsletter.issue.pages}".encode()
            ).hexdigest()
        )
    paper = profile.layout_pass == "print"
    rendered, report = fit_pages_cached(key, layout, newsletter.issue.pages, render_fit, last_key, paper)
    if not report.reached:
        # The page count is never silently different: a printer folds exactly the sheets asked for.
        hint = _longest_articles(newsletter) if report.pages > report.target else ""
        raise UserError(
            f"{Path(newsletter.issue_dir) / 'issue.yaml'}: pages: {report.target} cannot be met in the "
            f"{profile.layout_pass} edition: {report.message}{hint}. Nothing was written."
        )
    layouts = f"{report.renders} layout{'s' if report.renders != 1 else ''}"
    progress(f"Page count ({profile.layout_pass}): {report.message} ({layouts})")
    return rendered, report


def _longest_articles(newsletter: Newsletter, count: int = 3) -> str:
    """The articles one could shorten or drop first: the longest, with their length in words."""
    sizes = sorted(((len(a.body.split()), a.title) for a in newsletter.issue.articles), reverse=True)[:count]
    return "; the longest articles are " + ", ".join(f"'{title}' ({words} words)" for words, title in sizes)


def write_options(profile: outputs.Profile, newsletter: Newsletter) -> dict:
    options = dict(profile.write_options)
    if profile.attaches_sources:
        options.update(archive.write_options(newsletter))
    return options
