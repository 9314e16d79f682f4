"""Automatic jump lines: front-page articles that would run on are continued after the others."""

from __future__ import annotations

from newsletter_pdf.input.models import Newsletter
from newsletter_pdf.render import engine
from newsletter_pdf.render.layouts import Layout


def _article_boxes(page, article_id: str) -> list:
    """The boxes of one article on a page (an article split across pages has boxes on each).

    The lead story's text is `<article id="article-N-text">`: its headline, with the id the
    contents box links to, is set above the columns."""
    return engine.element_boxes(page, "article", article_id) or engine.element_boxes(
        page, "article", article_id + "-text"
    )


def _body_blocks(article_box) -> list:
    """The block elements of the article's body, as laid out in this box."""
    for box in article_box.descendants():
        element = getattr(box, "element", None)
        if element is not None and "article-body" in (element.get("class") or "").split():
            return [
                child.element for child in getattr(box, "children", []) if getattr(child, "element", None) is not None
            ]
    return []


def _without_trailing_headings(blocks: list, whole: int) -> int:
    """A part never ends on a subheading: its heading goes on with the text it introduces."""
    while whole > 0 and _is_heading(blocks[whole - 1]):
        whole -= 1
    return whole


def _is_heading(block) -> bool:
    """A subheading, or a paragraph that is only bold words (written as one: **December**)."""
    return block.tag in ("h2", "h3", "h4", "h5", "h6") or "heading-line" in (block.get("class") or "").split()


def _lines(boxes) -> int:
    return len(engine.line_boxes(boxes))


def decide(rendered, newsletter: Newsletter, layout: Layout) -> dict[int, int]:
    """Article index -> blocks to keep on the front page, for articles that would run past it.

    Only articles that start on page 1, have no jump_after of their own, and would leave at
    least `jump.min_lines` lines for later pages are jumped; the first part keeps the blocks
    that fit whole on page 1.
    """
    if not layout.jump.front_page or len(rendered.document.pages) < 2:
        return {}
    first, later = rendered.document.pages[0], rendered.document.pages[1:]
    jumps = {}
    for index, article in enumerate(newsletter.issue.articles):
        if article.jump_after:
            continue
        article_id = f"article-{index + 1}"
        on_first = _article_boxes(first, article_id)
        if not on_first:
            continue
        on_later = [box for page in later for box in _article_boxes(page, article_id)]
        if not on_later or _lines(on_later) < layout.jump.min_lines:
            continue
        first_blocks = [b for box in on_first for b in _body_blocks(box)]
        later_blocks = {id(b) for box in on_later for b in _body_blocks(box)}
        whole = 0
        for block in first_blocks:
            if id(block) in later_blocks:
                break
            whole += 1
        # One block fewer than fitted: the jump line needs its own room at the foot of the part.
        whole = _without_trailing_headings(first_blocks, whole - 1 if whole > 1 else whole)
        if whole >= 1:
            jumps[index] = whole
    return jumps


def decide_boxes(rendered, newsletter: Newsletter) -> dict[int, int]:
    """Article index -> blocks in the first part, for boxes (kind: box) that ran on in a layout where boxes may split.

    A box is never cut silently: where one runs past a column or a page, it is set as two boxes, the second
    under its heading again with "(continued)". Each part then stays whole.
    """
    splits = {}
    pages = rendered.document.pages
    for index, article in enumerate(newsletter.issue.articles):
        if article.kind != "box" or article.pull_quote:
            continue
        article_id = f"article-{index + 1}"
        fragments = [box for page in pages for box in _article_boxes(page, article_id)]
        if len(fragments) < 2:
            continue
        first_blocks = _body_blocks(fragments[0])
        later = {id(b) for box in fragments[1:] for b in _body_blocks(box)}
        whole = 0
        for block in first_blocks:
            if id(block) in later:
                break
            whole += 1
        whole = _without_trailing_headings(first_blocks, whole)
        if whole >= 1:
            splits[index] = whole
    return splits
