#!/usr/bin/env python3
"""The newsletter-pdf benchmark (issue 6): our overhead over bare WeasyPrint, and how warm and parallel builds pay off.

Run from the repository root:

    python3 bench/bench.py              # the full run: every ratio the median of 5 runs (a few minutes)
    python3 bench/bench.py --runs 7     # more runs per figure
    python3 bench/bench.py --quick      # smoke run: 2 runs, a batch of 6 issues; writes bench/results-quick.json
    python3 bench/bench.py --profile    # where a warm build of the generated issue spends its time, by component

Every figure is measured on the sample issue (issues/2025-11) and on a generated issue of about
24 pages (tests/stress_issue.py); see bench/README.md for what each one means. The two sides of a
comparison are interleaved run by run (A B A B ...) so that a burst of load on a shared machine
hits both, and each ratio is the median of the per-run ratios A/B.

A full run writes bench/results.json and bench/RESULTS.md (the table, with the machine).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
PY = sys.executable
# The code measured. snapshot() copies the package, layouts, fonts and issues to a temporary
# folder first, so that edits others make to the working tree during a run cannot change the
# code half-way through (or break it between two edits); --no-snapshot measures REPO in place.
ROOT = REPO
SAMPLE = ROOT / "issues" / "2025-11"
SNAPSHOT_PARTS = ["newsletter_pdf", "layouts", "fonts", "issues", "tests/stress_issue.py", "pyproject.toml"]


def snapshot(into: Path) -> Path:
    """Copy the code and data into `into`, and make this process and every child import it from there."""
    global ROOT, SAMPLE
    if "newsletter_pdf" in sys.modules:
        raise RuntimeError("snapshot() must run before newsletter_pdf is imported")
    into.mkdir(parents=True)
    for part in SNAPSHOT_PARTS:
        source, target = REPO / part, into / part
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    subprocess.run([PY, "-m", "compileall", "-q", str(into / "newsletter_pdf")], check=True)
    ROOT, SAMPLE = into, into / "issues" / "2025-11"
    sys.path.insert(0, str(into))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(into), os.environ.get("PYTHONPATH")]))
    return into


# The generated issue: 54 articles of tests/stress_issue.py give 24 pages with the classic layout.
# If the layout changes the count, setup() moves the article count until the pages are in range.
BIG_ARTICLES = 54
BIG_PAGES = (22, 26)

TARGETS = {
    "a": ("<=", 1.10),
    "b": ("<=", 2.0),
    "c": (">=", 1.7),
    "d": ("<=", 0.5),
    "e": ("<=", 300.0),
    "startup": ("<", 0.5),
}

FIT_CACHE_ENV = "NEWSLETTER_PDF_CACHE"  # newsletter_pdf/fitting.py; "off" disables the cache
EMAIL_RENDER = {"output_intent": "srgb"}  # newsletter_pdf/outputs.py, profile "email"
EMAIL_WRITE = {"pdf_variant": "pdf/ua-1", "output_intent": "srgb", "dpi": 150}

BARE_WEASYPRINT = """
import sys
import weasyprint
html, base, out = sys.argv[1:4]
weasyprint.HTML(filename=html, base_url=base).write_pdf(
    out, pdf_variant="pdf/ua-1", output_intent="srgb", dpi=150)
"""

BATCH = """
import json, sys, time
from newsletter_pdf.batch import build_many
jobs, out, dirs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
start = time.perf_counter()
items = build_many(dirs, out, jobs=jobs, profiles=["email"])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "failed": [[i.issue_dir, i.error] for i in items if not i.ok],
                  "pages": sum(i.pages for i in items)}))
"""

MODULES_AFTER = """
import sys
from newsletter_pdf.cli import app as cli
args = sys.argv[1:]
try:
    cli.app(args=args, standalone_mode=False)
except SystemExit:
    pass
heavy = ["weasyprint", "pydyf", "fontTools", "pypdf", "PIL", "cffi"]
print("MODULES:", " ".join(m for m in heavy if m in sys.modules))
"""

# A small parent for every measured process: it starts the command, times it, and reads the
# peak RSS of its child with getrusage(RUSAGE_CHILDREN). Measuring from this small process
# rather than from the benchmark itself matters: a child forked from a large parent inherits
# the parent's high-water mark (Linux keeps ru_maxrss across exec).
WRAPPER = """
import json, resource, subprocess, sys, time
report = sys.argv[1]
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(report, "w") as f:
    json.dump({"seconds": seconds, "returncode": code, "maxrss_kb": usage.ru_maxrss,
               "cpu_seconds": usage.ru_utime + usage.ru_stime}, f)
"""

# Two copies of a CPU-bound loop at once against one alone: how many cores are free right now.
SPIN = "import time; t = time.process_time()\nwhile time.process_time() - t < 0.6: pass"


# --- measuring ------------------------------------------------------------------------


class Failed(RuntimeError):
    pass


class Measured(tuple):
    """(seconds, peak MB, stdout), with .cpu: the CPU seconds (user + system) the process and its children used."""

    cpu: float = 0.0


def free_cores() -> float:
    """The parallelism the machine offers at this moment: 2 x (one spinner alone) / (two spinners at once)."""

    def spin(count: int) -> float:
        start = time.perf_counter()
        processes = [subprocess.Popen([PY, "-c", SPIN]) for _ in range(count)]
        for process in processes:
            process.wait()
        return time.perf_counter() - start

    alone = spin(1)
    return 2 * alone / spin(2)


def run_process(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> Measured:
    """Run cmd, a new cold process, to the end: (wall seconds, peak RSS in MB, its stdout).

    Through WRAPPER: the seconds are from the wrapper's start of cmd to its exit (without the
    wrapper's own start-up), the peak is ru_maxrss of getrusage(RUSAGE_CHILDREN) in the wrapper,
    which includes the processes cmd itself waited for (e.g. a process pool's workers).
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as errors,
        tempfile.NamedTemporaryFile(suffix=".json") as report,
    ):
        subprocess.run(
            [PY, "-c", WRAPPER, report.name, *map(str, cmd)],
            cwd=cwd or ROOT,
            stdout=out,
            stderr=errors,
            check=True,
            env={**os.environ, **(env or {})},
        )
        measured = json.loads(Path(report.name).read_text())
        out.seek(0)
        errors.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), errors.read().decode(errors="replace")
    if measured["returncode"] != 0:
        raise Failed(f"{' '.join(map(str, cmd))} exited with {measured['returncode']}:\n{stderr[-3000:]}")
    result = Measured((measured["seconds"], measured["maxrss_kb"] / 1024, stdout))
    result.cpu = measured["cpu_seconds"]
    return result


