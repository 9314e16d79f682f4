"""Every layout holds on issues nobody tuned it for: generated issues (1 to 40 articles, random
lengths, pictures, boxes, pull quotes, long words) x every layout, read back from the PDF.

A few fixed seeds run in CI (email only, built once per session); more run with `-m slow`.
"""

from __future__ import annotations

import pytest

from newsletter_pdf.input.loader import load
from newsletter_pdf.render.html import reading_order
from newsletter_pdf.render.layouts import available, load_layout
from support import layoutcheck, pdfcheck
from support.stress_issue import write_random_issue

# (seed, articles): a one-article issue, a handful, and a dozen with boxes and pull quotes.
CI_ISSUES = [(5, 1), (2, None), (4, 12)]
SLOW_ISSUES = [(0, None), *((seed, None) for seed in range(20, 32)), (41, 40)]
HEADING_FONT = "Noto Sans Bold"


def _build(tmp_path_factory, seed: int, articles: int | None, layout: str):
    from newsletter_pdf.pipeline import build

    folder = tmp_path_factory.mktemp(f"random-{seed}-{layout}")
    issue_dir, _ = write_random_issue(folder, seed, articles)
    return build(issue_dir, folder / "out", layout_name=layout, profiles=["email"])


@pytest.fixture(scope="session")
def random_builds(tmp_path_factory):
    """Each CI issue in each layout, built once for the session."""
    return {
        (seed, articles, layout): _build(tmp_path_factory, seed, articles, layout)
        for seed, articles in CI_ISSUES
        for layout in sorted(available())
    }


def _problems(result, layout_name: str) -> list[str]:
    """Everything a reader would notice, as messages (empty: the layout held)."""
    layout = load_layout(layout_name)
    pdf = result.output("email").path
    newsletter = load(result.newsletter.issue_dir)
    articles = newsletter.issue.articles
    lead = articles[reading_order(articles)[0]]
    problems = [str(w) for w in result.warnings]
    first_page = layoutcheck.heading_page(pdf, lead.title, HEADING_FONT, layout.columns)
    latest = 2 if layout.columns == 1 else 1
    if first_page is None or first_page > latest:
        problems.append(f"the lead story {lead.title!r} starts on page {first_page}, not by page {latest}")
    findings = [
        *pdfcheck.contents_mismatches(pdf, heading_font=HEADING_FONT, columns=layout.columns),
        *pdfcheck.overlapping_words(pdf),
        *layoutcheck.leaders_alone(pdf, columns=layout.columns),
        *layoutcheck.pull_quotes_not_larger(pdf, [a.pull_quote for a in articles if a.pull_quote]),
        *layoutcheck.boxes_without_heading(pdf, layoutcheck.hex_rgb(layout.colors.box)),
    ]
    if layout_name == "large-print":  # every text at least 16 pt, the footer at least 14 pt
        findings += layoutcheck.small_text(pdf, 16, 14, footer_band=80)
    return problems + [str(f) for f in findings]


@pytest.mark.parametrize("layout", sorted(available()))
@pytest.mark.parametrize(("seed", "articles"), CI_ISSUES)
def test_every_layout_holds_on_a_generated_issue(random_builds, seed, articles, layout):
    assert _problems(random_builds[(seed, articles, layout)], layout) == []


@pytest.mark.slow
@pytest.mark.parametrize("layout", sorted(available()))
@pytest.mark.parametrize(("seed", "articles"), SLOW_ISSUES)
def test_every_layout_holds_on_more_generated_issues(tmp_path_factory, seed, articles, layout):
    assert _problems(_build(tmp_path_factory, seed, articles, layout), layout) == []
