"""The figures of what happens after a build: the back-issue archive at scale, bound volumes, addressed copies.

Each takes the Bench (for its temporary folder, runs and log) and returns what results.json keeps.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import statistics
from pathlib import Path

import measure
from measure import FIT_CACHE_ENV, PY, run_process, summary

ARCHIVE_ISSUES = 300
VOLUME_ISSUES = 12
MEMBERS = (200, 2000)  # the issue's target is for 200; 2000 shows how it grows


def _minimal_publication(bench, name: str) -> Path:
    """A copy of the tests' minimal issue (one page), its own publication."""
    root = bench.tmp / name
    shutil.copytree(measure.ROOT / "tests" / "testdata" / "minimal", root)
    return root


def _archive_of(bench, issues: int) -> Path:
    """An archive of `issues` published copies: one real publish, then copies of its PDF told apart by a
    trailing comment (another SHA-256 each) with their records, as many months as asked for."""
    root = _minimal_publication(bench, f"archive-{issues}")
    run_process(
        [PY, "-m", "newsletter_pdf", "publish", str(root / "2025-11"), "--archive", str(root / "archive"), "-q"]
    )
    folder = root / "archive"
    record_file = next(folder.glob("*.json"))
    record = json.loads(record_file.read_text(encoding="utf-8"))
    pdf = (folder / record["file"]).read_bytes()
    record_file.unlink()
    (folder / record["file"]).unlink()
    (folder / (record["file"] + ".sha256")).unlink()
    import hashlib

    for index in range(issues):
        year, month = 2000 + index // 12, 1 + index % 12
        date = f"{year}-{month:02d}"
        data = pdf + f"%copy {index}\n".encode()
        name = f"{record['slug']}-{date}-archive.pdf"
        (folder / name).write_bytes(data)
        copy = {
            **record,
            "date": date,
            "volume": 1 + index // 12,
            "number": 1 + index % 12,
            "file": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "published_at": f"{date}-01",
            "title": f"{record['name']} — {date}",
        }
        (folder / f"{record['slug']}-{date}-archive.json").write_text(json.dumps(copy), encoding="utf-8")
    return folder


def catalogue_scale(bench) -> dict:
    """`catalogue` of a 300-issue archive, cold, then again with nothing new (each a new process)."""
    folder = _archive_of(bench, ARCHIVE_ISSUES)
    first, peak, _ = run_process([PY, "-m", "newsletter_pdf", "catalogue", str(folder), "-q"])
    again = [run_process([PY, "-m", "newsletter_pdf", "catalogue", str(folder), "-q"])[0] for _ in range(bench.runs)]
    bench.log(f"  catalogue of {ARCHIVE_ISSUES} issues: {first:.1f} s cold; again {statistics.median(again):.2f} s")
    return {
        "issues": ARCHIVE_ISSUES,
        "first_seconds": round(first, 2),
        "peak_mb": round(peak, 1),
        "again_seconds": summary(again),
    }


def volume_memory(bench) -> dict:
    """Peak memory of `volume` binding 12 issues, beside that of one build of the sample (three outputs)."""
    folder = _archive_of(bench, VOLUME_ISSUES)
    volumes, builds = [], []
    for i in range(max(1, min(bench.runs, 3))):
        volumes.append(
            run_process(
                [
                    PY,
                    "-m",
                    "newsletter_pdf",
                    "volume",
                    str(folder),
                    "--year",
                    "2000",
                    "-o",
                    str(bench.out(f"volume-{i}")),
                    "-q",
                ]
            )[1]
        )
        builds.append(
            run_process(
                [
                    PY,
                    "-m",
                    "newsletter_pdf",
                    "build",
                    str(measure.SAMPLE),
                    "-o",
                    str(bench.out(f"volume-build-{i}")),
                    "--force",
                    "-q",
                ],
                env={FIT_CACHE_ENV: "off"},
            )[1]
        )
    ratio = statistics.median(v / b for v, b in zip(volumes, builds, strict=True))
    bench.log(
        f"  volume of {VOLUME_ISSUES} issues: {statistics.median(volumes):.0f} MB; one build "
        f"{statistics.median(builds):.0f} MB (ratio {ratio:.2f})"
    )
    return {
        "issues": VOLUME_ISSUES,
        "ratio": round(ratio, 3),
        "volume_peak_mb": summary(volumes, 1),
        "build_peak_mb": summary(builds, 1),
    }


def addressed_copies(bench) -> dict:
    """`address` with 200 and 2000 members ÷ one print build of the same issue: time and peak memory."""
    root = _minimal_publication(bench, "self-mailer")
    publication = root / "newsletter.yaml"
    publication.write_text(
        publication.read_text(encoding="utf-8") + "print:\n  mailing_panel: true\n", encoding="utf-8"
    )
    rng = random.Random(5)
    results = {}
    for count in MEMBERS:
        members = root / f"members-{count}.csv"
        with members.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["name", "address1", "city", "postcode"])
            for i in range(count):
                writer.writerow(
                    [
                        f"Member {i:04d}",
                        f"{rng.randint(1, 200)} Mill Road",
                        "Millbrook",
                        f"{rng.choice(['MB', 'HW', 'AB'])}{rng.randint(1, 20)} {rng.randint(1, 9)}AB",
                    ]
                )
        copies, builds, peaks = [], [], []
        for i in range(max(1, min(bench.runs, 3))):
            seconds, peak, _ = run_process(
                [
                    PY,
                    "-m",
                    "newsletter_pdf",
                    "address",
                    str(root / "2025-11"),
                    str(members),
                    "-o",
                    str(bench.out(f"address-{count}-{i}")),
                    "-q",
                ],
                env={FIT_CACHE_ENV: "off"},
            )
            copies.append(seconds)
            peaks.append(peak)
            builds.append(
                run_process(
                    [
                        PY,
                        "-m",
                        "newsletter_pdf",
                        "build",
                        str(root / "2025-11"),
                        "-p",
                        "print",
                        "-o",
                        str(bench.out(f"address-build-{count}-{i}")),
                        "--force",
                        "-q",
                    ],
                    env={FIT_CACHE_ENV: "off"},
                )[0]
            )
        ratio = statistics.median(c / b for c, b in zip(copies, builds, strict=True))
        bench.log(
            f"  {count} addressed copies: {statistics.median(copies):.1f} s, {statistics.median(peaks):.0f} MB; "
            f"one print build {statistics.median(builds):.1f} s (ratio {ratio:.2f})"
        )
        results[str(count)] = {
            "ratio": round(ratio, 3),
            "seconds": summary(copies),
            "build_seconds": summary(builds),
            "peak_mb": summary(peaks, 1),
        }
    return results
