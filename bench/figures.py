"""The figures: each method measures one comparison, named for what it measures."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import measure
from measure import (
    BARE_WEASYPRINT,
    BATCH,
    BIG_ARTICLES,
    BIG_PAGES,
    EMAIL_RENDER,
    EMAIL_WRITE,
    FIT_CACHE_ENV,
    MODULES_AFTER,
    PY,
    Failed,
    WordEdit,
    cli_command,
    compare,
    copy_issue,
    free_cores,
    ratio_of,
    run_process,
    same_output,
    summary,
    timed,
)

SMALL_ARTICLES = 6  # about 3 pages of the generated issue, without pictures
SCALE_ARTICLES = (40, 400)


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

        sys.path.insert(0, str(measure.ROOT / "tests"))
        import newsletter_pdf
        from support.stress_issue import write_stress_issue

        if not Path(newsletter_pdf.__file__).resolve().is_relative_to(measure.ROOT.resolve()):
            raise Failed(f"newsletter_pdf was imported from {newsletter_pdf.__file__}, not from {measure.ROOT}")
        self.log("Setting up: building the sample and generating the ~24-page issue")
        result = build(measure.SAMPLE, self.out("html-sample"), profiles=["email"], write_html=True)
        self.issues["sample"] = {
            "path": measure.SAMPLE,
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
        # The issue the speed issue names: about 3 pages, no pictures (one output ÷ bare WeasyPrint).
        small = write_stress_issue(self.tmp / "small", articles=SMALL_ARTICLES, seed=3, with_images=False)
        result = build(small, self.out("html-small"), profiles=["email"], write_html=True)
        self.issues = {
            "small": {
                "path": small,
                "pages": result.pages,
                "html": result.html,
                "articles": SMALL_ARTICLES,
                "fitted": bool(result.fits),
                "pdf": result.pdf,
            },
            **self.issues,
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
    def build_vs_weasyprint_and_watch(self) -> tuple[dict, dict]:
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
                        [PY, "-m", "newsletter_pdf", "build", path, "-p", "email", "-o", ours_out, "--force"]
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
                return timed(lambda: build(path, warm_out, profiles=["email"], force=True))  # not "up to date"

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
    def three_outputs_vs_one(self) -> dict:
        from newsletter_pdf.pipeline import build

        results = {}
        for name, issue in self.issues.items():
            path = issue["path"]
            three_out, one_out = self.out(f"b-{name}-three"), self.out(f"b-{name}-one")
            steps: dict[str, list] = {}

            def three():
                holder = {}
                seconds = timed(lambda: holder.setdefault("r", build(path, three_out, force=True)))
                for step in holder["r"].steps:
                    steps.setdefault(re.sub(r" \(\d+ pages?\)", "", step.name), []).append(step.seconds)
                return seconds

            def one():
                return timed(lambda: build(path, one_out, profiles=["email"], force=True))  # (not "up to date")

            three()  # untimed warm-up (print pass, CMYK profile)
            steps.clear()
            self.log(f"  (b) {name}: build() of print+email+archive vs email only, in this process")
            result = compare(self.runs, three, one, "3 vs 1", self.log)
            result["steps_of_three_median_s"] = {k: round(statistics.median(v), 3) for k, v in steps.items()}
            results[name] = result
        return results

    # (c) 24 issues with jobs=1 against jobs=2
    def batch_speedup(self) -> dict:
        sys.path.insert(0, str(measure.ROOT / "tests"))
        from newsletter_pdf.pipeline import check
        from support.stress_issue import write_stress_issue

        root = self.tmp / "batch"
        dirs = []
        for i in range(self.batch):
            month = f"{2024 + i // 12}-{1 + i % 12:02d}"
            if self.batch_kind == "sample":
                dirs.append(copy_issue(measure.SAMPLE, root, month))
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
    def peak_memory(self) -> dict:
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
        copy_issue(measure.SAMPLE, new_root)
        sample = str(measure.SAMPLE)
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

    # unchanged_vs_first: `build` again with nothing changed (the manifest answers "up to date")
    # ÷ the first build into an empty folder; all three outputs, each a cold process.
    def unchanged_vs_first(self) -> dict:
        results = {}
        for name, issue in self.issues.items():
            first_times, again_times = [], []
            self.log(f"  unchanged ÷ first, {name}: `build` into an empty folder, then `build` again")
            for i in range(self.runs):
                out = self.out(f"unchanged-{name}-{i}")
                command = [PY, "-m", "newsletter_pdf", "build", str(issue["path"]), "-o", str(out), "-q"]
                first_times.append(run_process(command, env={FIT_CACHE_ENV: "off"})[0])
                again_times.append(run_process(command, env={FIT_CACHE_ENV: "off"})[0])
                self.log(f"    run {i + 1}/{self.runs}: first {first_times[-1]:.3f} s, again {again_times[-1]:.3f} s")
            results[name] = ratio_of(again_times, first_times)
        return results

    # large_vs_small: a cold build (email) of a 400-article issue ÷ one of 40 articles, and the
    # 400-article build's peak memory.
    def large_vs_small(self) -> tuple[dict, dict]:
        sys.path.insert(0, str(measure.ROOT / "tests"))
        from support.stress_issue import write_stress_issue

        issues = {
            count: write_stress_issue(self.tmp / f"scale-{count}", articles=count, seed=11, with_images=False)
            for count in SCALE_ARTICLES
        }
        small, large = SCALE_ARTICLES
        times: dict[int, list[float]] = {small: [], large: []}
        peaks: list[float] = []
        pages: dict[str, int] = {}
        runs = max(1, min(self.runs, 3))  # a 400-article build takes a minute or more
        for i in range(runs):
            for count in (large, small):
                out = self.out(f"scale-{count}-{i}")
                command = [PY, "-m", "newsletter_pdf", "build", str(issues[count]), "-o", str(out), "-p", "email"]
                seconds, peak, _ = run_process(
                    [*command, "--report", str(out / "report.json")], env={FIT_CACHE_ENV: "off"}
                )
                times[count].append(seconds)
                report = json.loads((out / "report.json").read_text(encoding="utf-8"))
                pages["large" if count == large else "small"] = report["outputs"][0]["pages"]
                if count == large:
                    peaks.append(peak)
            self.log(
                f"    run {i + 1}/{runs}: {large} articles {times[large][-1]:.1f} s, {small} {times[small][-1]:.1f} s"
            )
        ratio = ratio_of(times[large], times[small])
        ratio["pages"] = pages
        memory = {"peak_mb": summary(peaks, 1), "pages": pages["large"]}
        return ratio, memory
