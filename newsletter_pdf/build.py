"""The pipeline: one issue folder -> validated models -> HTML -> laid-out pages -> PDF outputs."""

from __future__ import annotations

import hashlib
import io
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import layouts as layouts_mod
from . import outputs, preflight
from .errors import UserError
from .files import write_atomically
from . import __version__
from .fitting import Fit, FitReport, fit_pages_cached, remember_jumps, remembered_jumps
from .html import render_html, render_print_css
from .loader import load
from .models import Newsletter
from .preflight import DEFAULT_EMAIL_BUDGET
from .resources import fonts_dir

Progress = Callable[[str], None]
BLEED = "3mm"


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
    report: dict | None = None


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


def output_path(out_dir: Path, newsletter: Newsletter, profile: outputs.Profile) -> Path:
    return out_dir / f"{newsletter.slug}-{newsletter.issue.date}{profile.suffix}.pdf"


def prepare(issue_dir: Path | str, layout_name: str | None = None) -> tuple[Newsletter, layouts_mod.Layout, str]:
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
    profiles: list[str] | tuple[str, ...] | None = None,
    layout_name: str | None = None,
    write_html: bool = False,
    strict: bool = False,
    force: bool = False,
    email_budget: int = DEFAULT_EMAIL_BUDGET,
    progress: Progress = _quiet,
    check_outputs: bool = True,
    warm: bool = False,
) -> BuildResult:
    """Build one issue into its outputs (print, email, archive by default) and return what was made.

    check_outputs: run preflight on each PDF written (watch skips it to rebuild sooner).
    warm: a watch rebuild; page fitting may start from the fit last used for this issue.
    """
    from . import pdf  # WeasyPrint is imported only by commands that typeset.

    issue_dir, out_dir = Path(issue_dir), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} exists and is not a folder; choose another output folder with -o.")
    chosen = outputs.select(profiles)
    steps: list[Step] = []

    with _timed(steps, progress, "Loaded and checked the issue files"):
        newsletter, layout, html = prepare(issue_dir, layout_name)
    roots = allowed_roots(newsletter, layout)

    # One layout pass per distinct pass name: email and archive share the screen pass.
    fits: dict[str, FitReport] = {}
    passes: dict[str, pdf.Rendered] = {}
    for profile in chosen:
        if profile.layout_pass in passes:
            continue
        extra_css, extra_roots = [], []
        if profile.layout_pass == "print":
            icc = outputs.cmyk_profile()
            extra_css.append(render_print_css(layout, icc.as_uri(), BLEED))
            extra_roots.append(icc.parent)

        with _timed(steps, progress, f"Typeset the {profile.layout_pass} pages"):
            rendered, report = _lay_out(
                newsletter, layout, html, profile, roots + extra_roots, extra_css, progress,
                warm and not any(p.name == "archive" for p in chosen),
            )
        if report is not None:
            fits[profile.layout_pass] = report
        if rendered.refused:
            listing = "\n  ".join(rendered.refused)
            raise UserError(f"the layout asked for files outside the allowed folders; nothing was written:\n  {listing}")
        if strict and rendered.warnings:
            raise UserError("WeasyPrint warned (--strict); nothing was written:\n  " + "\n  ".join(rendered.warnings))
        passes[profile.layout_pass] = rendered
    html = (passes.get("screen") or next(iter(passes.values()))).html  # what --html writes: as laid out

    # Write everything to memory first, so a refused archive overwrite leaves no output half-done.
    written: list[tuple[outputs.Profile, Path, bytes, list[str]]] = []
    for profile in chosen:
        rendered = passes[profile.layout_pass]
        target = output_path(out_dir, newsletter, profile)
        with _timed(steps, progress, f"Made the {profile.name} PDF ({_pages(rendered.page_count)})"):
            data, warnings = pdf.to_bytes(rendered, **_write_options(profile, newsletter))
        if strict and warnings:
            raise UserError("WeasyPrint warned (--strict); nothing was written:\n  " + "\n  ".join(warnings))
        if profile.name == "archive" and target.exists() and not force and target.read_bytes() != data:
            raise UserError(
                f"{target} already exists with different bytes. An archive copy is never replaced silently: "
                "move it away, or pass --force to replace it. Nothing was written."
            )
        fit_report = fits.get(profile.layout_pass)
        if fit_report is not None and not fit_report.reached:
            warnings = [*warnings, f"page count: {fit_report.message}"]
        written.append((profile, target, data, rendered.warnings + warnings))

    results = []
    html_path = None
    if write_html:
        html_path = write_atomically(out_dir / f"{newsletter.slug}-{newsletter.issue.date}.html", html)
    for profile, target, data, warnings in written:
        write_atomically(target, data)
        checksum = None
        if profile.name == "archive":
            checksum = write_atomically(
                target.with_name(target.name + ".sha256"), f"{hashlib.sha256(data).hexdigest()}  {target.name}\n"
            )
        progress(f"Wrote {target} ({len(data) / 1e6:.2f} MB)")
        rendered = passes[profile.layout_pass]
        report = None
        if check_outputs:
            report = preflight.check(
                profile.name, target, rendered.page_count, rendered, profile.write_options.get("dpi"), warnings,
                email_budget,
            )
        results.append(Output(profile, target, rendered.page_count, len(data), warnings, checksum, report))
    return BuildResult(newsletter, results, html_path, steps, fits)