def timed(call) -> float:
    gc.collect()
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def summary(values: list[float], digits: int = 3) -> dict:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": [round(v, digits) for v in values],
    }


def ratio_of(times_a: list[float], times_b: list[float]) -> dict:
    """The median of the per-run ratios a/b (the headline), and the medians of each side."""
    ratios = [x / y for x, y in zip(times_a, times_b)]
    return {
        "ratio": round(statistics.median(ratios), 3),
        "ratios": [round(r, 3) for r in ratios],
        "ratio_of_medians": round(statistics.median(times_a) / statistics.median(times_b), 3),
        "a_seconds": summary(times_a),
        "b_seconds": summary(times_b),
    }


def compare(runs: int, a, b, label: str, log) -> dict:
    """Interleave a() and b() run by run (A B A B ...); each returns seconds."""
    times_a, times_b = [], []
    for i in range(runs):
        times_a.append(a())
        times_b.append(b())
        log(
            f"    {label} run {i + 1}/{runs}: {times_a[-1]:.3f} s vs {times_b[-1]:.3f} s "
            f"(ratio {times_a[-1] / times_b[-1]:.3f})"
        )
    return ratio_of(times_a, times_b)


def met(key: str, value: float) -> bool:
    op, limit = TARGETS[key]
    return {"<=": value <= limit, ">=": value >= limit, "<": value < limit}[op]


def target_text(key: str) -> str:
    op, limit = TARGETS[key]
    unit = {"e": " MB", "startup": " s", "c": "×"}.get(key, "")
    return f"{op.replace('<=', '≤').replace('>=', '≥')} {limit:g}{unit}"


def cli_command() -> list[str]:
    """The installed console script (beside this interpreter, not a pyenv shim), else python -m."""
    script = Path(PY).parent / "newsletter-pdf"
    return [str(script)] if script.exists() else [PY, "-m", "newsletter_pdf"]


# --- the machine ------------------------------------------------------------------------


def machine() -> dict:
    info: dict = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        info["cpu_model"] = models[0].strip() if models else platform.processor()
    except OSError:
        info["cpu_model"] = platform.processor()
    info["cpus_os"] = os.cpu_count()
    info["cpus_usable"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        info["cgroup_cpu_limit"] = "none" if quota == "max" else round(int(quota) / int(period), 2)
    except (OSError, ValueError):
        try:  # cgroup v1
            quota = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").read_text())
            period = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us").read_text())
            info["cgroup_cpu_limit"] = "none" if quota < 0 else round(quota / period, 2)
        except (OSError, ValueError):
            pass
    try:
        meminfo = Path("/proc/meminfo").read_text()
        info["memory_gb"] = round(int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    import weasyprint
    from weasyprint.text import ffi

    info["weasyprint"] = weasyprint.__version__
    try:
        import pydyf

        info["pydyf"] = pydyf.__version__
    except Exception:
        pass
    try:
        version = ffi.pango.pango_version()
        info["pango"] = f"{version // 10000}.{version // 100 % 100}.{version % 100}"
    except Exception:
        pass
    try:
        status = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libharfbuzz0b"], capture_output=True, text=True)
        if status.returncode == 0:
            info["harfbuzz"] = status.stdout.strip()
    except OSError:
        pass
    try:
        status = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status} ${Version}", "libharfbuzz-subset0"], capture_output=True, text=True
        )
        installed = status.returncode == 0 and "install ok installed" in status.stdout
        info["libharfbuzz_subset0"] = status.stdout.split()[-1] if installed else "not installed"
    except OSError:
        info["libharfbuzz_subset0"] = "unknown (no dpkg)"
    # What WeasyPrint will actually use: HarfBuzz subsetting needs the library and HarfBuzz >= 4.1.
    uses_hb = ffi.harfbuzz_subset is not None and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))
    info["font_subsetting"] = "harfbuzz" if uses_hb else "fontTools"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "newsletter_pdf", "layouts", "fonts"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        info["git"] = commit.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")
    except OSError:
        pass
    return info


# --- the issues -------------------------------------------------------------------------


def copy_issue(issue_dir: Path, dest_root: Path, month: str | None = None) -> Path:
    """Copy an issue with its publication (newsletter.yaml beside or above it) into dest_root/<name>."""
    dest_root.mkdir(parents=True, exist_ok=True)
    publication = issue_dir / "newsletter.yaml"
    if not publication.exists():
        publication = issue_dir.parent / "newsletter.yaml"
        if not (dest_root / "newsletter.yaml").exists():
            shutil.copy2(publication, dest_root / "newsletter.yaml")
    target = dest_root / (month or issue_dir.name)
    shutil.copytree(issue_dir, target)
    if month:
        issue_file = target / "issue.yaml"
        text = issue_file.read_text(encoding="utf-8")
        text, count = re.subn(r"^date:.*$", f"date: {month}", text, count=1, flags=re.M)
        if count != 1:
            raise Failed(f"no date: line in {issue_file}")
        issue_file.write_text(text, encoding="utf-8")
    return target


