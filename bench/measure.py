"""Measuring: cold processes with their peak memory, interleaved A/B ratios, the machine, test issues."""

from __future__ import annotations

import gc
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
SNAPSHOT_PARTS = [
    "newsletter_pdf",
    "layouts",
    "fonts",
    "issues",
    "tests/support",
    "tests/testdata/minimal",
    "pyproject.toml",
]


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

# Each figure by what it measures, with its target (issues 6 and 19).
TARGETS = {
    "build_vs_weasyprint": ("<=", 1.10),  # one output of ours ÷ bare WeasyPrint on the same HTML
    "three_outputs_vs_one": ("<=", 1.35),  # print + email + archive ÷ email alone, wall time
    "batch_speedup": (">=", 1.7),  # a batch with jobs=1 ÷ jobs=2
    "watch_vs_cold": ("<=", 0.5),  # a watch rebuild after a one-word edit ÷ a cold build
    "peak_memory": ("<=", 300.0),  # MB, a cold build of all three outputs
    "unchanged_vs_first": ("<=", 0.2),  # rebuilding an unchanged issue ÷ its first build
    "large_vs_small": ("<=", 12.0),  # a 400-article issue ÷ a 40-article issue
    "large_peak_memory": ("<=", 700.0),  # MB, the 400-article issue
    "catalogue_scale": ("<=", 10.0),  # s, cataloguing a 300-issue archive again with nothing new
    "volume_memory": ("<=", 1.0),  # peak memory of binding 12 issues ÷ that of one build
    "addressed_copies": ("<=", 3.0),  # 200 addressed copies ÷ one print build, wall time
    "startup": ("<", 0.5),
}
FIGURE_NAMES = [k for k in TARGETS if k != "startup"]

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
    unit = {
        "peak_memory": " MB",
        "large_peak_memory": " MB",
        "startup": " s",
        "batch_speedup": "×",
        "catalogue_scale": " s",
    }.get(key, "")
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
