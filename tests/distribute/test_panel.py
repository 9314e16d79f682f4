"""The mailing panel: the lower third of the back page, in every layout, with the articles above it."""

from __future__ import annotations

import pdfplumber
import pytest
from ruamel.yaml import YAML

from newsletter_pdf.pipeline import build
from newsletter_pdf.render.layouts import available, load_layout

CAPTION = "undelivered,"


def _self_mailer(issue_dir, drop_articles=()):
    newsletter_yaml = issue_dir.parent / "newsletter.yaml"
    text = newsletter_yaml.read_text()
    # The sample has a print: section already (issue 12); the panel joins it.
    text = (
        text.replace("\nprint:\n", "\nprint:\n  mailing_panel: true\n", 1)
        if "\nprint:\n" in text
        else text + "print: {mailing_panel: true}\n"
    )
    newsletter_yaml.write_text(text)
    if drop_articles:
        yaml = YAML()
        issue_yaml = issue_dir / "issue.yaml"
        data = yaml.load(issue_yaml.read_text())
        for index in sorted(drop_articles, reverse=True):
            del data["articles"][index]
        with issue_yaml.open("w") as stream:
            yaml.dump(data, stream)
    return issue_dir


def _panel_words(pdf_path):
    """(page count, page height, words of the last page, the caption's word, the postage word)."""
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages[:-1]:
            assert CAPTION not in page.extract_text(), "the panel belongs on the back page only"
        last = pdf.pages[-1]
        words = last.extract_words()
        return len(pdf.pages), float(last.height), words, last.rects


@pytest.mark.parametrize("layout", available())
def test_the_panel_takes_the_lower_third_of_the_back_page_and_the_text_stays_above(editable_issue, tmp_path, layout):
    issue = _self_mailer(editable_issue, drop_articles=(5, 9))  # room for the panel within pages: 4
    result = build(issue, tmp_path, profiles=["email"], layout_name=layout)
    pages, height, words, rects = _panel_words(result.pdf)
    if layout == "classic":
        assert pages == 4 and result.fits["screen"].reached, result.fits["screen"].message
    caption = next(w for w in words if w["text"] == CAPTION)
    panel_top = caption["top"] - 6 * 72 / 25.4 - 2  # the caption sits 6 mm below the panel's fold line
    assert panel_top > height * 0.6, "the panel starts in the lower third"
    footer_top = height - 20 * 72 / 25.4  # the page footer (page number) lies in the bottom margin
    above = [w for w in words if w["bottom"] <= panel_top + 1]
    inside = [w for w in words if panel_top + 1 < w["bottom"] < footer_top]
    if load_layout(layout).fit.honour_pages:  # fitted to its pages: the back page is filled above the panel
        assert above, "articles or the About box come before the panel on the back page"
    panel_text = " ".join(w["text"] for w in inside)
    assert panel_text.startswith("If undelivered, please return to:")
    assert "Postage" in panel_text and "Commons Hall, 14 Weir Lane" in panel_text
    assert all(w["text"] in panel_text.split() for w in inside)  # nothing else runs into the panel
    # The address area is empty: the widest light rectangle, with no word inside it.
    area = max((r for r in rects if r["top"] > panel_top), key=lambda r: r["width"] * r["height"])
    assert area["width"] > 200 and area["height"] > 100
    assert not [w for w in words if area["x0"] < w["x0"] < area["x1"] and area["top"] < w["top"] < area["bottom"]]


def test_page_fitting_counts_the_panel_when_the_issue_cannot_make_room(editable_issue, tmp_path):
    """The full sample fills its 4 pages: with a panel it cannot, and the build says by how much (and writes nothing)."""
    from newsletter_pdf.errors import UserError

    issue = _self_mailer(editable_issue)
    with pytest.raises(UserError, match="over by") as refused:
        build(issue, tmp_path, profiles=["email"])
    over = int(str(refused.value).split("over by ")[1].split()[0])
    assert over >= 30  # the panel's 81 mm are about 19 lines in each of the 2 columns
    assert not list(tmp_path.glob("*.pdf"))


def test_no_panel_unless_asked(sample_build):
    assert "mailing-panel" not in sample_build.html.read_text()
