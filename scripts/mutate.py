"""A small mutation harness: break the product on purpose, one fault at a time, and name the tests
that catch each fault.

Each fault is a text replacement in one file. The harness copies the repository (the files git
knows, committed or not) to a temporary folder once, applies one fault there, runs the tests that
should catch it, puts the file back and goes on; your working copy is never touched. The golden
PNG test (tests/render/test_look.py) is left out on purpose: a fault must be caught by a check that
knows what is right, not only by a picture that `pytest --update-golden` would rewrite.

    python3 scripts/mutate.py                 # every fault (about 15-30 minutes on 2 cores)
    python3 scripts/mutate.py crop_marks_off  # some faults, by name
    python3 scripts/mutate.py --list          # the faults and the tests each runs
    python3 scripts/mutate.py --whole-suite   # run the whole suite (minus goldens) per fault: slow

The selected tests are run once without any fault first; a test that already fails is named
and never counted as catching a fault. It is not part of the pytest run. It exits 1 when a
fault survives (no test failed).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Fault:
    name: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


PRINT_CSS = "layouts/base/print.css.j2"
CLASSIC = "layouts/classic/style.css"

FAULTS = (
    Fault(
        "about_missing_in_print",
        "the About box is missing from the print PDF only",
        PRINT_CSS,
        "/* Paper has no links",
        ".about { display: none !important; }\n/* Paper has no links",
        ("tests/outputs/test_print_output.py",),
    ),
    Fault(
        "crop_marks_off",
        "no crop marks in print",
        "newsletter_pdf/outputs/press.py",
        "            if how.marks:\n                _draw_marks(",
        "            if False:\n                _draw_marks(",
        ("tests/outputs/test_print_output.py",),
    ),
    Fault(
        "link_addresses_not_printed",
        "link addresses no longer spelled out on paper",
        PRINT_CSS,
        'content: " (\\2066" attr(href) "\\2069)";',
        "content: none;",
        ("tests/outputs/test_print_output.py",),
    ),
    Fault(
        "print_images_at_72_dpi",
        "print images written at 72 dpi",
        "newsletter_pdf/outputs/profiles.py",
        'write_options={"pdf_variant": "pdf/x-4"},',
        'write_options={"pdf_variant": "pdf/x-4", "dpi": 72},',
        ("tests/outputs/test_preflight.py", "tests/outputs/test_profiles.py"),
    ),
    Fault(
        "dpi_threshold_200",
        "the 300-dpi warning threshold moved to 200",
        "newsletter_pdf/limits.py",
        "PRINT_MIN_DPI = 300",
        "PRINT_MIN_DPI = 200",
        ("tests/outputs/test_preflight.py", "tests/input/test_lint_advice.py"),
    ),
    Fault(
        "preflight_warnings_never_raised",
        "preflight's own warnings never reach the report",
        "newsletter_pdf/outputs/preflight.py",
        "        warnings=found,",
        "        warnings=list(warnings),",
        ("tests/outputs/test_preflight.py", "tests/cli/test_build_options.py"),
    ),
    Fault(
        "archive_dated_today",
        "archive attachments stamped with today's date",
        "newsletter_pdf/outputs/archive.py",
        "stamp = dt.datetime(newsletter.issue.year, newsletter.issue.month, 1, tzinfo=dt.UTC)",
        "stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)",
        ("tests/outputs/test_profiles.py",),
    ),
    Fault(
        "lint_advice_removed",
        "check gives no advice",
        "newsletter_pdf/input/lint.py",
        "    return found",
        "    return []",
        ("tests/input/test_lint_advice.py",),
    ),
    Fault(
        "page_sizes_all_a4",
        "A5, Letter and Legal typeset as A4",
        "newsletter_pdf/render/html.py",
        'PAGE_SIZES = {"A4": "A4", "A5": "A5", "Letter": "letter", "Legal": "legal"}',
        'PAGE_SIZES = {"A4": "A4", "A5": "A4", "Letter": "A4", "Legal": "A4"}',
        ("tests/outputs/test_print_output.py",),
    ),
    Fault(
        "email_budget_80_mb",
        "the email budget raised to 80 MB",
        "newsletter_pdf/limits.py",
        "DEFAULT_EMAIL_BUDGET = 8_000_000",
        "DEFAULT_EMAIL_BUDGET = 80_000_000",
        ("tests/outputs/test_preflight.py",),
    ),
    Fault(
        "caption_over_photo",
        "a caption drawn over its photo",
        CLASSIC,
        "  color: var(--muted);\n  margin-top: 1.2mm;",
        "  color: var(--muted);\n  margin-top: -12mm;\n  position: relative;",
        ("tests/render/test_semantics.py", "tests/outputs/test_layout_lint.py"),
    ),
    Fault(
        "pull_quote_as_body_text",
        "a pull quote set as body text",
        CLASSIC,
        "  font: italic bold 12pt/1.3 var(--body-font), serif;\n  color: var(--accent);",
        "  font: inherit;\n  color: inherit;",
        ("tests/render/test_semantics.py",),
    ),
    Fault(
        "footer_only_blank_page",
        "a page holding only its footer",
        "layouts/base/closing.html.j2",
        "</footer>",
        '</footer>\n<div style="break-before: page"></div>',
        ("tests/render/test_semantics.py", "tests/outputs/test_layout_lint.py"),
    ),
    Fault(
        "contents_titles_reversed",
        "the contents box lists the titles in the wrong order (page numbers still right)",
        "layouts/base/contents.html.j2",
        "{{ article.contents_title }}",
        "{{ articles[loop.revindex0].contents_title }}",
        ("tests/test_pipeline.py::test_contents_numbers_are_the_pages_the_headings_are_on",),
    ),
    Fault(
        "qr_codes_dropped",
        "no QR codes under the read-more addresses in print",
        PRINT_CSS,
        "  display: block !important;\n  width: 14mm;",
        "  display: none !important;\n  width: 14mm;",
        ("tests/outputs/test_profiles.py",),
    ),
)


def _copy_repo(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _run(copy: Path, tests: tuple[str, ...]) -> tuple[list[str], float, str]:
    """The tests that failed (or errored), the seconds taken, and pytest's last line."""
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rfE",
            "-p",
            "no:cacheprovider",
            "--ignore=tests/render/test_look.py",
            *tests,
        ],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", done.stdout, re.MULTILINE)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-200:]
    return failed, time.perf_counter() - start, last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("faults", nargs="*", help="fault names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the faults and exit")
    parser.add_argument("--whole-suite", action="store_true", help="run every test (but the goldens) per fault")
    args = parser.parse_args(argv)
    chosen = [f for f in FAULTS if not args.faults or f.name in args.faults]
    if args.list or not chosen:
        for fault in FAULTS:
            print(f"{fault.name:32} {fault.what}\n{'':32} {fault.path}; runs {' '.join(fault.tests)}")
        return 0 if chosen else 2
    survived = 0
    with tempfile.TemporaryDirectory(prefix="newsletter-pdf-mutant-") as folder:
        copy = Path(folder)
        _copy_repo(copy)
        # First the tests unbroken: a test that fails already catches nothing.
        every = ("tests",) if args.whole_suite else tuple(dict.fromkeys(t for f in chosen for t in f.tests))
        already, seconds, last = _run(copy, every)
        print(f"Baseline, no fault ({seconds:.0f} s): {last}", flush=True)
        if already:
            print("These tests fail without any fault, so they do not count as catching one:")
            print("\n".join(f"  {name}" for name in already))
        print("| fault | file | caught by | seconds |\n|---|---|---|---|", flush=True)
        for fault in chosen:
            target = copy / fault.path
            original = target.read_text(encoding="utf-8")
            if original.count(fault.old) != 1:
                print(f"| {fault.name} | {fault.path} | NOT APPLIED: the text to break is not there once | |")
                survived += 1
                continue
            target.write_text(original.replace(fault.old, fault.new), encoding="utf-8")
            try:
                failed, seconds, last = _run(copy, ("tests",) if args.whole_suite else fault.tests)
            finally:
                target.write_text(original, encoding="utf-8")
            failed = [name for name in failed if name not in already]
            caught = "<br>".join(name.split("tests/", 1)[-1] for name in failed) or f"**SURVIVED** ({last})"
            survived += not failed
            print(f"| {fault.name} | {fault.path} | {caught} | {seconds:.0f} |", flush=True)
    print(f"\n{len(chosen) - survived} of {len(chosen)} faults caught.")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