# Replacement words for the one-word edits: each edit uses one not used before, so that the
# edited issue is new content every time (the build caches its page-fitting decisions by content).
EDIT_WORDS = [
    "neighbourly",
    "allotment",
    "bandstand",
    "hedgerow",
    "lantern",
    "orchard",
    "meadow",
    "towpath",
    "chapel",
    "bakery",
    "cricket",
    "pavilion",
    "verge",
    "harvest",
    "kitchen",
    "library",
    "market",
    "minibus",
    "playground",
    "roundabout",
    "shelter",
    "station",
    "surgery",
    "teapot",
    "timetable",
    "warden",
    "woodland",
    "workshop",
    "village",
    "festival",
]


class WordEdit:
    """Replaces one word in the body of an article file with a new word each time: a one-word edit."""

    def __init__(self, issue_dir: Path):
        candidates = sorted((issue_dir / "articles").glob("*.md"))
        if not candidates:
            raise Failed(f"no article file in {issue_dir / 'articles'}")
        self.path = candidates[0]
        self.original = self.path.read_text(encoding="utf-8")
        body_start = self.original.find("\n---", 3) + 4  # after the front matter
        match = re.compile(r"\b([a-z]{6,})\b").search(self.original, body_start + 200)
        if not match:
            raise Failed(f"no word to edit in {self.path}")
        self.span = match.span(1)
        self.word = match.group(1)
        self.words = [w for w in EDIT_WORDS if w != self.word and w not in self.original]
        self.turn = 0

    def apply(self) -> str:
        word = self.words[self.turn % len(self.words)] + ("" if self.turn < len(self.words) else str(self.turn))
        self.turn += 1
        start, end = self.span
        self.path.write_text(self.original[:start] + word + self.original[end:], encoding="utf-8")
        return word

    def describe(self) -> str:
        return f"{self.path.name}: {self.word!r} -> a new word each run ({', '.join(self.words[:3])}, ...)"


def same_output(ours: Path, bare: Path) -> dict:
    """Whether bare WeasyPrint made the same kind of PDF: the same embedded fonts, variant and page count."""
    from pypdf import PdfReader

    from newsletter_pdf.outputs.preflight import fonts_of, variant_of

    found = {}
    for side, path in (("ours", ours), ("weasyprint", bare)):
        found[side] = {
            "fonts": sorted(f for f, embedded in fonts_of(path).items() if embedded),
            "unembedded": sorted(f for f, embedded in fonts_of(path).items() if not embedded),
            "variant": variant_of(path),
            "pages": len(PdfReader(path).pages),
        }
    return {"same": found["ours"] == found["weasyprint"], **found}


# --- the benchmark ----------------------------------------------------------------------