def _lay_out(newsletter, layout, html, profile, roots, extra_css, progress, warm=False):
    """One layout pass: the pages, with automatic jumps and page-count fitting where asked for.

    Decisions that cost extra layouts (which articles jump, how to fit the page count) are
    cached by content, so a rebuild of unchanged sources lays out once.
    """
    from . import jumps as jumps_mod
    from . import pdf

    def render(adjust: Fit | None, jumps: dict | None = None) -> pdf.Rendered:
        page_html = html if adjust is None and not jumps else render_html(newsletter, layout, jumps=jumps, fit=adjust)
        rendered = pdf.render(
            page_html, Path(newsletter.issue_dir), roots, extra_css=extra_css, **profile.render_options
        )
        rendered.html = page_html
        return rendered

    key = hashlib.sha256(f"{__version__}|{profile.layout_pass}|{newsletter.issue.pages}|".encode() + html.encode())
    key = key.hexdigest()
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
        last_key = "last:" + hashlib.sha256(
            f"{newsletter.issue_dir}|{layout.name}|{profile.layout_pass}|{newsletter.issue.pages}".encode()
        ).hexdigest()
    rendered, report = fit_pages_cached(key, layout, newsletter.issue.pages, render_fit, last_key)
    progress(f"Page count ({profile.layout_pass}): {report.message} ({_layouts(report.renders)})")
    return rendered, report


def _write_options(profile: outputs.Profile, newsletter: Newsletter) -> dict:
    options = dict(profile.write_options)
    if profile.name == "archive":
        options["attachments"] = _source_attachments(newsletter)
        options["finisher"] = _one_af_entry_per_file
        options["xmp_extra"] = [_issue_xmp(newsletter)]
    return options


def _one_af_entry_per_file(document, pdf) -> None:
    """WeasyPrint 70 lists each PDF/A-3 attachment twice in the catalog's /AF array."""
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)


def _source_attachments(newsletter: Newsletter) -> list:
    """The files the issue was made from, dated by the issue, so that the bytes are reproducible."""
    import datetime as dt

    import weasyprint

    base = Path(newsletter.publication_file).parent
    stamp = dt.datetime(newsletter.issue.year, newsletter.issue.month, 1, tzinfo=dt.timezone.utc)
    attachments = []
    # Sorted by name: the PDF's name tree of embedded files must be in key order.
    for name in sorted(newsletter.source_files, key=lambda n: _attachment_label(Path(n), base)):
        path = Path(name)
        label = _attachment_label(path, base)
        attachments.append(
            weasyprint.Attachment(
                file_obj=io.BytesIO(path.read_bytes()),
                name=label,
                description=f"Source of this issue: {label}",
                created=stamp,
                modified=stamp,
                relationship="Source",
            )
        )
    return attachments


def _attachment_label(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.name


def _issue_xmp(newsletter: Newsletter) -> bytes:
    """PRISM (the periodicals' XMP vocabulary): publication, volume, number, cover date, language."""
    from xml.sax.saxutils import escape

    issue, publication = newsletter.issue, newsletter.publication
    return (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<prism:publicationName>{escape(publication.name)}</prism:publicationName>"
        f"<prism:volume>{issue.volume}</prism:volume>"
        f"<prism:number>{issue.number}</prism:number>"
        f"<prism:coverDate>{issue.date}</prism:coverDate>"
        f"<prism:coverDisplayDate>{escape(issue.month_name)}</prism:coverDisplayDate>"
        f"<dc:language><rdf:Bag><rdf:li>{escape(publication.language)}</rdf:li></rdf:Bag></dc:language>"
        "</rdf:Description></rdf:RDF>"
    ).encode("utf-8")


# --- check: validate and lint without typesetting ----------------------------------


@dataclass
class CheckResult:
    newsletter: Newsletter
    layout: layouts_mod.Layout
    advice: list


def check(issue_dir: Path | str, layout_name: str | None = None) -> CheckResult:
    """Validate an issue and lint its content; WeasyPrint is never imported."""
    from .lint import lint
    from .loader import locator_for

    newsletter, layout, _ = prepare(issue_dir, layout_name)
    return CheckResult(newsletter, layout, lint(newsletter, layout, locator_for(newsletter)))


# --- batch: several issues in a process pool ------------------------------------------


@dataclass
class BatchItem:
    """How one issue of a batch went."""

    issue_dir: str
    ok: bool
    outputs: list[str] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0
    error: str = ""


def _build_one(issue_dir: str, out_dir: str, options: dict) -> BatchItem:
    from .errors import NewsletterError

    start = time.perf_counter()
    try:
        result = build(issue_dir, out_dir, **options)
    except NewsletterError as error:
        return BatchItem(issue_dir, False, seconds=time.perf_counter() - start, error=str(error))
    except Exception as error:  # a bug: report it, and let the other issues go on
        return BatchItem(issue_dir, False, seconds=time.perf_counter() - start,
                         error=f"internal error: {type(error).__name__}: {error}")
    return BatchItem(issue_dir, True, [str(o.path) for o in result.outputs], result.pages,
                     time.perf_counter() - start)


def build_many(
    issue_dirs: list[Path | str],
    out_dir: Path | str = "out",
    *,
    jobs: int = 0,
    on_done: Callable[[BatchItem], None] = lambda item: None,
    **options,
) -> list[BatchItem]:
    """Build several issues, in a pool of `jobs` processes (0: one per core); one failure stops nothing."""
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed

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


def _layouts(count: int) -> str:
    return f"{count} layout{'s' if count != 1 else ''}"


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"
