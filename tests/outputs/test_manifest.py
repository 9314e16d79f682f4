"""outputs/manifest.py: an unchanged issue answers "up to date" without typesetting; any change rebuilds."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from newsletter_pdf.pipeline import build
from support.bad_inputs import MINIMAL
from support.paths import ROOT


@pytest.fixture
def built(tmp_path):
    """The minimal issue built once (email only: one pass, quick)."""
    shutil.copytree(MINIMAL, tmp_path / "src")
    issue, out = tmp_path / "src" / "2025-11", tmp_path / "out"
    first = build(issue, out, profiles=["email"])
    return issue, out, first


def _stamp(result):
    return [(o.path.stat().st_mtime_ns, o.path.read_bytes()) for o in result.outputs]


def test_an_unchanged_issue_is_up_to_date_and_nothing_is_written(built):
    issue, out, first = built
    before = _stamp(first)
    again = build(issue, out, profiles=["email"])
    assert again.up_to_date and not first.up_to_date
    assert _stamp(again) == before
    assert [o.path for o in again.outputs] == [o.path for o in first.outputs]
    assert again.outputs[0].pages == first.outputs[0].pages
    assert again.outputs[0].recorded_report["pages"] == first.outputs[0].report.pages


@pytest.mark.parametrize(
    "change",
    ["edit an article", "edit the publication", "delete the output", "spoil the output", "other outputs", "force"],
)
def test_any_change_builds_again(built, change):
    issue, out, first = built
    options = {"profiles": ["email"]}
    if change == "edit an article":
        article = next((issue / "articles").glob("*.md"))
        article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    elif change == "edit the publication":
        publication = issue.parent / "newsletter.yaml"
        publication.write_text(publication.read_text(encoding="utf-8").replace("We test things.", "We test."))
    elif change == "delete the output":
        first.outputs[0].path.unlink()
    elif change == "spoil the output":
        first.outputs[0].path.write_bytes(b"%PDF-1.7 not what was built")
    elif change == "other outputs":
        options = {"profiles": ["email", "archive"]}
    elif change == "force":
        options["force"] = True
    again = build(issue, out, **options)
    assert not again.up_to_date
    assert again.outputs[0].path.read_bytes()[:5] == b"%PDF-"


def test_an_image_change_builds_again(built):
    issue, out, _ = built
    image = next((issue / "images").iterdir())
    data = bytearray(image.read_bytes())
    image.write_bytes(bytes(data) + b"\0")  # trailing bytes: still a valid image, another file
    assert not build(issue, out, profiles=["email"]).up_to_date


def test_an_up_to_date_build_never_imports_weasyprint(built):
    issue, out, _ = built
    code = (
        "import sys; from typer.testing import CliRunner; from newsletter_pdf.cli.app import app; "
        f"r = CliRunner().invoke(app, ['build', {str(issue)!r}, '-o', {str(out)!r}, '-p', 'email']); "
        "assert r.exit_code == 0, r.output; assert 'Up to date' in r.output, r.output; "
        "assert 'weasyprint' not in sys.modules and 'jinja2' not in sys.modules, 'imported the typesetter'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_the_report_of_an_up_to_date_build_is_the_recorded_one(built, tmp_path):
    import json

    from typer.testing import CliRunner

    from newsletter_pdf.cli.app import app

    issue, out, first = built
    report = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["build", str(issue), "-o", str(out), "-p", "email", "--report", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["up_to_date"] is True
    assert data["outputs"][0]["pages"] == first.outputs[0].report.pages
    assert data["outputs"][0]["variant"] == first.outputs[0].report.variant
