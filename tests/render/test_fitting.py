"""Page-count fitting and automatic jumps, on small issues (each layout costs a WeasyPrint pass)."""

from __future__ import annotations

import re
import shutil

import pypdf
import pytest

from newsletter_pdf.pipeline import build
from support import pdfcheck
from support.bad_inputs import MINIMAL
from support.paths import ROOT


@pytest.fixture
def minimal(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "src")
    return tmp_path / "src" / "2025-11"


def _set(issue_dir, old, new):
    path = issue_dir / "issue.yaml"
    path.write_text(path.read_text().replace(old, new, 1))


def test_a_short_issue_is_filled_with_leading_and_a_notes_box(minimal, tmp_path):
    _set(minimal, "volume: 1", "pages: 1\nvolume: 1")
    result = build(minimal, tmp_path / "out", profiles=["email"])
    report = result.fits["screen"]
    assert report.reached and report.fit.notes_lines >= 3
    assert "was under by" in report.message
    assert "NOTES" in pypdf.PdfReader(result.pdf).pages[0].extract_text()
    assert pdfcheck.overlapping_words(result.pdf) == []


def test_an_issue_too_long_for_its_pages_says_by_how_many_lines(minimal, tmp_path):
    long_text = "\n\n".join(["A paragraph of news about the street, the hall and the river."] * 60)
    _set(minimal, "      The first paragraph.\n", "      " + long_text.replace("\n", "\n      ") + "\n")
    _set(minimal, "volume: 1", "pages: 1\nvolume: 1")
    result = build(minimal, tmp_path / "out", profiles=["email"])
    report = result.fits["screen"]
    assert not report.reached
    assert re.match(r"over by \d+ lines: \d pages even with the layout's tightest leading", report.message)
    assert any("page count: over by" in w for w in result.outputs[0].report.warnings)


def test_an_issue_that_fits_is_left_alone(minimal, tmp_path):
    long_text = "\n\n".join(["A paragraph of news about the street, the hall and the river."] * 30)
    _set(minimal, "      The first paragraph.\n", "      " + long_text.replace("\n", "\n      ") + "\n")
    _set(minimal, "volume: 1", "pages: 2\nvolume: 1")
    result = build(minimal, tmp_path / "out", profiles=["email"])
    assert result.fits["screen"].reached
    assert result.pages == 2


def test_the_layout_jumps_a_front_page_article_that_runs_on(tmp_path):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    (tmp_path / "issues" / "house").mkdir()
    (tmp_path / "issues" / "house" / "layout.yaml").write_text("jump: {front_page: true, min_lines: 8}\n")
    publication = tmp_path / "issues" / "newsletter.yaml"
    publication.write_text(publication.read_text() + "layout_dir: house\n")
    result = build(tmp_path / "issues" / "2025-11", tmp_path / "out", profiles=["email"])
    pages = [page.extract_text() for page in pypdf.PdfReader(result.pdf).pages]
    jump = re.search(r"Continued on page (\d+)", pages[0])
    assert jump, "the front-page article that ran on has no jump line"
    target = int(jump.group(1))
    assert re.search(r"Continued from page 1\b", pages[target - 1])
    assert pdfcheck.contents_mismatches(result.pdf) == []
    assert pdfcheck.overlapping_words(result.pdf) == []
