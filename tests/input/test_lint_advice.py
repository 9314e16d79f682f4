"""Every advice rule of `check`, on both sides of its line: just inside gives no advice, just over gives it."""

from __future__ import annotations

import math
import shutil

import pytest
from PIL import Image

from newsletter_pdf.input.lint import column_width_mm
from newsletter_pdf.limits import PRINT_MIN_DPI
from newsletter_pdf.pipeline import check
from support.bad_inputs import MINIMAL


@pytest.fixture
def issue(tmp_path):
    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    return tmp_path / "2025-11"


def _advice(issue) -> list[str]:
    return [str(problem) for problem in check(issue).advice]


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def _picture(issue, width: int) -> None:
    Image.new("RGB", (width, max(1, width * 2 // 3)), (60, 90, 120)).save(issue / "images" / "dot.png")


def test_the_minimal_issue_gets_no_advice_once_its_picture_is_large_enough(issue):
    _picture(issue, 2000)
    assert _advice(issue) == []


def test_low_dpi_advice_starts_one_pixel_under_300_dpi(issue):
    result = check(issue)
    need = math.ceil(PRINT_MIN_DPI * column_width_mm(result.newsletter, result.layout) / 25.4)
    _picture(issue, need)
    assert not any("dpi" in a for a in _advice(issue))
    _picture(issue, need - 1)
    (advice,) = [a for a in _advice(issue) if "dpi" in a]
    assert "dot.png prints at 300 dpi" not in advice and f"at least {need} px wide" in advice


def test_missing_alt_text_is_advised(issue):
    _picture(issue, 2000)
    second = issue / "articles" / "second.md"
    assert not any("alt text" in a for a in _advice(issue))
    _edit(second, "  alt: A small dot\n", "")
    assert any("the picture dot.png has no alt text" in a for a in _advice(issue))


def test_a_contents_line_of_exactly_the_maximum_passes_and_one_more_is_advised(issue):
    _picture(issue, 2000)
    limit = check(issue).layout.contents_line_max
    issue_yaml = issue / "issue.yaml"
    _edit(issue_yaml, "title: First article", "title: " + "x" * limit)
    assert _advice(issue) == []
    _edit(issue_yaml, "title: " + "x" * limit, "title: " + "x" * (limit + 1))
    (advice,) = _advice(issue)
    assert f"this line is {limit + 1} characters, too long for the contents box (at most {limit})" in advice
    assert "issue.yaml:" in advice and "articles[0].title" in advice


def test_an_article_without_text_is_advised(issue):
    _picture(issue, 2000)
    _edit(issue / "articles" / "second.md", "The second article's body.\n", "\n")
    (advice,) = _advice(issue)
    assert "the article 'Second article' has no text" in advice


def test_an_http_source_is_advised_and_https_is_not(issue):
    _picture(issue, 2000)
    issue_yaml = issue / "issue.yaml"
    _edit(issue_yaml, "    author: A. Writer\n", "    author: A. Writer\n    source: https://example.org/a\n")
    assert _advice(issue) == []
    _edit(issue_yaml, "https://example.org/a", "http://example.org/a")
    (advice,) = _advice(issue)
    assert "uses http://; use https://" in advice and "articles[0].source" in advice
