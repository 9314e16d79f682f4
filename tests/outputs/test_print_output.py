"""The print PDF read back for every claim the README makes about paper: the About box and the
address, link addresses printed after their words, crop marks in the bleed, the page size asked
for. (BuildResult.pdf is the email output; these tests open the print file itself.)"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal

import pdfplumber
import pikepdf
import pypdf
import pytest

from support.bad_inputs import MINIMAL

MM = Decimal(72) / Decimal("25.4")
PAGE_MM = {"A4": (210, 297), "A5": (148, 210), "Letter": (215.9, 279.4), "Legal": (215.9, 355.6)}


def _pages_text(path) -> list[str]:
    return [
        re.sub(r"\s+", " ", p.extract_text().replace("\u2010", "-").replace("\xad", ""))
        for p in pypdf.PdfReader(path).pages
    ]


@pytest.mark.parametrize("profile", ["print", "email", "archive"])
def test_about_box_and_address_are_on_the_last_page_of_every_output(sample_build, profile):
    publication = sample_build.newsletter.publication
    last = _pages_text(sample_build.output(profile).path)[-1]
    assert publication.about.title in last
    assert "volunteer-run residents" in last
    assert "Membership costs" in last  # the end of the About body, not just its start
    for line in publication.address.lines:
        assert line in last
    assert publication.address.email in last


def test_print_spells_out_link_addresses_and_the_screen_editions_do_not(sample_build):
    on_paper = "".join(_pages_text(sample_build.output("print").path)).replace(" ", "")
    on_screen = "".join(_pages_text(sample_build.output("email").path)).replace(" ", "")
    for address in (
        "https://millbrook.example.org/join",  # in the About box
        "https://millbrook.example.org/garden",  # in an article
        "https://millbrook.example.org/events",
    ):
        assert f"({address})" in on_paper
        assert f"({address})" not in on_screen


def _bleed_lines(page):
    trim = page.trimbox
    return [
        line
        for line in page.lines
        if line["x1"] <= trim[0] or line["x0"] >= trim[2] or line["bottom"] <= trim[1] or line["top"] >= trim[3]
    ]


def test_print_has_eight_crop_marks_on_every_page_at_the_trim_corners(sample_build):
    with pdfplumber.open(sample_build.output("print").path) as pdf:
        for page in pdf.pages:
            marks = _bleed_lines(page)
            assert len(marks) == 8, f"page {page.page_number}: {len(marks)} lines in the bleed"
            x0, top, x1, bottom = page.trimbox
            horizontal = sorted({round(m["top"], 1) for m in marks if m["top"] == m["bottom"]})
            vertical = sorted({round(m["x0"], 1) for m in marks if m["x0"] == m["x1"]})
            assert horizontal == [round(top, 1), round(bottom, 1)]
            assert vertical == [round(x0, 1), round(x1, 1)]
    with pdfplumber.open(sample_build.output("email").path) as pdf:
        assert all(_bleed_lines(page) == [] for page in pdf.pages)


def _trim_mm(path) -> list[tuple[float, float]]:
    with pikepdf.open(path) as pdf:
        sizes = []
        for page in pdf.pages:
            box = [Decimal(str(v)) for v in page.get("/TrimBox", page.MediaBox)]
            sizes.append((float((box[2] - box[0]) / MM), float((box[3] - box[1]) / MM)))
        return sizes


def test_the_sample_is_a4_in_every_output(sample_build):
    for output in sample_build.outputs:
        for width, height in _trim_mm(output.path):
            assert (width, height) == pytest.approx(PAGE_MM["A4"], abs=0.1)


@pytest.mark.parametrize("size", ["A5", "Letter", "Legal"])
def test_page_size_sets_the_trimmed_page_of_print_and_the_page_of_email(tmp_path, size):
    from newsletter_pdf.pipeline import build

    shutil.copytree(MINIMAL, tmp_path / "src")
    newsletter_yaml = tmp_path / "src" / "newsletter.yaml"
    newsletter_yaml.write_text(newsletter_yaml.read_text() + f"page_size: {size}\n")
    result = build(tmp_path / "src" / "2025-11", tmp_path / "out", profiles=["print", "email"])
    for output in result.outputs:
        for width, height in _trim_mm(output.path):
            assert (width, height) == pytest.approx(PAGE_MM[size], abs=0.1), output.profile.name
    with pikepdf.open(result.output("print").path) as pdf:  # and the bleed is 3 mm beyond it
        trim, bleed = pdf.pages[0].TrimBox, pdf.pages[0].BleedBox
        assert float(trim[0] - bleed[0]) == pytest.approx(float(3 * MM), abs=0.05)