class Bench:
    def __init__(self, runs: int, batch: int, batch_kind: str, memory_runs: int, log):
        self.runs = runs
        self.batch = batch
        self.batch_kind = batch_kind
        self.memory_runs = memory_runs
        self.log = log
        self.tmp = Path(tempfile.mkdtemp(prefix="newsletter-bench-"))
        # The build caches page-fitting decisions by content, by default in ~/.cache. Use a cache
        # of our own: this process and its children share it; some figures turn it off.
        os.environ[FIT_CACHE_ENV] = str(self.tmp / "fit-cache")
        self.issues: dict[str, dict] = {}
        self.cli = cli_command()

    def out(self, name: str) -> Path:
        path = self.tmp / "out" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    # setup: the two issues, their HTML, and a warm process
    def setup(self) -> None:
        from newsletter_pdf.pipeline import build

        sys.path.insert(0, str(ROOT / "tests"))
        from stress_issue import write_stress_issue

        import newsletter_pdf

        if not Path(newsletter_pdf.__file__).resolve().is_relative_to(ROOT.resolve()):
            raise Failed(f"newsletter_pdf was imported from {newsletter_pdf.__file__}, not from {ROOT}")
        self.log("Setting up: building the sample and generating the ~24-page issue")
        result = build(SAMPLE, self.out("html-sample"), profiles=["email"], write_html=True)
        self.issues["sample"] = {
            "path": SAMPLE,
            "pages": result.pages,
            "html": result.html,
            "fitted": bool(result.fits),
            "pdf": result.pdf,
        }

        articles = BIG_ARTICLES
        for attempt in range(6):
            folder = self.tmp / f"generated-{articles}"
            issue = write_stress_issue(folder, articles=articles, seed=7, with_images=True)
            result = build(issue, self.out(f"html-generated-{articles}"), profiles=["email"], write_html=True)
            if BIG_PAGES[0] <= result.pages <= BIG_PAGES[1]:
                break
            articles += 3 if result.pages < BIG_PAGES[0] else -3
            self.log(f"  {result.pages} pages; trying {articles} articles")
        self.issues["generated"] = {
            "path": issue,
            "pages": result.pages,
            "html": result.html,
            "articles": articles,
            "fitted": bool(result.fits),
            "pdf": result.pdf,
        }
        for name, issue in self.issues.items():
            self.log(f"  {name}: {issue['path']} ({issue['pages']} pages)")

    # (a) our build of one output against bare WeasyPrint on the HTML our build emits, and
    # (d) a watch rebuild after a one-word edit against a cold build. One loop, so that all the
    # sides of a run happen close together: A B C D, A B C D, ...
    #   A  cold build of the issue, as rebuilt (the fit cache knows it: one layout)        (a)
    #   B  bare WeasyPrint on the HTML that build emitted                                    (a)
    #   C  cold build of a copy just edited (new content, so no cached fit: a first build)   (a first), (d)
    #   D  the watch rebuild of that same edit, in this warm process                          (d)
    # An issue without `pages:` is not fitted: then A and C are the same work, A is left out and
    # C serves as the cold build of (a) too.
    def figure_a_d(self) -> tuple[dict, dict]:
        import weasyprint

        from newsletter_pdf.cli.watch import Watcher
        from newsletter_pdf.pipeline import build

        results_a: dict = {"cold": {}, "first": {}, "warm": {}}
        results_d: dict = {}
        for name, issue in self.issues.items():
            path, html_file = issue["path"], issue["html"]
            base = str(path) + os.sep
            ours_out, bare_out = self.out(f"a-cold-{name}-ours"), self.out(f"a-cold-{name}-bare")

            copy = copy_issue(path, self.tmp / f"watch-{name}")
            watch_out, first_out = self.out(f"d-{name}-watch"), self.out(f"d-{name}-cold")
            edit = WordEdit(copy)
            errors: list = []
            watcher = Watcher(
                copy.absolute(),
                rebuild=lambda: build(copy, watch_out, profiles=["email"], check_outputs=False, warm=True),
                on_error=errors.append,
            )
            watcher.snapshot = watcher.scan()
            watcher.build_once()  # `watch` builds once when it starts

            self.log(
                f"  (a) cold, {name}: `python3 -m newsletter_pdf build -p email` vs bare "
                f"`weasyprint.HTML().write_pdf()`; (d) after a one-word edit ({edit.describe()}): "
                "Watcher.poll() vs a cold build"
            )
            cold, bare, first, rebuild = [], [], [], []
            peaks: dict[str, list] = {"ours": [], "weasyprint": [], "ours_first": []}
            fitted = []
            for i in range(self.runs):
                if issue["fitted"]:
                    seconds, peak, _ = run_process(
                        [PY, "-m", "newsletter_pdf", "build", path, "-p", "email", "-o", ours_out]
                    )
                    cold.append(seconds)
                    peaks["ours"].append(peak)
                seconds, peak, _ = run_process([PY, "-c", BARE_WEASYPRINT, html_file, base, bare_out / "bare.pdf"])
                bare.append(seconds)
                peaks["weasyprint"].append(peak)
                edit.apply()
                seconds, peak, _ = run_process(
                    [PY, "-m", "newsletter_pdf", "build", copy, "-p", "email", "-o", first_out],
                    env={FIT_CACHE_ENV: "off"},
                )
                first.append(seconds)
                peaks["ours_first"].append(peak)
                if not issue["fitted"]:
                    cold.append(seconds)
                    peaks["ours"].append(peak)
                gc.collect()
                messages: list[str] = []
                watcher.rebuild = lambda: build(
                    copy, watch_out, profiles=["email"], check_outputs=False, warm=True, progress=messages.append
                )
                start = time.perf_counter()
                changes, result = watcher.poll()
                rebuild.append(time.perf_counter() - start)
                if not changes or result is None:
                    raise Failed(f"watch did not rebuild after the edit of {edit.path}: {changes} {errors}")
                fitted += [m for m in messages if m.startswith("Page count")]
                self.log(
                    f"    run {i + 1}/{self.runs}: A cold build {cold[-1]:.3f} s{'' if issue['fitted'] else ' (= C)'}, B bare WeasyPrint "
                    f"{bare[-1]:.3f} s (a {cold[-1] / bare[-1]:.3f}); C first build {first[-1]:.3f} s "
                    f"(a first {first[-1] / bare[-1]:.3f}); D watch rebuild {rebuild[-1]:.3f} s "
                    f"(d {rebuild[-1] / first[-1]:.3f})"
                )
            result_a = ratio_of(cold, bare)
            result_a["peak_rss_mb"] = {k: summary(v, 1) for k, v in peaks.items()}
            if not issue["fitted"]:
                result_a["note"] = "not fitted (no pages:): the cold builds are those of 'first', of the edited copy"
            ours_pdf = issue["pdf"]  # the email PDF our build made of this issue during setup
            result_a["pdf_bytes"] = {
                "ours": ours_pdf.stat().st_size,
                "weasyprint": (bare_out / "bare.pdf").stat().st_size,
            }
            result_a["same_output"] = same_output(ours_pdf, bare_out / "bare.pdf")
            if not result_a["same_output"]["same"]:
                self.log(f"    warning: the two PDFs differ in fonts, variant or pages: {result_a['same_output']}")
            results_a["cold"][name] = result_a
            results_a["first"][name] = ratio_of(first, bare)
            results_a["first"][name]["page_fitting"] = fitted[-1] if fitted else "none (no pages: in issue.yaml)"
            results_d[name] = ratio_of(rebuild, first)
            results_d[name]["edited"] = edit.describe()
            results_d[name]["page_fitting"] = results_a["first"][name]["page_fitting"]

            html = Path(html_file).read_text(encoding="utf-8")
            warm_out = self.out(f"a-warm-{name}")

            def ours_warm():
                return timed(lambda: build(path, warm_out, profiles=["email"]))

            def bare_warm():
                return timed(
                    lambda: (
                        weasyprint.HTML(string=html, base_url=base)
                        .render(**EMAIL_RENDER)
                        .write_pdf(warm_out / "bare.pdf", **EMAIL_WRITE)
                    )
                )

            bare_warm()  # one untimed run: the bare side's first in-process render
            self.log(f"  (a) warm, {name}: build() vs HTML(string=html).render().write_pdf(), in this process")
            results_a["warm"][name] = compare(self.runs, ours_warm, bare_warm, "warm", self.log)
        return results_a, results_d

    # (b) all three outputs against one, in a warm process
    def figure_b(self) -> dict:
        from newsletter_pdf.pipeline import build

        results = {}
        for name, issue in self.issues.items():
            path = issue["path"]
            three_out, one_out = self.out(f"b-{name}-three"), self.out(f"b-{name}-one")
            steps: dict[str, list] = {}

            def three():
                holder = {}
                seconds = timed(lambda: holder.setdefault("r", build(path, three_out)))
                for step in holder["r"].steps:
                    steps.setdefault(re.sub(r" \(\d+ pages?\)", "", step.name), []).append(step.seconds)
                return seconds

            def one():
                return timed(lambda: build(path, one_out, profiles=["email"]))

            three()  # untimed warm-up (print pass, CMYK profile)
            steps.clear()
            self.log(f"  (b) {name}: build() of print+email+archive vs email only, in this process")
            result = compare(self.runs, three, one, "3 vs 1", self.log)
            result["steps_of_three_median_s"] = {k: round(statistics.median(v), 3) for k, v in steps.items()}
            results[name] = result
        return results

    # (c) 24 issues with jobs=1 against jobs=2
    def figure_c(self) -> dict:
        from stress_issue import write_stress_issue

        from newsletter_pdf.pipeline import check

        root = self.tmp / "batch"
        dirs = []
        for i in range(self.batch):
            month = f"{2024 + i // 12}-{1 + i % 12:02d}"
            if self.batch_kind == "sample":
                dirs.append(copy_issue(SAMPLE, root, month))
            else:  # a small generated issue: its own publication, 3 articles, a distinct seed and month
                issue = write_stress_issue(root / f"issue-{i + 1:02d}", articles=3, seed=100 + i, with_images=True)
                issue_file = issue / "issue.yaml"
                issue_file.write_text(
                    re.sub(r"^date:.*$", f"date: {month}", issue_file.read_text(encoding="utf-8"), count=1, flags=re.M),
                    encoding="utf-8",
                )
                dirs.append(issue)
        # They must validate: check them all, in this process, before timing anything.
        for d in dirs:
            check(d)
        what = "copies of the sample" if self.batch_kind == "sample" else "small generated issues (3 articles)"
        self.log(
            f"  (c) {len(dirs)} {what}, distinct months, email output: build_many(jobs=1) vs (jobs=2), "
            "each a new process"
        )
        inner: dict[int, list[float]] = {1: [], 2: []}
        cores_used: dict[int, list[float]] = {1: [], 2: []}
        capacity: list[float] = []
        pages: list[int] = []
        peaks: dict[int, list[float]] = {1: [], 2: []}

        def batch(jobs: int):
            def run():
                out = self.out(f"c-jobs{jobs}")
                measured = run_process(
                    [PY, "-c", BATCH, str(jobs), str(out), *map(str, dirs)], env={FIT_CACHE_ENV: "off"}
                )
                seconds, peak, stdout = measured
                cores_used[jobs].append(measured.cpu / seconds)
                if jobs == 2:
                    capacity.append(free_cores())
                report = json.loads(stdout.strip().splitlines()[-1])
                pages.append(report["pages"])
                if report["failed"]:
                    raise Failed(f"batch build failed: {report['failed']}")
                inner[jobs].append(report["seconds"])
                peaks[jobs].append(peak)
                return seconds

            return run

        whole = compare(self.runs, batch(1), batch(2), "jobs 1 vs 2", self.log)
        self.log(
            f"    cores used by jobs=2: {', '.join(f'{c:.2f}' for c in cores_used[2])}; "
            f"free cores measured after each run: {', '.join(f'{c:.2f}' for c in capacity)}"
        )
        speedups = [x / y for x, y in zip(inner[1], inner[2])]
        return {
            "issues": len(dirs),
            "kind": what,
            "pages_in_batch": pages[0],
            "speedup": round(statistics.median(speedups), 3),
            "speedups": [round(s, 3) for s in speedups],
            "build_many_seconds": {"jobs1": summary(inner[1]), "jobs2": summary(inner[2])},
            "speedup_whole_process": whole["ratio"],
            "whole_process_seconds": {"jobs1": whole["a_seconds"], "jobs2": whole["b_seconds"]},
            "peak_rss_mb": {"jobs1": summary(peaks[1], 1), "jobs2": summary(peaks[2], 1)},
            # CPU seconds / wall seconds of each batch process: how many cores it actually got.
            "cores_used": {"jobs1": summary(cores_used[1], 2), "jobs2": summary(cores_used[2], 2)},
            # Measured after each jobs=2 run with two CPU-bound spinners: 2.0 means two free cores.
            "free_cores": summary(capacity, 2),
        }

    # (e) peak memory of a cold build of all three outputs
    def figure_e(self) -> dict:
        results = {}
        for name, issue in self.issues.items():
            peaks, seconds = [], []
            for i in range(self.memory_runs if name == "generated" else 1):
                out = self.out(f"e-{name}-{i}")
                s, peak, _ = run_process(
                    [PY, "-m", "newsletter_pdf", "build", str(issue["path"]), "-o", str(out)],
                    env={FIT_CACHE_ENV: "off"},
                )
                peaks.append(peak)
                seconds.append(s)
            self.log(
                f"  (e) {name}: peak RSS of `build` (all three outputs): "
                f"median {statistics.median(peaks):.1f} MB, max {max(peaks):.1f} MB"
            )
            results[name] = {"peak_mb": summary(peaks, 1), "seconds": summary(seconds)}
        return results

    # quick commands: start-up time, and no WeasyPrint in their imports
    def startup(self) -> dict:
        schema_dir = self.tmp / "schema-out"
        new_root = self.tmp / "new-issues"
        copy_issue(SAMPLE, new_root)
        sample = str(SAMPLE)
        commands = {
            "check": [*self.cli, "check", sample],
            "--help": [*self.cli, "--help"],
            "schema": [*self.cli, "schema", str(schema_dir)],
            "new": None,  # a fresh copy of the issues folder each run
        }
        times: dict[str, list[float]] = {k: [] for k in commands}
        for i in range(self.runs):
            for key, cmd in commands.items():
                if key == "new":
                    folder = self.tmp / f"new-{i}"
                    shutil.copytree(new_root, folder)
                    cmd = [*self.cli, "new", str(folder), "-q"]
                times[key].append(run_process(cmd)[0])
        results: dict = {"command": " ".join(self.cli), "seconds": {k: summary(v) for k, v in times.items()}}
        modules = {}
        for key, args in {
            "check": ["check", sample, "-q"],
            "--help": ["--help"],
            "schema": ["schema", str(schema_dir), "-q"],
        }.items():
            _, _, stdout = run_process([PY, "-c", MODULES_AFTER, *args])
            line = [x for x in stdout.splitlines() if x.startswith("MODULES:")][-1]
            modules[key] = line.split()[1:]
        results["heavy_modules_loaded"] = modules
        results["weasyprint_imported"] = {k: "weasyprint" in v for k, v in modules.items()}
        for key, value in results["seconds"].items():
            self.log(f"  startup `{key}`: median {value['median']:.3f} s")
        self.log(f"  modules after cli + command: {modules}")
        return results


