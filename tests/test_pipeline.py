"""The sample issue and a generated 25-article issue, built once per session and read back from the PDF."""

from __future__ import annotations

import re

import pypdf
import pytest

from newsletter_pdf.render.html import font_faces, smart_quotes
from support import pdfcheck
from support.paths import SAMPLE_ISSUE

BUNDLED = sorted({face.family for face in font_faces()})


def _text(path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2010", "-").replace("\xad", ""))


def test_sample_builds_three_outputs_of_four_pages(sample_build):
    assert [o.profile.name for o in sample_build.outputs] == ["print", "email", "archive"]
    assert all(o.pages == 4 for o in sample_build.outputs)
    assert sample_build.html is not None and sample_build.html.is_file()


def test_weasyprint_logged_nothing_while_building_the_sample(sample_build):
    assert sample_build.weasyprint_log == []
    assert sample_build.warnings == []


@pytest.mark.parametrize("profile", ["print", "email", "archive"])
def test_contents_numbers_are_the_pages_the_headings_are_on(sample_build, profile):
    path = sample_build.output(profile).path
    assert pdfcheck.contents_mismatches(path) == []


def test_contents_box_lists_every_article_in_order(sample_build):
    reader = pypdf.PdfReader(sample_build.pdf)
    titles = [item.title for item in reader.outline]
    articles = [smart_quotes(a.title) for a in sample_build.newsletter.issue.articles]
    assert titles == articles  # one bookmark per article, nothing else (with curly quotes, like the page)
    first_page = _flat(reader.pages[0].extract_text())
    for article in sample_build.newsletter.issue.articles:
        assert (article.short_title or article.title) in first_page.replace("’", "'")


@pytest.mark.parametrize("profile", ["print", "email", "archive"])
def test_no_two_words_overlap(sample_build, profile):
    assert pdfcheck.overlapping_words(sample_build.output(profile).path) == []


@pytest.mark.parametrize("profile", ["print", "email", "archive"])
def test_nothing_lies_outside_the_page(sample_build, profile):
    assert pdfcheck.text_outside_page(sample_build.output(profile).path) == []


def test_no_page_is_blank(sample_build):
    assert pdfcheck.blank_pages(sample_build.pdf) == []


def test_no_heading_ends_a_column(sample_build):
    assert pdfcheck.headings_alone(sample_build.pdf) == []


@pytest.mark.parametrize("profile", ["print", "email", "archive"])
def test_only_bundled_fonts_are_embedded(sample_build, profile):
    assert pdfcheck.unbundled_fonts(sample_build.output(profile).path, BUNDLED) == []


def test_about_box_and_address_are_printed_on_the_last_page(sample_build):
    publication = sample_build.newsletter.publication
    reader = pypdf.PdfReader(sample_build.pdf)
    last = _flat(reader.pages[-1].extract_text())
    assert publication.about.title in last
    assert "volunteer-run residents" in last  # from the About body
    for line in publication.address.lines:
        assert line in last
    assert publication.address.email in last
    assert "millbrook.example.org" in last


def test_masthead_and_footer(sample_build):
    reader = pypdf.PdfReader(sample_build.pdf)
    first = _flat(reader.pages[0].extract_text())
    assert "The Millbrook Post" in first
    assert "november 2025" in first.lower()  # the masthead line is set in capitals
    assert "volume 4, number 23" in first.lower()
    assert "Monthly newsletter of the Millbrook Commons Association" in first
    for number, page in enumerate(reader.pages, start=1):
        text = _flat(page.extract_text())
        assert f"Page {number} of {len(reader.pages)}" in text
        assert "The Millbrook Post · November 2025" in text


def test_articles_show_dates_bylines_and_read_more_links(sample_build):
    text = _flat(_text(sample_build.pdf))
    assert "25 October 2025 · By Zoë Hartley" in text
    reader = pypdf.PdfReader(sample_build.pdf)
    uris = {
        annot.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/A") is not None
    }
    for article in sample_build.newsletter.issue.articles:
        if article.source:
            assert article.source in uris
            assert article.source in text.replace(" ", "")  # printed in full, for paper


def test_pdf_metadata(sample_build):
    reader = pypdf.PdfReader(sample_build.pdf)
    assert reader.metadata.title == "The Millbrook Post — November 2025, Vol. 4 No. 23"
    assert reader.metadata.author == "The Millbrook Post"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


@pytest.mark.parametrize("profile", ["print", "email"])
def test_the_long_article_jumps_with_both_page_numbers_computed(sample_build, profile):
    reader = pypdf.PdfReader(sample_build.output(profile).path)
    pages = [_flat(page.extract_text()) for page in reader.pages]
    starts = [reader.get_destination_page_number(item) + 1 for item in reader.outline]
    long_index = next(i for i, a in enumerate(sample_build.newsletter.issue.articles) if a.jump_after)
    start = starts[long_index]
    jump_to = re.search(r"Continued on page (\d+)", pages[start - 1])
    assert jump_to, "no jump line on the page the article starts on"
    continued_on = int(jump_to.group(1))
    assert continued_on > start
    jump_from = re.search(r"Continued from page (\d+)", pages[continued_on - 1])
    assert jump_from and int(jump_from.group(1)) == start
    assert "Floods, war and a long decline" in pages[continued_on - 1]  # the first block after the jump


def test_the_sample_is_fitted_to_its_page_count(sample_build):
    assert sample_build.newsletter.issue.pages == 4
    for report in sample_build.fits.values():
        assert report.reached, report.message


def test_the_image_stays_inside_its_column(sample_build):
    import pdfplumber

    with pdfplumber.open(sample_build.pdf) as pdf:
        page = pdf.pages[0]
        (image,) = page.images
        middle = page.width / 2
        assert image["x1"] <= middle  # left column
        assert image["x0"] >= 0 and image["bottom"] <= page.height


# --- the generated 25-article issue -------------------------------------------


def test_stress_issue_builds_without_warnings(stress_build):
    assert stress_build.weasyprint_log == []
    assert stress_build.pages >= 10


def test_stress_issue_contents_numbers_are_right(stress_build):
    assert pdfcheck.contents_mismatches(stress_build.pdf) == []


def test_stress_issue_has_no_overlapping_words(stress_build):
    assert pdfcheck.overlapping_words(stress_build.pdf) == []


def test_stress_issue_keeps_everything_on_the_page(stress_build):
    assert pdfcheck.text_outside_page(stress_build.pdf) == []


def test_stress_issue_has_no_blank_page(stress_build):
    assert pdfcheck.blank_pages(stress_build.pdf) == []


def test_stress_issue_has_no_heading_alone_at_a_column_foot(stress_build):
    assert pdfcheck.headings_alone(stress_build.pdf) == []


def test_stress_issue_embeds_only_bundled_fonts(stress_build):
    assert pdfcheck.unbundled_fonts(stress_build.pdf, BUNDLED) == []


def test_sample_issue_folder_is_the_one_documented():
    assert (SAMPLE_ISSUE / "issue.yaml").is_file()
