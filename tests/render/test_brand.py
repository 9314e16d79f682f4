"""The brand applied: where each layout puts the accent and logo, tints that keep contrast, and the PDF read back."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from newsletter_pdf.input.brand import BrandAssets, contrast
from newsletter_pdf.pipeline import build
from newsletter_pdf.render.brand import MIN_BODY_ON_TINT, apply_brand, print_accent, tint
from newsletter_pdf.render.layouts import available, load_layout
from support import pdfcheck
from support.brand import ACCENT, EDITOR_FAMILY, LOGO_SIZE, branded_publication
from support.paths import ROOT

# --- colours ---------------------------------------------------------------------------


@pytest.mark.parametrize("accent", ["#7a1f5c", "#1f4e79", "#767676", "#000000", "#0000ff", "#8b0000", "#2d6a2f"])
@pytest.mark.parametrize("layout", sorted(available()))
def test_a_derived_tint_keeps_body_accent_and_muted_text_readable(accent, layout):
    colors = load_layout(layout).colors
    box = tint(accent, colors.text, colors.muted)
    assert contrast(colors.text, box) >= min(MIN_BODY_ON_TINT, contrast(colors.text, "#ffffff"))
    assert contrast(accent, box) >= 4.5 and contrast(colors.muted, box) >= 4.5
    assert box != "#ffffff" or accent == "#767676"  # a tint, unless the accent has no contrast to spare


def test_the_tint_gives_way_when_the_accent_is_near_the_limit():
    strong, weak = tint("#1f4e79", "#1a1a1a", "#555555"), tint("#767676", "#1a1a1a", "#555555")
    assert contrast(strong, "#ffffff") > contrast(weak, "#ffffff") or weak == "#ffffff"


def test_each_layout_puts_the_accent_where_its_data_says():
    brand = BrandAssets(accent=ACCENT)
    classic = apply_brand(load_layout("classic"), brand).colors
    assert (classic.name, classic.accent, classic.rule) == (ACCENT, ACCENT, ACCENT) and classic.box != "#ffffff"
    large = apply_brand(load_layout("large-print"), brand)
    assert large.colors.name == ACCENT and large.colors.rule == ACCENT and large.colors.accent == ACCENT
    modern = apply_brand(load_layout("modern"), brand).colors
    assert modern.accent == ACCENT and modern.name is None  # the band is the accent, the name white on it


def test_large_print_keeps_its_own_type():
    brand = BrandAssets(body_family="Noto Serif", heading_family="Noto Serif")
    assert apply_brand(load_layout("large-print"), brand).fonts == load_layout("large-print").fonts
    assert apply_brand(load_layout("classic"), brand).fonts.headings == "Noto Serif"


def test_no_brand_changes_nothing():
    for name in available():
        assert apply_brand(load_layout(name), BrandAssets()) == load_layout(name)


def test_accent_cmyk_becomes_device_cmyk_for_the_places_of_the_accent():
    brand = BrandAssets(accent=ACCENT, accent_cmyk=(0, 75, 25, 52))
    layout = apply_brand(load_layout("classic"), brand)
    values = print_accent(layout, brand)
    assert values.pop("box") == "device-cmyk(0 0.09 0.03 0.0624)"  # the 12 % screen tint, in the same inks
    assert values == dict.fromkeys(("name", "accent", "rule"), "device-cmyk(0 0.75 0.25 0.52)")
    assert print_accent(load_layout("classic"), BrandAssets(accent=ACCENT)) == {}


# --- a branded publication built and read back -------------------------------------------


@pytest.fixture(scope="module")
def branded(tmp_path_factory):
    """The minimal publication with a PNG logo, accent #7a1f5c and its own body font, built for print and email."""
    root = tmp_path_factory.mktemp("branded")
    issue = branded_publication(root / "pub")
    # A fresh process: the editor's font is a copy of a bundled one under another family name, and a
    # process that has already loaded the bundled file (other tests) would embed it under its first name.
    import subprocess
    import sys
    from types import SimpleNamespace

    command = [
        sys.executable,
        "-m",
        "newsletter_pdf",
        "build",
        str(issue),
        "-o",
        str(root / "out"),
        "-p",
        "email",
        "-p",
        "print",
        "-q",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr

    from newsletter_pdf.input.loader import load

    class Built:
        newsletter = load(issue)

        def output(self, name: str):
            return SimpleNamespace(path=next((root / "out").glob(f"*-{name}.pdf")))

    return Built()


def name_chars(pdf_path: Path):
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        large = [c for c in page.chars if c["size"] > 25]  # the name, and the drop cap further down
        first_line = min(c["top"] for c in large)
        return [c for c in large if c["top"] < first_line + 2]


def test_the_name_is_set_in_the_accent(branded):
    chars = name_chars(branded.output("email").path)
    assert "".join(c["text"] for c in chars) == "The Test Bulletin"
    expected = tuple(int(ACCENT[i : i + 2], 16) / 255 for i in (1, 3, 5))
    assert all(c["non_stroking_color"] == pytest.approx(expected, abs=0.003) for c in chars)


def test_the_print_name_is_set_in_the_printers_cmyk(branded):
    chars = name_chars(branded.output("print").path)
    assert all(tuple(c["non_stroking_color"]) == pytest.approx((0, 0.75, 0.25, 0.52)) for c in chars)
    with pdfplumber.open(branded.output("print").path) as pdf:
        fills = {tuple(r["non_stroking_color"] or ()) for r in pdf.pages[0].rects}
    assert (0, 0.09, 0.03, 0.0624) in {tuple(round(v, 4) for v in f) for f in fills}, fills  # the tinted boxes


def test_the_logo_is_on_page_one_in_the_masthead(branded):
    with pdfplumber.open(branded.output("print").path) as pdf:
        page = pdf.pages[0]
        logos = [i for i in page.images if tuple(i["srcsize"]) == LOGO_SIZE]
        name_top = min(c["top"] for c in name_chars(branded.output("print").path))
        assert len(logos) == 1
        logo = logos[0]
        assert logo["top"] < name_top + 40 and logo["x0"] > page.width / 2  # classic: right of the name
    with pikepdf.open(branded.output("email").path) as pdf:
        xobjects = pdf.pages[0].Resources.XObject
        assert any(x.get("/Subtype") == "/Image" and int(x.Width) * 3 == int(x.Height) * 9 for x in xobjects.values())


def test_the_body_is_in_the_editors_font_and_nothing_else_is_embedded(branded):
    for output in ("email", "print"):
        path = branded.output(output).path
        fonts = pdfcheck.embedded_fonts(path)
        assert all(fonts.values()), fonts
        assert {n for n in fonts if not pdfcheck.font_matches_family(n, "Noto Sans")} == {
            "Harbour-Text",
            "Harbour-Text-Italic",
        }, fonts
        families = pdfcheck.publication_families(branded.newsletter)
        assert families == sorted({*pdfcheck.bundled_families(), "Harbour Text"})
        assert pdfcheck.unbundled_fonts(path, pdfcheck.publication_families(branded.newsletter)) == []
        assert pdfcheck.unbundled_fonts(path, ["Noto Sans", EDITOR_FAMILY]) == []
        # The check fires: with the bundled families alone, the editor's font is a stranger.
        assert any(EDITOR_FAMILY.replace(" ", "") in f.message.replace("-", "") for f in pdfcheck.unbundled_fonts(path))
    with pdfplumber.open(branded.output("email").path) as pdf:
        body = [w for w in pdf.pages[0].extract_words(extra_attrs=["fontname"]) if w["text"] == "paragraph."]
        assert body and all("Harbour-Text" in w["fontname"] for w in body)


def test_the_footer_keeps_the_name(branded):
    with pdfplumber.open(branded.output("email").path) as pdf:
        page = pdf.pages[0]
        footer = page.within_bbox((0, page.height - 60, page.width, page.height)).extract_text()
        assert "The Test Bulletin" in footer


def test_an_svg_logo_is_drawn_in_the_masthead(tmp_path):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">'
        '<rect x="0" y="0" width="300" height="100" fill="#2b6a3a"/></svg>'
    )
    issue = branded_publication(tmp_path / "pub", "brand:\n  logo: brand/logo.svg\n")
    (issue.parent / "brand" / "logo.svg").write_text(svg, encoding="utf-8")
    result = build(issue, tmp_path / "out", profiles=["email"])
    assert not result.warnings
    with pdfplumber.open(result.pdf) as pdf:
        page = pdf.pages[0]
        green = [
            r
            for r in page.rects
            if r["non_stroking_color"] == pytest.approx((0x2B / 255, 0x6A / 255, 0x3A / 255), abs=0.003)
        ]
        assert len(green) == 1 and green[0]["top"] < 60 and green[0]["x0"] > page.width / 2


