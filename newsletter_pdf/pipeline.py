"""The pipeline: one issue folder -> validated models -> HTML -> laid-out pages -> PDF outputs."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsletter_pdf.errors import UserError, ValidationProblems
from newsletter_pdf.files import output_lock, write_set
from newsletter_pdf.input.loader import load
from newsletter_pdf.input.models import Newsletter
from newsletter_pdf.limits import DEFAULT_EMAIL_BUDGET
from newsletter_pdf.outputs import profiles as outputs
from newsletter_pdf.render import layouts as layouts_mod
from newsletter_pdf.render.brand import apply_brand
from newsletter_pdf.render.labels import localiser, unprintable_language
from newsletter_pdf.resources import fonts_dir

if TYPE_CHECKING:  # imported where used: an up-to-date build needs neither Jinja nor WeasyPrint
    from newsletter_pdf.outputs.preflight import Report
    from newsletter_pdf.render.fitting import FitReport

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
    report: Report | None = None
    recorded_report: dict | None = None  # an up-to-date build's report, as the manifest kept it


@dataclass
class BuildResult:
    """What a build produced, for the CLI, the tests and the benchmark."""

    newsletter: Newsletter
    outputs: list[Output]
    html: Path | None
    steps: list[Step] = field(default_factory=list)
    fits: dict[str, FitReport] = field(default_factory=dict)  # by layout pass, when pages: is set
    notices: list[str] = field(default_factory=list)  # said once per build (e.g. labels not translated)

    up_to_date: bool = False  # nothing changed since the last build: nothing was typeset

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


def load_issue(issue_dir: Path | str, layout_name: str | None = None) -> tuple[Newsletter, layouts_mod.Layout]:
    """Load and validate the issue, and pick its layout (no WeasyPrint, no HTML yet)."""
    newsletter = load(issue_dir)
    unprintable = unprintable_language(newsletter)
    if unprintable:
        raise ValidationProblems(unprintable)
    publication = newsletter.publication
    override = None
    if publication.layout_dir:
        override = (Path(newsletter.publication_file).parent / publication.layout_dir).resolve()
    layout = layouts_mod.load_layout(chosen_layout(newsletter, layout_name), override)
    return newsletter, apply_brand(layout, newsletter.brand)


def prepare(issue_dir: Path | str, layout_name: str | None = None) -> tuple[Newsletter, layouts_mod.Layout, str]:
    """Load and validate the issue, pick its layout and produce the HTML (no WeasyPrint needed)."""
    from newsletter_pdf.render.html import render_html

    newsletter, layout = load_issue(issue_dir, layout_name)
    return newsletter, layout, render_html(newsletter, layout)


def allowed_roots(newsletter: Newsletter, layout: layouts_mod.Layout) -> list[Path]:
    """The only folders and files WeasyPrint may read from: the issue, the layout's folders, fonts/, the
    brand's logo and font files and the pictures of the About box (both checked by the loader to lie
    inside the publication's folder)."""
    from urllib.parse import unquote

    from newsletter_pdf import markdown as md

    publication_folder = Path(newsletter.publication_file).parent
    about_images = [publication_folder / unquote(src) for src in md.image_sources(newsletter.publication.about.body)]
    brand = [Path(p) for p in newsletter.brand.files]
    return [Path(newsletter.issue_dir), *(Path(p) for p in layout.search_path), fonts_dir(), *brand, *about_images]


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
    creep: str | None = None,
    booklet_marks: bool = False,
    parallel: bool = True,
) -> BuildResult:
    """Build one issue into its outputs (print, email, archive by default) and return what was made.

    check_outputs: run preflight on each PDF written (watch skips it to rebuild sooner).
    warm: a watch rebuild; page fitting may start from the fit last used for this issue.
    creep, booklet_marks: the booklet's creep per sheet (e.g. "0.3mm") and its crop and fold marks.
    parallel: lay out the print and screen passes in two processes when two cores are free.
    force: typeset even when the build manifest says the outputs are up to date.
    """
    from newsletter_pdf.outputs import manifest

    issue_dir, out_dir = Path(issue_dir), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} exists and is not a folder; choose another output folder with -o.")
    chosen = outputs.select(profiles)
    steps: list[Step] = []

    with _timed(steps, progress, "Loaded and checked the issue files"):
        newsletter, layout = load_issue(issue_dir, layout_name)
    roots = allowed_roots(newsletter, layout)
    names = [p.name for p in chosen]
    record = manifest.manifest_path(out_dir, newsletter.slug, newsletter.issue.date, layout.name)
    options = {
        "profiles": names,
        "layout": layout.name,
        "strict": strict,
        "email_budget": email_budget,
        "creep": creep,
        "booklet_marks": booklet_marks,
        "html": write_html,
    }
    digest = manifest.inputs_digest([*map(Path, newsletter.watched_paths()), *roots], options, skip=out_dir)
    if not force and not warm and check_outputs:
        known = manifest.up_to_date(record, digest, names)
        if known is not None:
            progress(f"Up to date: nothing changed since the last build ({record.name}); --force rebuilds")
            return _recorded(newsletter, out_dir, known, steps)

    from newsletter_pdf import passes
    from newsletter_pdf.outputs import preflight
    from newsletter_pdf.render.html import render_html

    if newsletter.issue.pages and layout.fit.honour_pages:
        from newsletter_pdf.render.fitting import pages_out_of_reach

        hopeless = pages_out_of_reach(newsletter, layout, newsletter.issue.pages)
        if hopeless is not None:  # refused before a fit search spends minutes laying it out
            raise UserError(hopeless)
    with _timed(steps, progress, "Made the HTML"):
        html = render_html(newsletter, layout)
    jobs = passes.jobs_for(
        chosen,
        newsletter,
        layout,
        html,
        roots,
        strict=strict,
        warm=warm and not any(p.attaches_sources for p in chosen),
        options={"creep": creep, "booklet_marks": booklet_marks, "check_inks": check_outputs},
    )
    with _timed(steps, progress, f"Typeset {len(jobs)} pass(es) and made {len(chosen)} PDF(s)"):
        results = passes.run(jobs, progress, parallel=parallel)
    fits = {r.name: r.fit for r in results if r.fit is not None}
    pages_of = {r.name: r.pages for r in results}
    made_of = {m.profile: (r.name, m) for r in results for m in r.made}
    states = {r.name: r.press for r in results if r.press is not None}
    html = (pages_of.get("screen") or next(iter(pages_of.values()))).html  # what --html writes: as laid out

    # Every output's bytes are in memory before the first is written (--strict refuses before any).
    # The set is then written all or nothing, under the output folder's lock (see files.py).
    written = []
    html_path = None
    with output_lock(out_dir, progress):
        files: list[tuple[Path, bytes | str]] = []
        for profile in chosen:
            made = made_of[profile.name][1]
            target = output_path(out_dir, newsletter, profile, layout.name)
            files.append((target, made.data))
            if profile.writes_checksum:
                files.append((_checksum_path(target), f"{hashlib.sha256(made.data).hexdigest()}  {target.name}\n"))
        if write_html:
            html_path = out_dir / f"{output_stem(newsletter, layout.name)}.html"
            files.append((html_path, html))
        write_set(files)
        for profile in chosen:
            pass_name, made = made_of[profile.name]
            target = output_path(out_dir, newsletter, profile, layout.name)
            progress(f"Wrote {target} ({len(made.data) / 1e6:.2f} MB)")
            report = None
            if check_outputs:
                report = preflight.check(
                    profile, target, made.pages, pages_of[pass_name], made.warnings, email_budget, layout.columns
                )
                press = states.get(pass_name)
                if profile.finishes_for_press and press is not None:
                    from newsletter_pdf.outputs.print_job import PrintJob

                    job = PrintJob(newsletter, roots)
                    job.restore(press)
                    job.add_to(report, target)
            checksum = _checksum_path(target) if profile.writes_checksum else None
            written.append(Output(profile, target, made.pages, len(made.data), made.warnings, checksum, report))
        if check_outputs:
            manifest.write(record, digest, [_record(o, made_of[o.profile.name][1].data) for o in written])
    # Said once per build: labels not translated, and what the content prints differently (located).
    notices = [*localiser(newsletter.publication).warnings, *_content_warnings(newsletter)]
    return BuildResult(newsletter, written, html_path, steps, fits, notices)


