"""Reporting: the headline rows, the console table and bench/RESULTS.md."""

from __future__ import annotations

import hashlib
import statistics
from pathlib import Path

from measure import SNAPSHOT_PARTS, met, target_text


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

    names = [n for n in ("small", "sample", "generated") if n in results["issues"]]
    if "build_vs_weasyprint" in f:
        what = {
            "cold": "our build (email) ÷ bare WeasyPrint, cold",
            "first": "our first build (no fit cache) ÷ bare, cold",
            "warm": "our build (email) ÷ bare WeasyPrint, warm",
        }
        for name in names:
            for mode in ("cold", "first", "warm"):
                r = f["build_vs_weasyprint"][mode][name]
                row(
                    f"build ÷ WeasyPrint, {mode}",
                    label(name),
                    what[mode],
                    r["ratio"],
                    "build_vs_weasyprint",
                    r["a_seconds"]["median"],
                    r["b_seconds"]["median"],
                )
    if "three_outputs_vs_one" in f:
        for name in names:
            r = f["three_outputs_vs_one"][name]
            row(
                "3 outputs ÷ 1",
                label(name),
                "3 outputs ÷ 1 output, warm",
                r["ratio"],
                "three_outputs_vs_one",
                r["a_seconds"]["median"],
                r["b_seconds"]["median"],
            )
    if "batch_speedup" in f:
        r = f["batch_speedup"]
        issues = (
            f"{r['issues']} sample copies"
            if "sample" in r["kind"]
            else f"{r['issues']} small ({r['pages_in_batch']} p)"
        )
        row(
            "batch speed-up",
            issues,
            "jobs=1 ÷ jobs=2 (speed-up)",
            r["speedup"],
            "batch_speedup",
            r["build_many_seconds"]["jobs1"]["median"],
            r["build_many_seconds"]["jobs2"]["median"],
        )
        row(
            "batch: free cores",
            issues,
            "free cores beside the jobs=2 runs",
            r["free_cores"]["median"],
            "batch_speedup",
            target="(context)",
            judged=False,
        )
    if "watch_vs_cold" in f:
        for name in names:
            r = f["watch_vs_cold"][name]
            row(
                "watch ÷ cold",
                label(name),
                "watch rebuild ÷ cold build, after an edit",
                r["ratio"],
                "watch_vs_cold",
                r["a_seconds"]["median"],
                r["b_seconds"]["median"],
            )
    if "peak_memory" in f:
        for name in names:
            value = f["peak_memory"][name]["peak_mb"]["median"]
            row(
                "peak memory",
                label(name),
                "peak RSS, cold build of 3 outputs (MB)",
                value,
                "peak_memory",
                target=None if name == "generated" else "(context)",
                judged=name == "generated",
            )
    if "unchanged_vs_first" in f:
        for name in names:
            r = f["unchanged_vs_first"][name]
            row(
                "unchanged ÷ first",
                label(name),
                "rebuild of an unchanged issue ÷ its first build (3 outputs)",
                r["ratio"],
                "unchanged_vs_first",
                r["a_seconds"]["median"],
                r["b_seconds"]["median"],
            )
    if "large_vs_small" in f:
        r = f["large_vs_small"]
        row(
            "400 ÷ 40 articles",
            f"{r['pages']['large']} p ÷ {r['pages']['small']} p",
            "cold build (email) of 400 articles ÷ 40 articles",
            r["ratio"],
            "large_vs_small",
            r["a_seconds"]["median"],
            r["b_seconds"]["median"],
        )
    if "large_peak_memory" in f:
        row(
            "400 articles",
            f"{f['large_peak_memory']['pages']} p",
            "peak RSS, cold build (email) of 400 articles (MB)",
            f["large_peak_memory"]["peak_mb"]["median"],
            "large_peak_memory",
        )
    if "catalogue_scale" in f:
        r = f["catalogue_scale"]
        row(
            "catalogue",
            f"{r['issues']} issues",
            "`catalogue` cold (context, s)",
            r["first_seconds"],
            "catalogue_scale",
            target="(minutes)",
            judged=False,
        )
        row(
            "catalogue again",
            f"{r['issues']} issues",
            "`catalogue` with nothing new (s)",
            r["again_seconds"]["median"],
            "catalogue_scale",
        )
    if "volume_memory" in f:
        r = f["volume_memory"]
        row(
            "volume memory",
            f"{r['issues']} issues",
            "peak RSS of `volume` ÷ one build's",
            r["ratio"],
            "volume_memory",
            r["volume_peak_mb"]["median"],
            r["build_peak_mb"]["median"],
        )
    if "addressed_copies" in f:
        for count, r in f["addressed_copies"].items():
            row(
                "addressed copies",
                f"{count} members",
                "`address` ÷ one print build, wall",
                r["ratio"],
                "addressed_copies",
                r["seconds"]["median"],
                r["build_seconds"]["median"],
                target=None if count == "200" else "(context)",
                judged=count == "200",
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
    print(f"{'figure':<24}{'issue':<22}{'what':<44}{'A s':>8}{'B s':>8}{'value':>9}  {'target':<10}met")
    for r in rows:
        a = f"{r['a']:.3f}" if isinstance(r["a"], float) else ""
        b = f"{r['b']:.3f}" if isinstance(r["b"], float) else ""
        value = f"{r['value']:.3f}" if isinstance(r["value"], float) else str(r["value"])
        status = {True: "yes", False: "NO", None: ""}[r["met"]]
        print(f"{r['figure']:<24}{r['issue']:<22}{r['what']:<44}{a:>8}{b:>8}{value:>9}  {r['target']:<10}{status}")


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
    names = [n for n in ("small", "sample", "generated") if n in results.get("issues", {})]
    for name in names:
        steps = f.get("three_outputs_vs_one", {}).get(name, {}).get("steps_of_three_median_s", {})
        if steps:
            lines.append(
                f"- Steps of a warm three-output build, {name}: "
                + "; ".join(f"{k} {v:.2f} s" for k, v in steps.items())
                + "."
            )
    for name in names:
        if "build_vs_weasyprint" not in f:
            break
        cold = f["build_vs_weasyprint"]["cold"][name]
        lines.append(
            f"- build ÷ WeasyPrint, cold, {name}: peak RSS ours {cold['peak_rss_mb']['ours']['median']} MB, "
            f"bare WeasyPrint {cold['peak_rss_mb']['weasyprint']['median']} MB; email PDF "
            f"{cold['pdf_bytes']['ours']} bytes (ours) vs {cold['pdf_bytes']['weasyprint']} (bare)."
        )
        lines.append(
            f"- Page fitting ({name}, after an edit): {f['build_vs_weasyprint']['first'][name]['page_fitting']}."
        )
    c = f.get("batch_speedup")
    if c and "speedup_per_core_obtained" in c:
        two = c["speedup_runs_with_two_free_cores"]
        lines.append(
            f"- Batch speed-up in the runs where two cores were free beside it: {two['runs']} "
            f"(median {two['median']}); speed-up per core the batch obtained: "
            f"{c['speedup_per_core_obtained']} (1.0: it scales with the cores it gets)."
        )
        lines.append(
            f"- Cores the jobs=2 batch actually got (CPU s ÷ wall s): median {c['cores_used']['jobs2']['median']}; "
            f"free cores measured beside it (two CPU-bound spinners): median {c['free_cores']['median']} "
            f"(runs {c['free_cores']['runs']}). A speed-up above the free cores is not possible."
        )
    s = results.get("startup")
    if s:
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
    if "batch_speedup" in f:
        c = f["batch_speedup"]
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
