"""Layout lint on test pages shaped like real ones: a masthead, two columns of articles with a
picture, a footer with the page number on every page. Each fault fires its own check and only
that; the good page and the real sample fire nothing."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from newsletter_pdf.outputs import layout_lint
from support.paths import ROOT

_STYLE = """
@font-face { font-family: "Noto Serif"; src: url(FONTS/NotoSerif-Regular.ttf); }
@font-face { font-family: "Noto Serif"; font-weight: bold; src: url(FONTS/NotoSerif-Bold.ttf); }
@font-face { font-family: "Noto Sans"; src: url(FONTS/NotoSans-Regular.ttf); }
@font-face { font-family: "Noto Sans"; font-weight: bold; src: url(FONTS/NotoSans-Bold.ttf); }
@page { size: A4; margin: 20mm 15mm 25mm; BLEED
  @bottom-left { content: "The Gazette · May 2026"; font: 8pt "Noto Sans"; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: bold 8pt "Noto Sans"; } }
body { font: 10pt/1.4 "Noto Serif"; margin: 0; }
.masthead h1 { font: bold 36pt "Noto Sans"; margin: 0 0 2mm; }
.masthead p { font: 9pt "Noto Sans"; margin: 0 0 6mm; }
.cols { display: flex; gap: 8mm; }
.col { flex: 1; min-width: 0; }
h2 { font: bold 16pt "Noto Sans"; margin: 3mm 0 2mm; }
img { display: block; width: 100%; height: 40mm; }
figure { margin: 0 0 3mm; }
figcaption { font: 8pt "Noto Sans"; }
.contents p { font: 10pt/1.4 "Noto Serif"; margin: 0; }
"""

_PARAGRAPH = (
    "<p>The hall committee met on Tuesday and agreed a plan for the winter. The boiler will be "
    "serviced, the kitchen repainted and a rota drawn up for opening the doors on cold mornings, "
    "so that nobody waits outside while the keys are found. Volunteers are welcome.</p>"
)


def _column(heading: str, paragraphs: int, extra: str = "", tail: str = "") -> str:
    return f'<div class="col"><h2>{heading}</h2>{extra}{_PARAGRAPH * paragraphs}{tail}</div>'


def _page_html(fault: str) -> str:
    figure = '<figure><img src="photo.png" alt=""><figcaption>The new beds at the yard.</figcaption></figure>'
    if fault == "text_over_image":
        figure = figure.replace("<figcaption>", '<figcaption style="margin-top: -20mm; position: relative">')
    first_tail = "<h2>Orphaned heading here</h2>" if fault == "heading_alone" else ""
    second_extra = ""
    if fault == "overlapping_words":
        second_extra = _PARAGRAPH + '<p style="margin-top: -2.6em">Words drawn over the line above them.</p>'
    if fault == "text_outside_trim":
        first_tail = '<p style="margin-left: -25mm">Past the edge.</p>'
    masthead = '<div class="masthead"><h1>The Gazette</h1><p>News for the parish · May 2026</p></div>'
    if fault == "masthead_only":
        entries = "".join(f"<p>Article {n} . . . . . . . . . . . . {n + 1}</p>" for n in range(1, 6))
        masthead += f'<div class="contents">{entries}</div><div style="break-before: page"></div>'
    page_one = (
        f'<div class="cols">{_column("Garden opens", 3, figure, first_tail)}'
        f"{_column('Bin days change', 4, second_extra)}</div>"
    )
    page_two = (
        f'<div class="cols" style="break-before: page">{_column("Pupils and the river", 5)}'
        f"{_column('Dates for your diary', 5)}</div>"
    )
    blank = '<div style="break-before: page"></div>' if fault == "blank_page" else ""
    style = _STYLE.replace("FONTS", (ROOT / "fonts").as_uri())
    style = style.replace("BLEED", "bleed: 3mm; marks: crop;" if fault == "print" else "")
    return f"<html lang=en><style>{style}</style><body>{masthead}{page_one}{page_two}{blank}</body></html>"


@cache
def _made(fault: str, folder: str) -> Path:
    import weasyprint
    from PIL import Image

    base = Path(folder)
    photo = base / "photo.png"
    if not photo.exists():
        Image.new("RGB", (600, 300), (90, 140, 90)).save(photo)
    target = base / f"{fault}.pdf"
    weasyprint.HTML(string=_page_html(fault), base_url=str(base) + "/").write_pdf(target)
    return target


@pytest.fixture(scope="module")
def test_pages(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("lint-pages"))
    return lambda fault: _made(fault, folder)


@pytest.mark.parametrize("fault", ["good", "print"])
def test_a_good_page_gives_no_findings(test_pages, fault):
    pages = layout_lint.read_pages(test_pages(fault))
    assert len(pages) == 2
    assert layout_lint.lint(test_pages(fault), pages=pages) == []
    layout_lint.mark_running(pages)
    # The footer is found as running on every page, so a blank page can be told from a real one.
    assert all(any(w.running and w.text == "Gazette" for w in page.words) for page in pages)
    assert layout_lint.body_style(pages)[0] == "Noto-Serif"


@pytest.mark.parametrize(
    "fault, page",
    [
        ("blank_page", 3),
        ("masthead_only", 1),
        ("heading_alone", 1),
        ("text_over_image", 1),
        ("overlapping_words", 1),
        ("text_outside_trim", 1),
    ],
)
def test_each_fault_fires_its_own_check_and_only_it(test_pages, fault, page):
    findings = layout_lint.lint(test_pages(fault))
    assert findings, f"{fault} found nothing"
    assert {(f.check, f.page) for f in findings} == {(fault, page)}
    assert all(f.message for f in findings)


def test_a_footer_only_page_is_blank_although_it_has_text(test_pages):
    pages = layout_lint.read_pages(test_pages("blank_page"))
    assert [w.text for w in pages[2].words if w.text in {"Page", "Gazette"}] == ["Gazette", "Page"]
    (finding,) = layout_lint.lint(test_pages("blank_page"))
    assert "Page 3 of 3" in finding.message


def test_the_heading_alone_names_the_heading_and_its_column(test_pages):
    (finding,) = layout_lint.lint(test_pages("heading_alone"))
    assert "Orphaned heading here" in finding.message and "column 1" in finding.message
    assert finding.bbox is not None and finding.bbox[0] < 300  # the left column


@pytest.mark.parametrize("profile", ["print", "email", "archive"])
def test_the_sample_outputs_pass_layout_lint_in_preflight(sample_build, profile):
    report = sample_build.output(profile).report
    assert report.findings == []
    assert "layout" in sample_build.output(profile).profile.checks
    # and a fresh read of the written file agrees
    assert layout_lint.lint(sample_build.output(profile).path) == []


def test_findings_reach_the_preflight_report_and_its_json(test_pages):
    import json

    from newsletter_pdf.outputs import preflight
    from newsletter_pdf.outputs.profiles import PROFILES

    pdf = test_pages("blank_page")
    report = preflight.check(PROFILES["email"], pdf, 3, None, [], 8_000_000)
    assert [f.check for f in report.findings] == ["blank_page"]
    assert any(w.startswith("layout: page 3:") for w in report.warnings)

    output = json.loads(json.dumps(report.as_dict()))  # what --report writes for this output
    assert output["findings"][0]["check"] == "blank_page" and output["findings"][0]["page"] == 3


def test_the_test_readers_blank_page_check_ignores_the_footer_too(test_pages):
    from support import pdfcheck

    assert [f.page for f in pdfcheck.blank_pages(test_pages("blank_page"))] == [3]
    assert pdfcheck.blank_pages(test_pages("good")) == []