# --- profile ----------------------------------------------------------------------------

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

    sys.path.insert(0, str(ROOT / "tests"))
    from stress_issue import write_stress_issue

    tmp = Path(tempfile.mkdtemp(prefix="newsletter-profile-"))
    out: dict = {}
    generated = write_stress_issue(tmp / "generated", articles=BIG_ARTICLES)
    cases = [
        ("email", ["email"], "on"),
        ("email, first build (no fit cache, as after an edit)", ["email"], "off"),
        ("all three", None, "on"),
    ]
    for issue_name, issue in [("sample", SAMPLE), ("generated", generated)]:
        for label, profiles, cache in cases:
            os.environ[FIT_CACHE_ENV] = str(tmp / "fit-cache") if cache == "on" else "off"
            build(issue, tmp / "out", profiles=profiles)  # warm: imports, fonts, images, fit cache
            profiler = cProfile.Profile()
            start = time.perf_counter()
            profiler.enable()
            result = build(issue, tmp / "out", profiles=profiles)
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


# --- reporting --------------------------------------------------------------------------


def headline(results: dict) -> list[dict]:
    """One row per figure and issue: what was compared, the medians and the value against the target."""
    f = results["figures"]
    rows = []

    def label(name: str) -> str:
        return f"{name} ({results['issues'][name]['pages']} p)"

    def row(figure, issue, what, value, key, a=None, b=None, target=None, judged=True):
        rows.append(
            {
                "figure": figure,
                "issue": issue,
                "what": what,
                "a": a,
                "b": b,
                "value": value,
                "target": target or target_text(key),
                "met": met(key, value) if judged else None,
            }
        )

    names = ("sample", "generated")
    if "a" in f:
        what = {
            "cold": "our build (email) ÷ bare WeasyPrint, cold",
            "first": "our first build (no fit cache) ÷ bare, cold",
            "warm": "our build (email) ÷ bare WeasyPrint, warm",
        }
        for name in names:
            for mode in ("cold", "first", "warm"):
                r = f["a"][mode][name]
                row(
                    f"(a) {mode}",
                    label(name),
                    what[mode],
                    r["ratio"],
                    "a",
                    r["a_seconds"]["median"],
                    r["b_seconds"]["median"],
                )
    if "b" in f:
        for name in names:
            r = f["b"][name]
            row(
                "(b)",
                label(name),
                "3 outputs ÷ 1 output, warm",
                r["ratio"],
                "b",
                r["a_seconds"]["median"],
                r["b_seconds"]["median"],
            )
    if "c" in f:
        r = f["c"]
        issues = (
            f"{r['issues']} sample copies"
            if "sample" in r["kind"]
            else f"{r['issues']} small ({r['pages_in_batch']} p)"
        )
        row(
            "(c)",
            issues,
            "jobs=1 ÷ jobs=2 (speed-up)",
            r["speedup"],
            "c",
            r["build_many_seconds"]["jobs1"]["median"],
            r["build_many_seconds"]["jobs2"]["median"],
        )
        row(
            "(c) cores",
            issues,
            "free cores beside the jobs=2 runs",
            r["free_cores"]["median"],
            "c",
            target="(context)",
            judged=False,
        )
    if "d" in f:
        for name in names:
            r = f["d"][name]
            row(
                "(d)",
                label(name),
                "watch rebuild ÷ cold build, after an edit",
                r["ratio"],
                "d",
                r["a_seconds"]["median"],
                r["b_seconds"]["median"],
            )
    if "e" in f:
        for name in names:
            value = f["e"][name]["peak_mb"]["median"]
            row(
                "(e)",
                label(name),
                "peak RSS, cold build of 3 outputs (MB)",
                value,
                "e",
                target=None if name == "generated" else "(context)",
                judged=name == "generated",
            )
    if "startup" in results:
        s = results["startup"]
        for key, value in s["seconds"].items():
            row("startup", key, f"`newsletter-pdf {key}` wall time (s)", value["median"], "startup")
        imported = [k for k, v in s["weasyprint_imported"].items() if v]
        rows.append(
            {
                "figure": "imports",
                "issue": "check, --help, schema",
                "what": "weasyprint in sys.modules",
                "a": None,
                "b": None,
                "value": ", ".join(imported) if imported else "no",
                "target": "no",
                "met": not imported,
            }
        )
    return rows


