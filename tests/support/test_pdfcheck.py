"""support.pdfcheck: every check passes on the sample issue, and every check can fail.

The failing cases are tiny PDFs made with WeasyPrint directly, each with one deliberate fault.
"""

from __future__ import annotations

import inspect
import random
from pathlib import Path

import pytest

from newsletter_pdf.resources import fonts_dir
from support import pdfcheck
from support.paths import ROOT

SAMPLE_ISSUE = ROOT / "issues" / "2025-11"
BUNDLED = ["Noto Serif", "Noto Sans"]


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def sample_pdfs(tmp_path_factory) -> list[Path]:
    """The sample issue, built once for this module: the print PDF (with bleed) and the email PDF
    when build() makes several outputs, else its one PDF."""
    from newsletter_pdf.pipeline import build

    out = tmp_path_factory.mktemp("pdfcheck-sample")
    options = {"profiles": ["print", "email"]} if "profiles" in inspect.signature(build).parameters else {}
    result = build(SAMPLE_ISSUE, out, **options)
    paths = [o.path for o in result.outputs] if hasattr(result, "outputs") else [result.pdf]
    assert paths and all(Path(p).is_file() for p in paths)
    return [Path(p) for p in paths]


_FONT_CONFIG = None


def font_faces_css() -> str:
    faces = [("Noto Serif", "NotoSerif-Regular.ttf", 400), ("Noto Sans", "NotoSans-Bold.ttf", 700)]
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; src: url("{(fonts_dir() / file).as_uri()}"); font-weight: {weight}; }}'
        for family, file, weight in faces
    )


@pytest.fixture
def make_pdf(tmp_path):
    """make_pdf(body_html, css="") -> path of an A6 PDF in Noto Serif with Noto Sans Bold <h2>s."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    counter = iter(range(1000))

    def make(body: str, css: str = "") -> Path:
        html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>
{font_faces_css()}
@page {{ size: A6; margin: 10mm; }}
html {{ font: 10pt/1.3 "Noto Serif"; }}
body {{ margin: 0; }}
p {{ margin: 0 0 4pt 0; }}
h2 {{ font: bold 14pt/1.2 "Noto Sans"; margin: 0; bookmark-level: 1; }}
{css}
</style></head><body>{body}</body></html>"""
        target = tmp_path / f"doc-{next(counter)}.pdf"
        weasyprint.HTML(string=html, base_url=str(tmp_path)).write_pdf(target, font_config=_FONT_CONFIG)
        return target

    return make


def page_count(path: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(path).pages)


# ---------------------------------------------------------------------------------------------
# The sample issue passes every check


@pytest.fixture(scope="module")
def sample_reports(sample_pdfs) -> dict[Path, dict[str, list[pdfcheck.Finding]]]:
    """all_findings() of each sample PDF, read once (pdfplumber takes about 0.15 s a page)."""
    return {path: pdfcheck.all_findings(path, BUNDLED) for path in sample_pdfs}


@pytest.mark.parametrize("check", pdfcheck.CHECKS)
def test_sample_issue_passes(sample_reports, check):
    for path, report in sample_reports.items():
        assert report[check] == [], f"{path.name}:\n" + "\n".join(map(str, report[check]))


def test_all_findings_runs_every_check(sample_reports):
    assert all(list(report) == list(pdfcheck.CHECKS) for report in sample_reports.values())


def test_bundled_families_are_the_default(sample_pdfs):
    assert pdfcheck.bundled_families() == sorted(
        [*BUNDLED, "Noto Naskh Arabic", "Noto Sans Arabic", "Noto Serif Hebrew", "Noto Sans Hebrew"]
    )
    assert pdfcheck.unbundled_fonts(sample_pdfs[0]) == []


def test_sample_fonts_are_the_bundled_ones_embedded(sample_pdfs):
    for path in sample_pdfs:
        fonts = pdfcheck.embedded_fonts(path)
        assert fonts == {
            "Noto-Sans": True,
            "Noto-Sans-Bold": True,
            "Noto-Sans-Italic": True,
            "Noto-Serif": True,
            "Noto-Serif-Bold": True,
            "Noto-Serif-Italic": True,
            "Noto-Serif-Bold-Italic": True,  # the pull quote
        }


