"""--profile: where a warm build spends its time, by component (cProfile)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import measure
from measure import BIG_ARTICLES, FIT_CACHE_ENV

COMPONENTS = [
    # (component, substrings of the file path); the first match wins.
    (
        "ours: loader + models (ruamel.yaml, pydantic)",
        ["newsletter_pdf/loader", "newsletter_pdf/models", "ruamel", "pydantic", "newsletter_pdf/lint"],
    ),
    ("ours: markdown (markdown-it)", ["newsletter_pdf/markdown", "markdown_it", "linkify", "mdurl"]),
    ("ours: templates (Jinja2)", ["jinja2", "newsletter_pdf/html", "newsletter_pdf/layouts", "markupsafe"]),
    ("ours: preflight (pypdf read-back)", ["newsletter_pdf/preflight", "pypdf"]),
    ("ours: pdfcheck", ["newsletter_pdf/pdfcheck"]),
    ("ours: build, pdf.py, files", ["newsletter_pdf/"]),
    (
        "WeasyPrint: HTML + CSS parsing, selector matching",
        ["tinyhtml5", "html5lib", "tinycss2", "cssselect2", "webencodings", "weasyprint/html"],
    ),
    (
        "WeasyPrint: computed styles (lazy, during layout) + box tree",
        ["weasyprint/css", "weasyprint/formatting_structure"],
    ),
    ("WeasyPrint: text shaping + line breaking (Pango)", ["weasyprint/text/line_break", "weasyprint/text/ffi"]),
    ("WeasyPrint: fonts (@font-face loading)", ["weasyprint/text/fonts", "weasyprint/text/constants"]),
    ("WeasyPrint: layout", ["weasyprint/layout"]),
    ("WeasyPrint: draw", ["weasyprint/draw", "weasyprint/matrix", "weasyprint/stacking"]),
    ("WeasyPrint: font subsetting (HarfBuzz/fontTools)", ["weasyprint/pdf/fonts", "fontTools"]),
    ("WeasyPrint: images (Pillow)", ["weasyprint/images", "PIL/", "weasyprint/svg"]),
    (
        "WeasyPrint: PDF write (pydyf, tags, metadata)",
        ["weasyprint/pdf", "pydyf", "weasyprint/document", "weasyprint/anchors"],
    ),
    ("WeasyPrint: other", ["weasyprint/"]),
]


def component_of(filename: str) -> str | None:
    for name, needles in COMPONENTS:
        if any(n in filename for n in needles):
            return name
    return None


def profile_breakdown(stats, total: float) -> list[tuple[str, float]]:
    """Exclusive time by component; a C call (Pango, HarfBuzz, zlib) is charged to the Python code calling it."""
    import pstats  # noqa: F401

    raw = stats.stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    shares: dict[str, float] = {}

    def charge(key, seconds, depth=0):
        name = component_of(key[0])
        if name is None and depth < 4:
            callers = raw.get(key, (0, 0, 0, 0, {}))[4]
            total_caller_tt = sum(v[2] for v in callers.values()) or 0
            if callers and total_caller_tt > 0:
                for caller, values in callers.items():
                    charge(caller, seconds * values[2] / total_caller_tt, depth + 1)
                return
        shares[name or "other (stdlib, builtins)"] = shares.get(name or "other (stdlib, builtins)", 0) + seconds

    for key, (_, _, tottime, _, _) in raw.items():
        if tottime:
            charge(key, tottime)
    return sorted(shares.items(), key=lambda kv: -kv[1])


def run_profile(log) -> dict:
    import cProfile
    import pstats

    from newsletter_pdf.pipeline import build

    sys.path.insert(0, str(measure.ROOT / "tests"))
    from support.stress_issue import write_stress_issue

    tmp = Path(tempfile.mkdtemp(prefix="newsletter-profile-"))
    out: dict = {}
    generated = write_stress_issue(tmp / "generated", articles=BIG_ARTICLES)
    cases = [
        ("email", ["email"], "on"),
        ("email, first build (no fit cache, as after an edit)", ["email"], "off"),
        ("all three", None, "on"),
    ]
    for issue_name, issue in [("sample", measure.SAMPLE), ("generated", generated)]:
        for label, profiles, cache in cases:
            os.environ[FIT_CACHE_ENV] = str(tmp / "fit-cache") if cache == "on" else "off"
            build(issue, tmp / "out", profiles=profiles, force=True)  # warm: imports, fonts, images, fit cache
            profiler = cProfile.Profile()
            start = time.perf_counter()
            profiler.enable()
            result = build(issue, tmp / "out", profiles=profiles, force=True)
            profiler.disable()
            total = time.perf_counter() - start
            stats = pstats.Stats(profiler)
            breakdown = profile_breakdown(stats, total)
            inclusive = {}
            for key, (_, _, _, cumtime, _) in stats.stats.items():
                for wanted in (
                    "build.py:prepare",
                    "preflight.py:check",
                    "pdf.py:render",
                    "pdf.py:to_bytes",
                    "fitting.py:fit_pages",
                    "build.py:_lay_out",
                ):
                    f, func = wanted.split(":")
                    if key[0].endswith(f) and key[2] == func:
                        inclusive[wanted] = round(cumtime, 3)
            renders = sum(v[1] for k, v in stats.stats.items() if k[0].endswith("pdf.py") and k[2] == "render")
            log(
                f"\n{issue_name}, {label} ({result.pages} pages): {total:.2f} s under cProfile, "
                f"{renders} WeasyPrint layout(s)"
            )
            log("  inclusive: " + ", ".join(f"{k} {v:.2f} s" for k, v in inclusive.items()))
            profiled = sum(v for _, v in breakdown)
            for name, seconds in breakdown:
                log(f"  {seconds:7.3f} s  {100 * seconds / profiled:5.1f} %  {name}")
            out[f"{issue_name}/{label}"] = {
                "seconds_profiled": round(total, 3),
                "layouts": renders,
                "inclusive": inclusive,
                "exclusive_by_component": {k: round(v, 3) for k, v in breakdown},
            }
    shutil.rmtree(tmp, ignore_errors=True)
    return out