def print_table(rows: list[dict]) -> None:
    print()
    print(f"{'figure':<12}{'issue':<22}{'what':<44}{'A s':>8}{'B s':>8}{'value':>9}  {'target':<10}met")
    for r in rows:
        a = f"{r['a']:.3f}" if isinstance(r["a"], float) else ""
        b = f"{r['b']:.3f}" if isinstance(r["b"], float) else ""
        value = f"{r['value']:.3f}" if isinstance(r["value"], float) else str(r["value"])
        status = {True: "yes", False: "NO", None: ""}[r["met"]]
        print(f"{r['figure']:<12}{r['issue']:<22}{r['what']:<44}{a:>8}{b:>8}{value:>9}  {r['target']:<10}{status}")


def write_markdown(results: dict, path: Path) -> None:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Last full run: {results['finished']}, `python3 bench/bench.py --runs {results['settings']['runs']}` "
        f"({results['elapsed_s']:.0f} s). Raw figures, every run: [results.json](results.json). "
        "What each figure means: [README.md](README.md).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {m.get('cpu_model')} |",
        f"| cores | {m.get('cpus_usable')} usable ({m.get('cpus_os')} seen by the OS"
        + (f", cgroup limit {m['cgroup_cpu_limit']}" if "cgroup_cpu_limit" in m else "")
        + ") |",
        f"| memory | {m.get('memory_gb')} GB |",
        f"| OS | {m.get('platform')} |",
        f"| Python | {m.get('python')} |",
        f"| WeasyPrint | {m.get('weasyprint')} (pydyf {m.get('pydyf')}, Pango {m.get('pango')}, HarfBuzz {m.get('harfbuzz')}) |",
        f"| libharfbuzz-subset0 | {m.get('libharfbuzz_subset0')}; WeasyPrint subsets fonts with **{m.get('font_subsetting')}** |",
        f"| load average | {results['load_before']} before, {results['load_after']} after |",
        f"| code | {m.get('git')}; measured: {results['settings'].get('code')} |",
        "",
        "## Figures",
        "",
        f"Each ratio is the median of {results['settings']['runs']} per-run ratios A ÷ B, the two sides "
        "interleaved run by run. A and B are the median seconds of each side.",
        "",
        "| figure | issue | measured | A (s) | B (s) | value | target | met |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for r in headline(results):
        a = f"{r['a']:.3f}" if isinstance(r["a"], float) else ""
        b = f"{r['b']:.3f}" if isinstance(r["b"], float) else ""
        value = f"{r['value']:.3f}" if isinstance(r["value"], float) else str(r["value"])
        status = {True: "yes", False: "**no**", None: ""}[r["met"]]
        lines.append(f"| {r['figure']} | {r['issue']} | {r['what']} | {a} | {b} | {value} | {r['target']} | {status} |")
    f = results["figures"]
    lines += ["", "## Details", ""]
    for name in ("sample", "generated"):
        steps = f["b"][name].get("steps_of_three_median_s", {})
        if steps:
            lines.append(
                f"- Steps of a warm three-output build, {name}: "
                + "; ".join(f"{k} {v:.2f} s" for k, v in steps.items())
                + "."
            )
    for name in ("sample", "generated"):
        cold = f["a"]["cold"][name]
        lines.append(
            f"- (a) cold, {name}: peak RSS ours {cold['peak_rss_mb']['ours']['median']} MB, "
            f"bare WeasyPrint {cold['peak_rss_mb']['weasyprint']['median']} MB; email PDF "
            f"{cold['pdf_bytes']['ours']} bytes (ours) vs {cold['pdf_bytes']['weasyprint']} (bare)."
        )
    for name in ("sample", "generated"):
        lines.append(f"- Page fitting ({name}, after an edit): {f['a']['first'][name]['page_fitting']}.")
    for name, estimate in results.get("b_cold_estimate", {}).items():
        lines.append(
            f"- (b) cold, estimated ({name}): a cold three-output build of (e) ÷ the cold first email "
            f"build of (a): {estimate}. Not interleaved, and (e) has fewer runs, so this is a rough figure."
        )
    c = f["c"]
    if "speedup_per_core_obtained" in c:
        two = c["speedup_runs_with_two_free_cores"]
        lines.append(
            f"- (c) speed-up in the runs where two cores were free beside it: {two['runs']} "
            f"(median {two['median']}); speed-up per core the batch obtained: "
            f"{c['speedup_per_core_obtained']} (1.0: it scales with the cores it gets)."
        )
    lines.append(
        f"- (c) cores the jobs=2 batch actually got (CPU s ÷ wall s): median {c['cores_used']['jobs2']['median']}; "
        f"free cores measured beside it (two CPU-bound spinners): median {c['free_cores']['median']} "
        f"(runs {c['free_cores']['runs']}). A speed-up above the free cores is not possible."
    )
    lines.append(
        f"- (c) whole processes (interpreter start included): jobs=1 "
        f"{c['whole_process_seconds']['jobs1']['median']} s, jobs=2 {c['whole_process_seconds']['jobs2']['median']} s, "
        f"speed-up {c['speedup_whole_process']}×."
    )
    s = results["startup"]
    lines.append(
        f"- Start-up command: `{s['command']}`. Heavy modules loaded after importing the CLI and running "
        f"the command: "
        + "; ".join(f"{k}: {', '.join(v) or 'none'}" for k, v in s["heavy_modules_loaded"].items())
        + "."
    )
    if results.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in results["notes"]]
    # A hand-written analysis below the marker survives the next run (it may then be out of date).
    kept = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if ANALYSIS_MARKER in old:
            kept = old[old.index(ANALYSIS_MARKER) :]
    text = "\n".join(lines) + "\n"
    if kept:
        text += "\n" + kept
    path.write_text(text, encoding="utf-8")