def _content_warnings(newsletter: Newsletter) -> list[str]:
    """Located warnings about the content (control characters removed, links printed as text, ...)."""
    from newsletter_pdf.input.content import content_warnings
    from newsletter_pdf.input.loader import locator_for

    return [str(problem) for problem in content_warnings(newsletter, locator_for(newsletter))]


def _checksum_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _record(output: Output, data: bytes):
    from newsletter_pdf.outputs import manifest

    report = output.report.as_dict() if output.report is not None else None
    sha = hashlib.sha256(data).hexdigest()
    return manifest.Recorded(
        output.profile.name, output.path.name, sha, output.pages, output.size, tuple(output.warnings), report
    )


def _recorded(newsletter: Newsletter, out_dir: Path, known: list, steps: list[Step]) -> BuildResult:
    """The result of an up-to-date build: the outputs as the manifest recorded them."""
    made = []
    for k in known:
        profile = outputs.PROFILES[k.profile]
        path = out_dir / k.file
        checksum = path.with_name(path.name + ".sha256") if profile.writes_checksum else None
        made.append(Output(profile, path, k.pages, k.size, list(k.warnings), checksum, None, k.report))
    return BuildResult(
        newsletter, made, None, steps, {}, list(localiser(newsletter.publication).warnings), up_to_date=True
    )


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