def test_the_sample_in_a_theme_with_a_logo_passes_every_pdf_check(editable_issue, tmp_path):
    """Content we did not write for this: the sample issue, meadow (sans body, serif headings), modern layout."""
    from support.brand import logo_png

    publication = editable_issue.parent
    logo_png(publication / "brand" / "logo.png")
    text = (publication / "newsletter.yaml").read_text(encoding="utf-8")
    (publication / "newsletter.yaml").write_text(
        text + "brand: {theme: meadow, logo: brand/logo.png}\n", encoding="utf-8"
    )
    # One layout pass: page-count fitting (pages: 4) would lay the issue out several times over.
    issue_yaml = editable_issue / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text(encoding="utf-8").replace("pages: 4\n", ""), encoding="utf-8")
    result = build(editable_issue, tmp_path / "out", profiles=["email"], layout_name="modern")
    assert not result.warnings
    findings = pdfcheck.all_findings(
        result.pdf, ["Noto Sans", "Noto Serif"], columns=load_layout("modern").columns, heading_font="Noto Serif Bold"
    )
    assert {name: found for name, found in findings.items() if found} == {}
    fonts = pdfcheck.embedded_fonts(result.pdf)
    assert any(pdfcheck.font_matches_family(n, "Noto Serif") for n in fonts)  # headings: the theme's serif
    with pdfplumber.open(result.pdf) as pdf:
        words = pdf.pages[0].extract_words(extra_attrs=["fontname", "size"])
        body = [w for w in words if abs(w["size"] - 9) < 0.1]  # modern sets the body in 9 pt
        sans = [w for w in body if pdfcheck.font_matches_family(w["fontname"], "Noto Sans")]
        assert len(body) > 100 and len(sans) / len(body) > 0.9
        # The logo (downsampled to 150 dpi in email), 3:1, in the masthead.
        assert any(i["srcsize"][0] == 3 * i["srcsize"][1] and i["top"] < 80 for i in pdf.pages[0].images)


@pytest.mark.parametrize("layout", sorted(available()))
def test_each_layout_places_the_logo_where_its_data_says(tmp_path, layout):
    import re

    from newsletter_pdf.pipeline import prepare

    issue = branded_publication(tmp_path / "pub")
    _, placed, html = prepare(issue, layout)
    masthead = html.split('<header class="masthead"', 1)[1].split("</header>", 1)[0]
    logos = re.findall(r'<img class="masthead-logo" src="([^"]+)" alt="The Test Bulletin">', masthead)
    assert len(logos) == 1 and logos[0].endswith("/brand/logo.png")
    parent = {"above": "header", "left": "h1", "right": "h1", "dateline": "p"}[placed.brand.logo]
    before = masthead.split('<img class="masthead-logo"', 1)[0]
    assert before.rsplit("<", 1)[-1].startswith(parent) or (parent == "header" and "<h1" not in before)
    assert html.count('class="masthead-logo"') == 1
