"""build's options that change what is checked or said: --strict, --email-budget, -v, both ways."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from support.bad_inputs import MINIMAL

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def minimal(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "src")
    return tmp_path / "src" / "2025-11"


@pytest.fixture
def sloppy_css(minimal):
    """The minimal issue with a house style holding a CSS typo: WeasyPrint warns and goes on."""
    own = minimal.parent / "own"
    own.mkdir()
    (own / "style.css").write_text("body { colr: red; }\n", encoding="utf-8")
    publication = minimal.parent / "newsletter.yaml"
    publication.write_text(publication.read_text() + "layout_dir: own\n", encoding="utf-8")
    return minimal


@pytest.mark.weasyprint_may_warn
def test_a_css_typo_is_a_warning_without_strict_and_an_error_with_it(sloppy_css, tmp_path):
    out = tmp_path / "out"
    relaxed = invoke("build", sloppy_css, "-o", out, "-p", "email")
    assert relaxed.exit_code == 0, relaxed.output
    assert "warning: email:" in relaxed.output and "colr" in relaxed.output
    assert (out / "the-test-bulletin-2025-11-email.pdf").is_file()

    strict_out = tmp_path / "strict"
    strict = invoke("build", sloppy_css, "-o", strict_out, "-p", "email", "--strict")
    assert strict.exit_code == 1, strict.output
    assert "WeasyPrint warned (--strict); nothing was written" in strict.output and "colr" in strict.output
    assert not strict_out.exists() or list(strict_out.iterdir()) == []


def test_strict_passes_a_clean_issue_whose_layout_lint_is_ok(minimal, tmp_path):
    result = invoke(
        "build", minimal, "-o", tmp_path / "out", "-p", "email", "--strict", "--report", tmp_path / "r.json"
    )
    assert result.exit_code == 0, result.output
    (report,) = json.loads((tmp_path / "r.json").read_text())["outputs"]
    assert report["findings"] == [] and report["warnings"] == []


def test_email_budget_warns_over_it_and_not_under_it(minimal, tmp_path):
    tight = invoke(
        "build",
        minimal,
        "-o",
        tmp_path / "a",
        "-p",
        "email",
        "--email-budget",
        "0.001",
        "--report",
        tmp_path / "a.json",
    )
    assert tight.exit_code == 0, tight.output  # a warning, not a failure
    assert "warning: email:" in tight.output and "over the email budget" in tight.output
    (report,) = json.loads((tmp_path / "a.json").read_text())["outputs"]
    assert any("over the email budget" in w for w in report["warnings"])

    roomy = invoke("build", minimal, "-o", tmp_path / "b", "-p", "email", "--email-budget", "1")
    assert roomy.exit_code == 0 and "email budget" not in roomy.output, roomy.output


def test_verbose_says_what_was_read_and_asked_of_weasyprint(minimal, tmp_path):
    plain = invoke("build", minimal, "-o", tmp_path / "a", "-p", "email")
    verbose = invoke("build", minimal, "-o", tmp_path / "b", "-p", "email", "-v")
    assert verbose.exit_code == 0, verbose.output
    for detail in (
        "read 3 files",
        "email: PDF/UA-1 for screens",
        "WeasyPrint options",
        "s  Loaded and checked the issue files",
    ):
        assert detail in verbose.output
        assert detail not in plain.output


def test_a_footer_only_page_is_shown_in_the_preflight_table_and_the_report(minimal, tmp_path):
    own = minimal.parent / "own"
    own.mkdir()
    # A house style that pushes an empty block onto a page of its own: only the footer is drawn there.
    (own / "style.css").write_text("body::after { content: ''; display: block; height: 1px; break-before: page; }\n")
    publication = minimal.parent / "newsletter.yaml"
    publication.write_text(publication.read_text() + "layout_dir: own\n")
    result = invoke("build", minimal, "-o", tmp_path / "out", "-p", "email", "--report", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    assert "Layout lint" in result.output and "1 finding" in result.output
    assert "warning: email: layout: page 2: the page is blank apart from its running elements" in result.output
    (report,) = json.loads((tmp_path / "r.json").read_text())["outputs"]
    assert [(f["check"], f["page"]) for f in report["findings"]] == [("blank_page", 2)]