def test_sample_contents_box_is_read_in_bookmark_order(sample_pdfs):
    for path in sample_pdfs[:1]:
        entries = pdfcheck.contents_entries(path)
        marks = pdfcheck.bookmarks(path)
        assert len(entries) == len(marks) == 11
        assert [e.page for e in entries] == [m.page for m in marks]
        # Short titles differ from the bookmarks (the article titles) where the issue sets one.
        assert entries[3].title == "Second river crossing study"
        assert marks[3].title == "Council agrees to study a second river crossing for Millbrook"
        assert entries[7].title == "Member profile: Nguyễn Thị Lan"


# ---------------------------------------------------------------------------------------------
# 1. Overlapping words


def test_overlapping_words_found(make_pdf):
    path = make_pdf(
        "<p>Some ordinary text.</p>"
        '<span style="position: absolute; left: 20mm; top: 40mm">alpha</span>'
        '<span style="position: absolute; left: 21mm; top: 41mm">beta</span>'
    )
    findings = pdfcheck.overlapping_words(path)
    assert len(findings) == 1
    assert findings[0].page == 1
    assert "'alpha'" in findings[0].message and "'beta'" in findings[0].message
    x0, top, x1, bottom = findings[0].bbox
    assert x1 - x0 > 0.5 and bottom - top > 0.5


def test_overlapping_words_respects_tolerance(make_pdf):
    # Two words one line apart do not overlap; nor do leader dots and the title before them.
    path = make_pdf(
        '<span style="position: absolute; left: 20mm; top: 40mm">alpha</span>'
        '<span style="position: absolute; left: 20mm; top: 46mm">beta</span>'
        '<p style="display: flex"><span>Title</span><span style="flex: 1; overflow: hidden">'
        " . . . . . . . . . . . . . . . . . . . . . . . . .</span><span>3</span></p>"
    )
    assert pdfcheck.overlapping_words(path) == []


def test_overlap_sweep_agrees_with_brute_force():
    rng = random.Random(4)
    boxes = []
    for _ in range(600):
        x0, top = rng.uniform(0, 500), rng.uniform(0, 800)
        boxes.append((x0, top, x0 + rng.uniform(1, 40), top + rng.choice([7.0, 9.0, 13.0])))
    brute = sorted(
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if min(boxes[i][2], boxes[j][2]) - max(boxes[i][0], boxes[j][0]) > 0.5
        and min(boxes[i][3], boxes[j][3]) - max(boxes[i][1], boxes[j][1]) > 0.5
    )
    assert brute, "the random boxes should overlap somewhere"
    assert [(i, j) for i, j, _, _ in pdfcheck._overlapping_pairs(boxes, 0.5)] == brute


# ---------------------------------------------------------------------------------------------
# 2. Text outside the page


def test_text_pushed_off_the_page_is_found(make_pdf):
    path = make_pdf('<p>Inside.</p><p style="position: absolute; left: -50mm; top: 20mm">Lost words</p>')
    findings = pdfcheck.text_outside_page(path)
    assert [f.page for f in findings] == [1, 1]
    assert "'Lost'" in findings[0].message and "'words'" in findings[1].message
    assert findings[0].bbox[0] < 0


def test_text_in_the_bleed_is_outside_the_trim_box(make_pdf):
    css = "@page { bleed: 3mm; marks: crop; }"
    inside = make_pdf("<p>All of this is on the page.</p>", css)
    assert pdfcheck.text_outside_page(inside) == []
    # 10 mm margin - 12 mm = 2 mm left of the trim edge: inside the MediaBox, outside the TrimBox.
    bleeding = make_pdf('<p>On the page.</p><p style="position: absolute; left: -12mm; top: 0">Edge</p>', css)
    findings = pdfcheck.text_outside_page(bleeding)
    assert len(findings) == 1 and "'Edge'" in findings[0].message


def test_image_off_the_page_is_found(make_pdf):
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    path = make_pdf(f'<p>Text.</p><img src="{uri}" style="position: absolute; left: -50mm; top: 30mm; width: 20mm">')
    findings = pdfcheck.text_outside_page(path)
    assert len(findings) == 1 and findings[0].message.startswith("image")


