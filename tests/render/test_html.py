"""The HTML each layout makes, against reviewed golden files (tests/testdata/golden)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsletter_pdf.pipeline import prepare
from newsletter_pdf.render.html import display_url, smart_quotes, typeset
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
    # The lead's headline (and so its anchor) is set above the columns, its text in them.
    ids = re.findall(r'<(?:article|header) class="(?:article|article-head lead-head)[^"]*" id="(article-\d+)"', html)
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


def _minimal(tmp_path, old: str, new: str) -> Path:
    import shutil

    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    issue_yaml = tmp_path / "2025-11" / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace(old, new, 1))
    return tmp_path / "2025-11"


def test_plain_fields_get_curly_quotes_like_bodies(tmp_path):
    issue = _minimal(tmp_path, "title: First article", """title: 'The "big" day at O''Brien''s'""")
    _, _, html = prepare(issue)
    assert "The “big” day at O’Brien’s" in html
    assert "O'Brien" not in html.split("<body", 1)[1]
    assert smart_quotes("https://example.org/it's") == "https://example.org/it's"  # addresses stay as written


def test_a_line_of_bold_words_is_kept_with_what_follows_like_a_subheading():
    html = typeset("<p><strong>December</strong></p>\n<p><strong>Mon 1:</strong> bins.</p>")
    assert html.startswith('<p class="heading-line"><strong>December</strong></p>')
    assert "<p><strong>Mon 1:</strong> bins.</p>" in html


def test_a_paragraph_with_a_long_address_is_set_ragged():
    long = "https://example.org/a/very/long/path/that/cannot/break/well"
    assert typeset(f'<p>See <a href="{long}">{long}</a> now.</p>').startswith('<p class="ragged">')
    assert typeset('<p>See <a href="https://x.org">the site</a> now.</p>').startswith("<p>")


def test_the_lead_story_opens_the_issue(tmp_path):
    issue = _minimal(tmp_path, "", "")
    second = issue / "articles" / "second.md"
    second.write_text(second.read_text().replace("---\n", "---\nlead: true\n", 1))
    _, _, html = prepare(issue)
    lead = html.index('class="article-head lead-head" id="article-2"')
    assert lead < html.index('id="article-1"')


def test_a_long_contents_list_names_the_leading_entries_and_counts_the_rest(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from support.stress_issue import write_random_issue

    issue, count = write_random_issue(tmp_path, seed=3, articles=40)
    for layout in sorted(available()):
        _, _, html = prepare(issue, layout)
        listed = len(re.findall(r'<li><a href="#article-', html))
        assert 3 <= listed < count
        assert f"and {count - listed} more inside" in html


def test_a_single_column_never_jumps(tmp_path):
    issue = _minimal(tmp_path, "title: First article", "title: First article\n    jump_after: 1")
    body = (issue / "issue.yaml").read_text().replace("      The first paragraph.\n", "      One.\n\n      Two.\n")
    (issue / "issue.yaml").write_text(body)
    assert "Continued on page" in prepare(issue, "classic")[2]
    assert "Continued on page" not in prepare(issue, "large-print")[2]
