"""The PDFs of a right-to-left issue (the Persian sample) and of an English issue set in Albanian, read back."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from newsletter_pdf.messages import label_catalogue
from support import pdfcheck
from support.paths import ROOT

PERSIAN_ISSUE = ROOT / "issues" / "persian" / "2025-11"
ENGLISH_LABELS = ("Inside this issue", "Volume", "Number", "By ", "Read more", "Continued", "Contact us", "Page ")


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in logical order (pdfium reorders right-to-left runs), without isolates."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def heading_positions(pdf: Path) -> list[tuple[str, int, float]]:
    """(title, page, left x) of each article heading, from the bookmarks' destinations."""
    reader = pypdf.PdfReader(pdf)
    return [(str(o.title), reader.get_destination_page_number(o) + 1, float(o.left)) for o in reader.outline]


@pytest.fixture(scope="module")
def persian(tmp_path_factory):
    from newsletter_pdf.pipeline import build

    return build(PERSIAN_ISSUE, tmp_path_factory.mktemp("fa"), profiles=["email"], strict=True)


@pytest.fixture(scope="module")
def albanian(tmp_path_factory):
    """The generated English issue (seed 7), in an Albanian publication, dated November 2023."""
    from newsletter_pdf.pipeline import build
    from support.stress_issue import write_stress_issue

    issue = write_stress_issue(tmp_path_factory.mktemp("sq"), articles=5, seed=7)
    publication = issue.parent / "newsletter.yaml"
    publication.write_text(publication.read_text(encoding="utf-8").replace("language: en", "language: sq"), "utf-8")
    issue_yaml = issue / "issue.yaml"
    text = re.sub(r"^date: .*$", "date: 2023-11", issue_yaml.read_text(encoding="utf-8"), count=1, flags=re.M)
    issue_yaml.write_text(text, encoding="utf-8")
    return build(issue, tmp_path_factory.mktemp("sq-out"), profiles=["email"], write_html=True)


def test_persian_builds_strictly_under_a_persian_file_name(persian):
    assert persian.pdf.name == "khbrnmh-bghnr-2025-11-email.pdf"
    assert persian.notices == []  # Persian labels exist: no English fallback warning


def test_persian_first_article_opens_in_the_right_hand_column(persian, sample_build):
    width = float(pypdf.PdfReader(persian.pdf).pages[0].mediabox.width)
    headings = heading_positions(persian.pdf)
    first_title, first_page, _ = headings[0]
    # The lead's headline runs across both columns (issue 11), so where it starts says nothing.
    assert first_title == "کتابخانهٔ کوچک محله باز شد" and first_page == 1
    # Reading on, the columns run right to left: a later article on page 1 opens in the left column.
    assert any(page == 1 and left < width / 2 for _, page, left in headings[1:])
    # The English sample, for comparison, opens in the left-hand column.
    english = heading_positions(sample_build.pdf)
    assert english[0][2] < width / 2


def test_persian_month_labels_and_digits_are_persian_with_no_english_label(persian):
    pages = page_texts(persian.pdf)
    text = "\n".join(pages)
    assert "نوامبر ۲۰۲۵" in pages[0]
    assert "در این شماره" in pages[0]
    assert "تماس با ما" in text
    for english in ENGLISH_LABELS:
        assert english not in text, english
    assert "2025" not in text  # dates and numbers in Persian digits (the phone number keeps its own)


def test_persian_contents_numbers_sit_left_of_their_titles_and_match_the_headings(persian):
    import pdfplumber

    headings = heading_positions(persian.pdf)
    with pdfplumber.open(persian.pdf) as pdf:
        page = pdf.pages[0]
        # The contents box opens the right-hand column, under the lead's headline (set across the
        # columns) and above the second article's heading. Leader dots come in runs on a line.
        column = [c for c in page.chars if c["x0"] > page.width / 2 - 10]
        second_heading_top = page.height - float(pypdf.PdfReader(persian.pdf).outline[1].top)
        dots = [c for c in column if c["text"] == "." and c["top"] < second_heading_top]
        leaders = [c for c in dots if sum(abs(d["top"] - c["top"]) < 1 for d in dots) >= 4]
        box = [c for c in column if leaders[0]["top"] - 2 <= c["top"] <= leaders[-1]["bottom"]]
        numbers = sorted((c for c in box if "\u06f0" <= c["text"] <= "\u06f9"), key=lambda c: c["top"])
        assert len(numbers) == len(headings), [c["text"] for c in numbers]
        for number, (title, heading_page, _) in zip(numbers, headings, strict=True):
            words = [c for c in box if abs(c["top"] - number["top"]) < 2 and c["text"] not in ". " and c is not number]
            assert words and number["x1"] <= min(c["x0"] for c in words), f"{title}: number not at the left"
            assert int(number["text"].translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))) == heading_page, title


def test_persian_folio_is_mirrored_page_number_left(persian):
    import pdfplumber

    with pdfplumber.open(persian.pdf) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            foot = [c for c in page.chars if c["top"] > page.height - 20 * 72 / 25.4]
            left = {c["text"] for c in foot if c["x1"] < page.width / 2}
            right = {c["text"] for c in foot if c["x0"] > page.width / 2}
            assert chr(0x06F0 + number) in left, f"page {number}: no page number at the left"
            assert {"۲", "۰", "۵"} <= right and "ن" in right, f"page {number}: no name and month at the right"


def test_persian_jump_line_reads_in_persian_with_the_page_it_continues_on(persian):
    pages = page_texts(persian.pdf)
    continued_on, _ = label_catalogue("fa")["continued_on"].split("{page}")
    assert continued_on.strip().split()[0] in pages[0]
    assert len(pages) == 2 and "۲" in pages[0]


def test_persian_uses_bundled_fonts_only_and_draws_every_glyph(persian):
    import pdfplumber

    assert pdfcheck.unbundled_fonts(persian.pdf) == []
    used = set(pdfcheck.embedded_fonts(persian.pdf))
    assert any("Naskh-Arabic" in name for name in used) and any("Sans-Arabic" in name for name in used)
    with pdfplumber.open(persian.pdf) as pdf:
        for page in pdf.pages:
            drawn = {c["text"] for c in page.chars}
            assert not drawn & {"", "\x00", "\ufffd"}, "a glyph with no character: .notdef"
    # Arabic fonts' em boxes stand taller than their ink: at a tight line height, a heading's box
    # reaches a point into the line below it (checked by eye on the PNG). Real overlaps are larger.
    assert pdfcheck.overlapping_words(persian.pdf, tolerance=2.0) == []
    assert pdfcheck.text_outside_page(persian.pdf) == []


def test_albanian_issue_shows_the_albanian_month_and_labels(albanian):
    labels = label_catalogue("sq")
    text = "\n".join(page_texts(albanian.pdf)).casefold()  # (headings are set in capitals)
    assert "nëntor 2023" in text
    assert labels["contents_title"].casefold() in text
    assert "faqja 1 nga" in text
    assert "vëllimi 9, numri 99" in text and "na kontaktoni" in text
    assert "\nnga " in text or " · nga " in text  # bylines
    for english in ("inside this issue", "contact us", "page 1 of", "volume ", "\nby "):
        assert english not in text, english
    assert albanian.notices == []
    assert pdfcheck.unbundled_fonts(albanian.pdf) == []
    html = albanian.html.read_text(encoding="utf-8")
    assert '<html lang="sq">' in html  # Albanian hyphenation (pyphen has sq)
