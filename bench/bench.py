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
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import figures_after
import measure  # bench/ is not a package: its modules are found through sys.path
from figures import Bench
from measure import BENCH, FIGURE_NAMES, REPO, machine, snapshot
from profiling import run_profile
from report import code_digest, derive, load_average, print_table, write_markdown


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
    parser.add_argument(
        "--only",
        default=",".join([*FIGURE_NAMES, "startup"]),
        help="comma-separated figures to measure (see bench/README.md); default all",
    )
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
                "code_digest": code_digest(measure.ROOT),
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
    only = set(args.only.split(","))
    unknown = only - {*FIGURE_NAMES, "startup"}
    if unknown:
        parser.error(f"unknown figure(s) {sorted(unknown)}; choose from {', '.join([*FIGURE_NAMES, 'startup'])}")
    full = only == {*FIGURE_NAMES, "startup"}

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
            "code": f"snapshot of the working tree, digest {code_digest(measure.ROOT)}"
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
                    v["path"].relative_to(measure.ROOT)
                    if v["path"].is_relative_to(measure.ROOT)
                    else f"generated: tests/support/stress_issue.py articles={v['articles']}"
                ),
                "pages": v["pages"],
            }
            for k, v in bench.issues.items()
        }
        steps = [
            (
                ("build_vs_weasyprint", "watch_vs_cold"),
                "our build vs bare WeasyPrint, and a watch rebuild vs a cold build",
                bench.build_vs_weasyprint_and_watch,
            ),
            (("three_outputs_vs_one",), "three outputs vs one", bench.three_outputs_vs_one),
            (("unchanged_vs_first",), "rebuild of an unchanged issue vs its first build", bench.unchanged_vs_first),
            (("batch_speedup",), "batch, jobs=1 vs jobs=2", bench.batch_speedup),
            (("peak_memory",), "peak memory", bench.peak_memory),
            (("large_vs_small", "large_peak_memory"), "400 articles vs 40", bench.large_vs_small),
            (("catalogue_scale",), "the web archive of 300 issues", lambda: figures_after.catalogue_scale(bench)),
            (("volume_memory",), "a bound volume of 12 issues", lambda: figures_after.volume_memory(bench)),
            (("addressed_copies",), "addressed copies", lambda: figures_after.addressed_copies(bench)),
        ]
        for keys, title, function in steps:
            if only & set(keys):
                log(title)
                t = time.perf_counter()
                value = function()
                for key, part in zip(keys, value if len(keys) > 1 else (value,), strict=True):
                    results["figures"][key] = part
                log(f"  ({time.perf_counter() - t:.0f} s)")
        if "startup" in only:
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
