"""The HTML each layout makes, against reviewed golden files (tests/testdata/golden)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsletter_pdf.pipeline import prepare
from newsletter_pdf.render.html import display_url
from newsletter_pdf.render.layouts import available
from support.bad_inputs import MINIMAL
from support.paths import GOLDEN, ROOT, SAMPLE_ISSUE

INPUTS = {"minimal": MINIMAL / "2025-11", "sample": SAMPLE_ISSUE}


def normalised(html: str, issue: Path) -> str:
    """Machine-independent: the checkout's and the issue's paths become placeholders."""
    html = html.replace(Path(issue).resolve().parent.as_uri(), "file://ISSUES")
    html = html.replace(str(Path(issue).resolve().parent), "ISSUES")
    html = html.replace(ROOT.as_uri(), "file://ROOT")
    html = re.sub(r'content="newsletter-pdf [^"]+"', 'content="newsletter-pdf VERSION"', html)
    # The markup only: the stylesheet is the look, which the PNG goldens and the PDF checks cover,
    # so a CSS edit does not rewrite two golden HTML files per layout.
    return re.sub(r"<style>.*?</style>", "<style>STYLESHEET</style>", html, flags=re.S)


@pytest.mark.parametrize("layout", sorted(available()))
@pytest.mark.parametrize("which", sorted(INPUTS))
def test_html_matches_the_reviewed_golden_file(request, layout, which):
    _, _, html = prepare(INPUTS[which], layout)
    html = normalised(html, INPUTS[which])
    golden = GOLDEN / f"{layout}-{which}.html"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run pytest --update-golden and review it"
    assert html == golden.read_text(encoding="utf-8"), f"{golden.name} differs: review, then pytest --update-golden"


def test_contents_entries_link_to_the_articles():
    _, _, html = prepare(SAMPLE_ISSUE)
    targets = re.findall(r'<li><a href="#(article-\d+)">', html)
    ids = re.findall(r'<article class="article[^"]*" id="(article-\d+)"', html)
    assert targets == ids and len(ids) == 11


def test_document_language_title_and_author():
    _, _, html = prepare(SAMPLE_ISSUE)
    assert '<html lang="en-GB">' in html
    assert "<title>The Millbrook Post — November 2025, Vol. 4 No. 23</title>" in html
    assert '<meta name="author" content="The Millbrook Post">' in html


def test_fields_are_escaped(tmp_path):
    import shutil

    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    issue_yaml = tmp_path / "2025-11" / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("A. Writer", '"<b>A</b> & </style>"'))
    _, _, html = prepare(tmp_path / "2025-11")
    assert "By &lt;b&gt;A&lt;/b&gt; &amp; &lt;/style&gt;" in html


def test_display_url_reads_like_print():
    assert display_url("https://example.org/") == "example.org"
    assert display_url("https://example.org/a/b/?x=1") == "example.org/a/b?x=1"