# ---------------------------------------------------------------------------------------------
# 3. Blank pages


def test_blank_page_is_found(make_pdf):
    path = make_pdf('<div style="break-after: page">Some text</div><div style="height: 10px"></div>')
    assert page_count(path) == 2
    findings = pdfcheck.blank_pages(path)
    assert [f.page for f in findings] == [2]


# ---------------------------------------------------------------------------------------------
# 4. Fonts


def test_system_font_is_found(make_pdf):
    path = make_pdf("<p>Bundled.</p><p style=\"font-family: 'DejaVu Sans'\">A system font</p>")
    fonts = pdfcheck.embedded_fonts(path)
    assert any(pdfcheck.font_matches_family(name, "DejaVu Sans") for name in fonts), fonts
    assert all(fonts.values())
    findings = pdfcheck.unbundled_fonts(path, BUNDLED)
    assert len(findings) == 1 and findings[0].page == 1
    assert "DejaVu" in findings[0].message and "'A' (U+0041)" in findings[0].message
    assert pdfcheck.unbundled_fonts(path, [*BUNDLED, "DejaVu Sans"]) == []


def _minimal_pdf_with_helvetica(path: Path) -> Path:
    """A one-page PDF drawing text in Helvetica, a standard font that is not embedded."""
    stream = b"BT /F1 24 Tf 72 700 Td (Hello) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_font_not_embedded_is_found(tmp_path):
    path = _minimal_pdf_with_helvetica(tmp_path / "helvetica.pdf")
    assert pdfcheck.embedded_fonts(path) == {"Helvetica": False}
    findings = pdfcheck.unbundled_fonts(path, ["Helvetica"])
    assert len(findings) == 1 and "not embedded" in findings[0].message and findings[0].page == 1


@pytest.mark.parametrize(
    "name, family, expected",
    [
        ("ABCDEF+Noto-Serif-Bold", "Noto Serif", True),
        ("Noto-Serif-Bold-Italic", "Noto Serif", True),
        ("NotoSerif-BoldItalic", "noto serif", True),
        ("Noto-Sans", "Noto Sans", True),
        ("NotoSansMono-Regular", "Noto Sans", False),
        ("Noto-Serif", "Noto Sans", False),
        ("DejaVu-Sans", "Noto Sans", False),
        ("DejaVu-Sans", "DejaVu Sans", True),
    ],
)
def test_font_family_matching(name, family, expected):
    assert pdfcheck.font_matches_family(name, family) is expected


# ---------------------------------------------------------------------------------------------
# 5. Contents box against bookmarks and headings

CONTENTS_CSS = """
.contents p { margin: 0; }
.contents a { color: inherit; text-decoration: none; }
.contents a::after { content: leader(". ") target-counter(attr(href), page); }
"""
TWO_ARTICLES = (
    '<h2 id="a">Alpha story</h2><p>Text of the first story.</p>'
    '<h2 id="b" style="break-before: page">Beta \u2019s story</h2><p>Text of the second story.</p>'
)


def test_contents_that_agree_pass(make_pdf):
    path = make_pdf(
        '<nav class="contents"><p><a href="#a">Alpha</a></p><p><a href="#b">Beta</a></p></nav>' + TWO_ARTICLES,
        CONTENTS_CSS,
    )
    assert [(e.title, e.page) for e in pdfcheck.contents_entries(path)] == [("Alpha", 1), ("Beta", 2)]
    assert [(m.title, m.page) for m in pdfcheck.bookmarks(path)] == [("Alpha story", 1), ("Beta \u2019s story", 2)]
    assert pdfcheck.contents_mismatches(path) == []


def test_wrong_contents_number_is_found(make_pdf):
    path = make_pdf("<nav><p>Alpha . . . . . . . . . . 1</p><p>Beta . . . . . . . . . . 1</p></nav>" + TWO_ARTICLES)
    findings = pdfcheck.contents_mismatches(path)
    assert len(findings) == 1
    assert findings[0].page == 1 and "'Beta'" in findings[0].message
    assert "says page 1" in findings[0].message and "page 2" in findings[0].message


