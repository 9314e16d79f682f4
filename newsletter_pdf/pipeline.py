"""The pipeline: one issue folder -> validated models -> HTML -> laid-out pages -> PDF outputs."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from newsletter_pdf import __version__
from newsletter_pdf.errors import UserError
from newsletter_pdf.files import write_atomically
from newsletter_pdf.input.loader import load
from newsletter_pdf.input.models import Newsletter
from newsletter_pdf.outputs import archive, preflight
from newsletter_pdf.outputs import profiles as outputs
from newsletter_pdf.outputs.preflight import DEFAULT_EMAIL_BUDGET
from newsletter_pdf.render import layouts as layouts_mod
from newsletter_pdf.render.fitting import Fit, FitReport, fit_pages_cached, remember_jumps, remembered_jumps
from newsletter_pdf.render.html import render_html
from newsletter_pdf.resources import fonts_dir

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class Step:
    name: str
    seconds: float


@dataclass
class Output:
    """One PDF written: which profile, where, and what preflight found."""

    profile: outputs.Profile
    path: Path
    pages: int
    size: int
    warnings: list[str] = field(default_factory=list)
    checksum: Path | None = None
    report: preflight.Report | None = None


@dataclass
class BuildResult:
    """What a build produced, for the CLI, the tests and the benchmark."""

    newsletter: Newsletter
    outputs: list[Output]
    html: Path | None
    steps: list[Step] = field(default_factory=list)
    fits: dict[str, FitReport] = field(default_factory=dict)  # by layout pass, when pages: is set

    @property
    def warnings(self) -> list[str]:
        return [w for o in self.outputs for w in o.warnings]

    @property
    def main(self) -> Output:
        """The screen edition (email) when it was made, else the first output."""
        return next((o for o in self.outputs if o.profile.name == "email"), self.outputs[0])

    @property
    def pdf(self) -> Path:
        return self.main.path

    @property
    def pages(self) -> int:
        return self.main.pages

    def output(self, name: str) -> Output:
        return next(o for o in self.outputs if o.profile.name == name)


@contextmanager
def _timed(steps: list[Step], progress: Progress, name: str):
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    steps.append(Step(name, seconds))
    progress(f"{name} ({seconds:.2f} s)")


def output_stem(newsletter: Newsletter, layout_name: str) -> str:
    """<slug>-<YYYY-MM>, with -<layout> when the layout is not the publication's default.

    So a large-print edition sits beside the standard one instead of replacing it.
    """
    stem = f"{newsletter.slug}-{newsletter.issue.date}"
    return stem if layout_name == newsletter.publication.layout else f"{stem}-{layout_name}"


def output_path(out_dir: Path, newsletter: Newsletter, profile: outputs.Profile, layout_name: str) -> Path:
    return out_dir / f"{output_stem(newsletter, layout_name)}{profile.suffix}.pdf"


def chosen_layout(newsletter: Newsletter, layout_name: str | None = None) -> str:
    """The layout a build uses: --layout, else the issue's layout:, else the publication's."""
    return layout_name or newsletter.issue.layout or newsletter.publication.layout


def prepare(issue_dir: Path | str, layout_name: str | None = None) -> tuple[Newsletter, layouts_mod.Layout, str]:
    """Load and validate the issue, pick its layout and produce the HTML (no WeasyPrint needed)."""
    newsletter = load(issue_dir)
    publication = newsletter.publication
    override = None
    if publication.layout_dir:
        override = (Path(newsletter.publication_file).parent / publication.layout_dir).resolve()
    layout = layouts_mod.load_layout(chosen_layout(newsletter, layout_name), override)
    return newsletter, layout, render_html(newsletter, layout)


def allowed_roots(newsletter: Newsletter, layout: layouts_mod.Layout) -> list[Path]:
    """The only folders WeasyPrint may read from: the issue, the layout's folders and fonts/."""
    return [Path(newsletter.issue_dir), *(Path(p) for p in layout.search_path), fonts_dir()]


