"""What the golden pictures show, checked by tests that know what is right, so that a fault still
fails the suite after `pytest --update-golden` has rewritten the pictures: a caption under its
photo (not over it), a pull quote set apart from the body text, no page holding only a footer."""

from __future__ import annotations

import pytest

from newsletter_pdf.outputs import layout_lint
from support import pdfcheck


def _words(path) -> list[layout_lint.Page]:
    pages = layout_lint.read_pages(path)
    layout_lint.mark_running(pages)
    return pages


def _find(pages, text: str) -> list[layout_lint.Word]:
    """The words of `text`, in order, where they first occur as a run on one page."""
    wanted = text.split()
    for page in pages:
        words = page.words
        for start in range(len(words)):
            if [w.text for w in words[start : start + len(wanted)]] == wanted:
                return words[start : start + len(wanted)]
    raise AssertionError(f"{text!r} is not in the PDF")


@pytest.mark.parametrize("profile", ["print", "email"])
def test_the_caption_sits_under_its_photo_not_over_it(sample_build, profile):
    pages = _words(sample_build.output(profile).path)
    article = next(a for a in sample_build.newsletter.issue.articles if a.image is not None and a.image.caption)
    caption = _find(pages, " ".join(article.image.caption.split()[:4]))
    page = next(p for p in pages if caption[0] in p.words)
    (photo,) = page.images
    for word in caption:
        assert word.box[3] <= photo[1] + 0.5, f"caption word {word.text!r} is drawn over the photo"
    assert photo[1] - caption[0].box[3] < 20  # close under it (20 pt), not somewhere else
    assert min(photo[2], caption[-1].box[2]) > max(photo[0], caption[0].box[0])  # and in its column


@pytest.mark.parametrize("profile", ["print", "email"])
def test_the_pull_quote_is_set_apart_from_the_body_text(sample_build, profile):
    pages = _words(sample_build.output(profile).path)
    font, size = layout_lint.body_style(pages)
    article = next(a for a in sample_build.newsletter.issue.articles if a.pull_quote)
    quote = _find(pages, " ".join(article.pull_quote.split()[:6]))
    for word in quote:
        assert word.font != font, f"pull quote word {word.text!r} is in the body font {font}"
        assert "italic" in word.font.lower()
        assert word.size >= 1.15 * size, f"pull quote word {word.text!r} at {word.size} is not larger than body {size}"


@pytest.mark.parametrize("profile", ["print", "email", "archive"])
def test_no_page_holds_only_running_elements(sample_build, profile):
    path = sample_build.output(profile).path
    assert pdfcheck.blank_pages(path) == []
    assert [f for f in layout_lint.lint(path) if f.check in ("blank_page", "masthead_only")] == []
    pages = _words(path)
    assert all(any(w.running for w in page.words) for page in pages)  # the footer was recognised