ANALYSIS_MARKER = "<!-- analysis: written by hand, kept by bench.py; check it against the figures above -->"


def code_digest(root: Path) -> str:
    """A short digest of the code and data measured, to tell runs of different code apart."""
    digest = hashlib.sha256()
    for part in SNAPSHOT_PARTS:
        base = root / part
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in files:
            if "__pycache__" in path.parts or not path.exists():
                continue
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def derive(results: dict) -> None:
    """Figures computed from the measured ones, and the headline rows."""
    f = results["figures"]
    if "e" in f and "a" in f:  # both without the fit cache: all three outputs, cold, against email alone, cold
        results["b_cold_estimate"] = {
            name: round(f["e"][name]["seconds"]["median"] / f["a"]["first"][name]["a_seconds"]["median"], 3)
            for name in ("sample", "generated")
        }
    if "c" in f:
        c = f["c"]
        free, used = c["free_cores"]["runs"], c["cores_used"]["jobs2"]["runs"]
        # Speed-up per core actually obtained: near 1.0 when the batch scales with the cores it gets.
        c["speedup_per_core_obtained"] = round(
            statistics.median(
                s / (u2 / u1) for s, u1, u2 in zip(c["speedups"], c["cores_used"]["jobs1"]["runs"], used)
            ),
            3,
        )
        with_two = [s for s, cores in zip(c["speedups"], free) if cores >= 1.8]
        c["speedup_runs_with_two_free_cores"] = {
            "runs": with_two,
            "median": round(statistics.median(with_two), 3) if with_two else None,
        }
    results["headline"] = headline(results)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> int:
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the temporary folders are removed
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 5; 2 with --quick)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 runs, a batch of 6 issues")
    parser.add_argument(
        "--batch", type=int, default=None, help="issues in the batch of (c) (default 24; 6 with --quick)"
    )
    parser.add_argument(
        "--batch-kind",
        choices=["small", "sample"],
        default="small",
        help="(c) builds small generated issues (default), or copies of the sample (slower)",
    )
    parser.add_argument("--memory-runs", type=int, default=3, help="runs of (e), peak memory (default 3)")
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="where to write the results (default bench/results.json; bench/results-quick.json with --quick)",
    )
    parser.add_argument("--only", default="abcdes", help="figures to measure, e.g. 'ad' (s: start-up); default all")
    parser.add_argument("--profile", action="store_true", help="profile warm builds by component instead")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--rewrite",
        action="store_true",
        help="measure nothing: recompute the derived figures of bench/results.json and rewrite RESULTS.md",
    )
    parser.add_argument(
        "--no-snapshot",
        action="store_true",
        help="measure the working tree in place instead of a copy taken at the start",
    )
    args = parser.parse_args()

    if Path.cwd().resolve() != REPO:
        os.chdir(REPO)
    log = lambda message: print(message, flush=True)  # noqa: E731

    if args.rewrite:
        path = args.json or BENCH / "results.json"
        results = json.loads(path.read_text(encoding="utf-8"))
        derive(results)
        print_table(results["headline"])
        path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        write_markdown(results, BENCH / "RESULTS.md")
        log(f"rewrote {path.name} (derived figures) and RESULTS.md")
        return 0

    code_dir = None
    if not args.no_snapshot:
        code_dir = snapshot(Path(tempfile.mkdtemp(prefix="newsletter-bench-code-")) / "code")
        atexit.register(lambda: args.keep or shutil.rmtree(code_dir.parent, ignore_errors=True))
    if args.profile:
        report = {
            "about": {
                "finished": time.strftime("%Y-%m-%d %H:%M %Z"),
                "code_digest": code_digest(ROOT),
                "note": "cProfile: pure-Python code (pypdf, our loader) is slowed more than C calls",
            },
            **run_profile(log),
        }
        (args.json or BENCH / "profile.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        return 0

    runs = args.runs or (2 if args.quick else 5)
    batch = args.batch or (6 if args.quick else 24)
    if runs < 5 and not args.quick:
        log("note: fewer than 5 runs; the figures are not the medians issue 6 asks for")
    json_path = args.json or BENCH / ("results-quick.json" if args.quick else "results.json")
    full = set(args.only) == set("abcdes")

    started = time.time()
    memory_runs = 1 if args.quick else args.memory_runs
    results: dict = {
        "settings": {
            "runs": runs,
            "batch": batch,
            "batch_kind": args.batch_kind,
            "memory_runs": memory_runs,
            "quick": args.quick,
            "only": args.only,
            "code": f"snapshot of the working tree, digest {code_digest(ROOT)}"
            if code_dir
            else "working tree in place",
        },
        "load_before": load_average(),
        "machine": machine(),
        "figures": {},
        "notes": [],
    }
    bench = Bench(runs, batch, args.batch_kind, memory_runs, log)
    try:
        bench.setup()
        results["issues"] = {
            k: {
                "path": str(
                    v["path"].relative_to(ROOT)
                    if v["path"].is_relative_to(ROOT)
                    else f"generated: tests/stress_issue.py articles={v['articles']} seed=7"
                ),
                "pages": v["pages"],
            }
            for k, v in bench.issues.items()
        }
        steps = [
            ("ad", "(a) our build vs bare WeasyPrint, and (d) watch rebuild vs cold build", bench.figure_a_d),
            ("b", "(b) three outputs vs one", bench.figure_b),
            ("c", "(c) batch, jobs=1 vs jobs=2", bench.figure_c),
            ("e", "(e) peak memory", bench.figure_e),
        ]
        for keys, title, function in steps:
            if any(k in args.only for k in keys):
                log(title)
                t = time.perf_counter()
                value = function()
                for key, part in zip(keys, value if len(keys) > 1 else (value,)):
                    results["figures"][key] = part
                log(f"  ({time.perf_counter() - t:.0f} s)")
        if "s" in args.only:
            log("start-up of the quick commands")
            results["startup"] = bench.startup()
    finally:
        if not args.keep:
            shutil.rmtree(bench.tmp, ignore_errors=True)
        else:
            log(f"kept {bench.tmp}")
    results["elapsed_s"] = round(time.time() - started, 1)
    results["load_after"] = load_average()
    results["finished"] = time.strftime("%Y-%m-%d %H:%M %Z")

    derive(results)
    print_table(results["headline"])
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    log(
        f"\nwrote {json_path.relative_to(REPO) if json_path.is_relative_to(REPO) else json_path}"
        f" ({results['elapsed_s']:.0f} s)"
    )
    if full and not args.quick and args.json is None:
        write_markdown(results, BENCH / "RESULTS.md")
        log("wrote bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