def build(
    issue_dir: Path | str,
    out_dir: Path | str = "out",
    *,
    profiles: list[str] | tuple[str, ...] | None = None,
    layout_name: str | None = None,
    write_html: bool = False,
    strict: bool = False,
    email_budget: int = DEFAULT_EMAIL_BUDGET,
    progress: Progress = _quiet,
    check_outputs: bool = True,
    warm: bool = False,
    creep: str | None = None,
    booklet_marks: bool = False,
) -> BuildResult:
    """Build one issue into its outputs (print, email, archive by default) and return what was made.

    check_outputs: run preflight on each PDF written (watch skips it to rebuild sooner).
    warm: a watch rebuild; page fitting may start from the fit last used for this issue.
    creep, booklet_marks: the booklet's creep per sheet (e.g. "0.3mm") and its crop and fold marks.
    """
    from newsletter_pdf.render import engine as pdf  # WeasyPrint is imported only by commands that typeset.

    issue_dir, out_dir = Path(issue_dir), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} exists and is not a folder; choose another output folder with -o.")
    chosen = outputs.select(profiles)
    steps: list[Step] = []

    with _timed(steps, progress, "Loaded and checked the issue files"):
        newsletter, layout, html = prepare(issue_dir, layout_name)
    roots = allowed_roots(newsletter, layout)

    from newsletter_pdf.outputs.print_job import PrintJob

    # The print pass (print, booklet) is laid out for the press: its stylesheet, CMYK pictures and colours.
    job = PrintJob(newsletter, roots) if any(p.layout_pass == "print" for p in chosen) else None
    # One layout pass per distinct pass name: email and archive share the screen pass.
    fits: dict[str, FitReport] = {}
    passes: dict[str, pdf.Rendered] = {}
    for profile in chosen:
        if profile.layout_pass in passes:
            continue
        extra_css, extra_roots, prepare_html = [], [], None
        if profile.layout_pass == "print" and job is not None:
            extra_css, extra_roots, prepare_html = [job.css(layout)], job.roots, job.images

        with _timed(steps, progress, f"Typeset the {profile.layout_pass} pages"):
            rendered, report = _lay_out(
                newsletter,
                layout,
                html,
                profile,
                roots + extra_roots,
                extra_css,
                progress,
                warm and not any(p.attaches_sources for p in chosen),
                prepare_html,
            )
        if report is not None:
            fits[profile.layout_pass] = report
        if rendered.refused:
            listing = "\n  ".join(rendered.refused)
            raise UserError(
                f"the layout asked for files outside the allowed folders; nothing was written:\n  {listing}"
            )
        if strict and rendered.warnings:
            raise UserError("WeasyPrint warned (--strict); nothing was written:\n  " + "\n  ".join(rendered.warnings))
        passes[profile.layout_pass] = rendered
    html = (passes.get("screen") or next(iter(passes.values()))).html  # what --html writes: as laid out

    # Everything is made in memory first, so a failure (--strict) leaves no output half-done.
    written: list[tuple[outputs.Profile, Path, bytes, list[str]]] = []
    for profile in chosen:
        rendered = passes[profile.layout_pass]
        target = output_path(out_dir, newsletter, profile, layout.name)
        with _timed(steps, progress, f"Made the {profile.name} PDF ({_pages(rendered.page_count)})"):
            data, warnings = pdf.to_bytes(rendered, **_write_options(profile, newsletter))
        if profile.finishes_for_press and job is not None:
            with _timed(steps, progress, "Finished the print PDF for the press (boxes, marks, CMYK, ink)"):
                data = job.finish(data)
                over = job.check_inks(data) if check_outputs or strict else []
            if strict and over:
                raise UserError(
                    "the print file is over its ink limit (--strict); nothing was written:\n  " + "\n  ".join(over)
                )
            warnings = [*warnings, *over]
        if profile.imposition == "booklet":
            from newsletter_pdf.outputs.booklet import creep_points, impose

            booklet = impose(data, creep_points(creep), booklet_marks)
            data = booklet.data
            for note in booklet.notes:
                progress(note)
            if booklet.padded:
                warnings = [*warnings, booklet.notes[-1].removeprefix("booklet: ")]
        if strict and warnings:
            raise UserError("WeasyPrint warned (--strict); nothing was written:\n  " + "\n  ".join(warnings))
        fit_report = fits.get(profile.layout_pass)
        if fit_report is not None and not fit_report.reached:
            warnings = [*warnings, f"page count: {fit_report.message}"]
        written.append((profile, target, data, rendered.warnings + warnings))

    results = []
    html_path = None
    if write_html:
        html_path = write_atomically(out_dir / f"{output_stem(newsletter, layout.name)}.html", html)
    for profile, target, data, warnings in written:
        write_atomically(target, data)
        checksum = None
        if profile.writes_checksum:
            checksum = write_atomically(
                target.with_name(target.name + ".sha256"), f"{hashlib.sha256(data).hexdigest()}  {target.name}\n"
            )
        progress(f"Wrote {target} ({len(data) / 1e6:.2f} MB)")
        rendered = passes[profile.layout_pass]
        report = None
        if check_outputs:
            report = preflight.check(
                profile,
                target,
                rendered.page_count,
                rendered,
                profile.write_options.get("dpi"),
                warnings,
                email_budget,
            )
            if profile.finishes_for_press and job is not None:
                job.add_to(report, target)
        results.append(Output(profile, target, rendered.page_count, len(data), warnings, checksum, report))
    return BuildResult(newsletter, results, html_path, steps, fits)


def _lay_out(newsletter, layout, html, profile, roots, extra_css, progress, warm=False, prepare_html=None):
    """One layout pass: the pages, with automatic jumps and page-count fitting where asked for.

    prepare_html: a last change to each HTML laid out (the print pass names its CMYK pictures).

    Decisions that cost extra layouts (which articles jump, how to fit the page count) are
    cached by content, so a rebuild of unchanged sources lays out once.
    """
    from newsletter_pdf.render import engine as pdf
    from newsletter_pdf.render import jumps as jumps_mod

    def render(adjust: Fit | None, jumps: dict | None = None) -> pdf.Rendered:
        page_html = html if adjust is None and not jumps else render_html(newsletter, layout, jumps=jumps, fit=adjust)
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
    rendered, report = fit_pages_cached(key, layout, newsletter.issue.pages, render_fit, last_key)
    # A count that cannot be reached is said once, as a warning after the build.
    said = report.message if report.reached else "not reached (see the warning below)"
    progress(f"Page count ({profile.layout_pass}): {said} ({_layouts(report.renders)})")
    return rendered, report


def _write_options(profile: outputs.Profile, newsletter: Newsletter) -> dict:
    options = dict(profile.write_options)
    if profile.attaches_sources:
        options.update(archive.write_options(newsletter))
    return options


# --- check: validate and lint without typesetting ----------------------------------


@dataclass
class CheckResult:
    newsletter: Newsletter
    layout: layouts_mod.Layout
    advice: list


def check(issue_dir: Path | str, layout_name: str | None = None) -> CheckResult:
    """Validate an issue and lint its content; WeasyPrint is never imported."""
    from newsletter_pdf.input.lint import lint
    from newsletter_pdf.input.loader import locator_for

    newsletter, layout, _ = prepare(issue_dir, layout_name)
    return CheckResult(newsletter, layout, lint(newsletter, layout, locator_for(newsletter)))


def _layouts(count: int) -> str:
    return f"{count} layout{'s' if count != 1 else ''}"


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"