def test_contents_count_mismatch_is_found(make_pdf):
    path = make_pdf(
        "<nav><p>Alpha . . . . . . . . . . 1</p><p>Beta . . . . . . . . . . 2</p></nav>"
        + TWO_ARTICLES
        + "<h2>Gamma</h2><p>A third story with no contents entry.</p>"
    )
    findings = pdfcheck.contents_mismatches(path)
    assert len(findings) == 1 and "2 entries but the PDF has 3 bookmarks" in findings[0].message


def test_bookmark_without_its_heading_is_found(make_pdf):
    path = make_pdf(
        "<nav><p>Alpha . . . . . . . . . . 1</p><p>Beta . . . . . . . . . . 2</p></nav>"
        "<h2 style=\"bookmark-label: 'Alpha story'\">Another title</h2><p>Text.</p>"
        # Right words, wrong font: a heading must be in the heading font.
        "<h2 style=\"break-before: page; font-family: 'Noto Serif'; font-weight: normal\">Beta story</h2>"
    )
    messages = [f.message for f in pdfcheck.contents_mismatches(path)]
    assert len(messages) == 2, messages
    assert "'Alpha story' is not on page 1" in messages[0]
    assert "'Beta story' is not on page 2" in messages[1]


@pytest.mark.parametrize(
    "printed, title",
    [
        ("Tanner\u2019s Row", "Tanner's Row"),
        ("\u201cQuoted\u201d title", '"Quoted" title'),
        ("Mill\u2010 brook", "Millbrook"),
        ("Mill\u00adbrook", "Millbrook"),
        ("NGUYỄN THỊ  LAN", "Nguyễn Thị Lan"),
        ("Second-hand\nsale", "Second\u2011hand sale"),
    ],
)
def test_normalize_text(printed, title):
    assert pdfcheck.normalize_text(printed) == pdfcheck.normalize_text(title)


# ---------------------------------------------------------------------------------------------
# 6. Headings alone at the end of a column

# A6 with 10 mm margins: each column is 128 mm tall. The filler leaves `room` below it.
COLUMNS_CSS = """
.columns { column-count: 2; column-gap: 5mm; column-fill: auto; }
.columns h2 { break-after: auto; }
@page { @bottom-left { content: "Footer, page " counter(page); font: 8pt "Noto Serif"; } }
"""


def columns_doc(room: str) -> str:
    body = " ".join(["The article goes on with plenty of words in it."] * 12)
    return (
        '<div class="columns">'
        f'<div style="height: calc(128mm - {room})">Filler text at the top of the first column.</div>'
        f"<h2>Alone heading</h2><p>{body}</p></div>"
        '<p style="break-before: page">A second page, so that the footer is seen to repeat.</p>'
    )


def test_heading_alone_at_column_end_is_found(make_pdf):
    path = make_pdf(columns_doc("20pt"), COLUMNS_CSS)
    findings = pdfcheck.headings_alone(path)
    assert len(findings) == 1, findings
    assert findings[0].page == 1
    assert "'Alone heading'" in findings[0].message and "column 1" in findings[0].message
    # The running footer below the heading is not the heading's text.
    assert any(w.text == "Footer," for w in _words(path, 0))


def test_heading_followed_by_its_text_passes(make_pdf):
    path = make_pdf(columns_doc("80pt"), COLUMNS_CSS)
    assert pdfcheck.headings_alone(path) == []


def test_heading_alone_with_one_column(make_pdf):
    path = make_pdf(columns_doc("20pt"), COLUMNS_CSS)
    # Read as one column, the text in the right-hand column counts as being beside, not below.
    assert len(pdfcheck.headings_alone(path, columns=1)) == 1


def _words(path: Path, index: int):
    with pdfcheck._Doc(path) as doc:
        return doc.words(index)


# ---------------------------------------------------------------------------------------------
# The module itself


def test_findings_read_well():
    finding = pdfcheck.Finding("blank_pages", 3, "the page has no text and no images", (0, 0, 1, 1))
    assert str(finding) == "blank_pages: page 3: the page has no text and no images"
    with pytest.raises(AttributeError):
        finding.page = 4  # frozen
