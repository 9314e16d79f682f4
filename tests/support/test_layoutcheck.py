"""The layout checks fire on the faults they look for, and stay quiet on pages without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter_pdf.render import engine
from newsletter_pdf.render.html import font_faces
from newsletter_pdf.resources import fonts_dir
from support import layoutcheck

BOX = "#eaf1f5"


def _pdf(tmp_path: Path, body: str) -> Path:
    faces = "".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("{f.uri}"); font-weight: {f.weight}; '
        f"font-style: {f.style}; }}"
        for f in font_faces()
    )
    html = (
        f'<html lang="en"><head><style>{faces} @page {{ size: A5; margin: 15mm; }} '
        f'body {{ font: 10pt "Noto Serif"; }} h2 {{ font: bold 14pt "Noto Sans"; }}</style></head>'
        f"<body>{body}</body></html>"
    )
    rendered = engine.render(html, tmp_path, [tmp_path, fonts_dir()])
    data, _ = engine.to_bytes(rendered)
    path = tmp_path / "page.pdf"
    path.write_bytes(data)
    return path


def test_a_line_of_leaders_alone_is_found(tmp_path):
    pdf = _pdf(tmp_path, "<p>A long contents title that wrapped</p><p>. . . . . . . . . . 4</p>")
    assert [f.check for f in layoutcheck.leaders_alone(pdf, columns=1)] == ["leaders_alone"]


def test_leaders_after_the_title_are_fine(tmp_path):
    pdf = _pdf(tmp_path, "<p>A contents title . . . . . . . . . . 4</p>")
    assert layoutcheck.leaders_alone(pdf, columns=1) == []


@pytest.mark.parametrize(("style", "found"), [("font-size: 10pt", 1), ("font-size: 14pt", 0)])
def test_a_pull_quote_at_body_size_is_found(tmp_path, style, found):
    body = "<p>" + "Plain body text of the article. " * 30 + "</p>"
    pdf = _pdf(tmp_path, body + f'<p style="{style}">Quoted words stand out here.</p>')
    assert len(layoutcheck.pull_quotes_not_larger(pdf, ["Quoted words stand out here."])) == found


@pytest.mark.parametrize(("opening", "found"), [("", 1), ("<h2>Dates for your diary</h2>", 0)])
def test_a_tinted_box_without_its_heading_is_found(tmp_path, opening, found):
    pdf = _pdf(tmp_path, f'<div style="background: {BOX}; padding: 3mm">{opening}<p>Bullets and dates.</p></div>')
    assert len(layoutcheck.boxes_without_heading(pdf, layoutcheck.hex_rgb(BOX))) == found


def test_heading_page_finds_the_page_of_a_headline(tmp_path):
    pdf = _pdf(tmp_path, '<p>Words.</p><h2 style="break-before: page">The lead story</h2>')
    assert layoutcheck.heading_page(pdf, "The lead story", "Noto Sans Bold", 1) == 2
    assert layoutcheck.heading_page(pdf, "Another story", "Noto Sans Bold", 1) is None


def test_text_under_the_large_print_size_is_found(tmp_path):
    pdf = _pdf(tmp_path, '<p style="font-size: 16pt">Large words.</p><p style="font-size: 14pt">Small words.</p>')
    found = layoutcheck.small_text(pdf, 16, 14, footer_band=40)
    assert [f.message.split(" is ")[0] for f in found] == ["'Small'", "'words.'"]
