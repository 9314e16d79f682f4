"""Page-count fitting and automatic jumps, on small issues (each layout costs a WeasyPrint pass)."""

from __future__ import annotations

import re
import shutil

import pypdf
import pytest

from newsletter_pdf.errors import UserError
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


def test_a_short_print_issue_is_filled_with_a_notes_box(minimal, tmp_path):
    _set(minimal, "volume: 1", "pages: 1\nvolume: 1")
    result = build(minimal, tmp_path / "out", profiles=["print"])
    report = result.fits["print"]
    assert report.reached and report.fit.notes_lines >= 3
    assert "was under by" in report.message
    assert "NOTES" in pypdf.PdfReader(result.output("print").path).pages[0].extract_text()
    assert pdfcheck.overlapping_words(result.output("print").path) == []


def test_a_short_email_issue_gets_no_notes_box_but_the_about_box_at_the_foot(minimal, tmp_path):
    _set(minimal, "volume: 1", "pages: 1\nvolume: 1")
    result = build(minimal, tmp_path / "out", profiles=["email"])
    report = result.fits["screen"]
    assert report.reached and report.fit.notes_lines == 0 and report.fit.closing_drop > 0
    assert "NOTES" not in pypdf.PdfReader(result.pdf).pages[0].extract_text()
    import pdfplumber

    with pdfplumber.open(result.pdf) as pdf:
        page = pdf.pages[0]
        about = next(w for w in page.extract_words() if w["text"] == "About")
        assert about["top"] > page.height * 0.6, "the About box should sit low on the page"


def _long_minimal(minimal, paragraphs: int, pages: int) -> None:
    text = "\n\n".join(
        ["A paragraph of news about the street, the hall and the river, with a little more said about the weather."]
        * paragraphs
    )
    _set(minimal, "      The first paragraph.\n", "      " + text.replace("\n", "\n      ") + "\n")
    _set(minimal, "volume: 1", f"pages: {pages}\nvolume: 1")


def test_pages_4_gives_exactly_4_pages_in_email_and_print_for_a_3_page_issue(minimal, tmp_path):
    _long_minimal(minimal, 95, 3)
    assert build(minimal, tmp_path / "three", profiles=["email"]).pages == 3
    _set(minimal, "pages: 3", "pages: 4")
    result = build(minimal, tmp_path / "out", profiles=["email", "print"])
    assert {o.profile.name: o.pages for o in result.outputs} == {"email": 4, "print": 4}
    assert "About" in pypdf.PdfReader(result.pdf).pages[3].extract_text()
    assert result.warnings == []


def test_an_issue_too_long_for_its_pages_stops_and_says_by_how_many_lines(minimal, tmp_path):
    long_text = "\n\n".join(["A paragraph of news about the street, the hall and the river."] * 60)
    _set(minimal, "      The first paragraph.\n", "      " + long_text.replace("\n", "\n      ") + "\n")
    _set(minimal, "volume: 1", "pages: 1\nvolume: 1")
    with pytest.raises(UserError) as caught:
        build(minimal, tmp_path / "out", profiles=["email"])
    message = str(caught.value)
    assert re.search(r"pages: 1 cannot be met .*over by \d+ lines: \d pages even with the layout's tightest", message)
    assert "the longest articles are 'First article'" in message
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


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
    issue_yaml = tmp_path / "issues" / "2025-11" / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("pages: 4\n", ""))  # the jump, not the page count
    publication = tmp_path / "issues" / "newsletter.yaml"
    publication.write_text(publication.read_text() + "layout_dir: house\n")
    # The long history article leads, with no jump_after of its own: the layout must jump it.
    long = tmp_path / "issues" / "2025-11" / "articles" / "06-tanners-row.md"
    more = "\n\nThe row's story goes on, street by street and year by year, in the group's notes." * 12
    long.write_text(long.read_text().replace("jump_after: 3\n", "lead: true\n") + more)
    result = build(tmp_path / "issues" / "2025-11", tmp_path / "out", profiles=["email"])
    pages = [page.extract_text() for page in pypdf.PdfReader(result.pdf).pages]
    jump = re.search(r"Continued on page (\d+)", pages[0])
    assert jump, "the front-page article that ran on has no jump line"
    target = int(jump.group(1))
    assert re.search(r"Continued from page 1\b", pages[target - 1])
    assert pdfcheck.contents_mismatches(result.pdf) == []
    assert pdfcheck.overlapping_words(result.pdf) == []
