"""Checks of a laid-out issue that need to know the issue (its lead, its pull quotes, its box colour).

Like pdfcheck's, each is a function of a written PDF returning `Finding`s (empty: passed).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from support.pdfcheck import Finding, _Doc, _segments, across_text, normalize_text

# A line of a contents box that is only leader dots (and perhaps the page number).
_LEADERS_ONLY = re.compile(r"^[\s.\u00b7\u2024\u2025\u2026]{3,}\d*$")


def leaders_alone(pdf_path: str | Path, contents_page: int = 1, columns: int = 2) -> list[Finding]:
    """Lines of leader dots with no words of the title before them."""
    with _Doc(pdf_path) as doc:
        if not 1 <= contents_page <= len(doc.pages):
            return []
        box = doc.page_box(doc.pages[contents_page - 1])
        found = []
        for segment in _segments(doc.words(contents_page - 1), box, columns):
            text = " ".join(w.text for w in segment)
            if _LEADERS_ONLY.match(text) and "." in text:
                bbox = (segment[0].x0, segment[0].top, segment[-1].x1, segment[-1].bottom)
                found.append(Finding("leaders_alone", contents_page, f"a line of leaders alone: {text!r}", bbox))
        return found


def heading_page(pdf_path: str | Path, title: str, heading_font: str, columns: int) -> int | None:
    """The first page (1-based) carrying `title` in the heading font, or None."""
    wanted = normalize_text(title)
    with _Doc(pdf_path) as doc:
        for index in range(len(doc.pages)):
            if wanted in across_text(doc, index, heading_font, columns):
                return index + 1
    return None


def _chars(doc: _Doc) -> list[dict]:
    return [c for page in doc.pages for c in page.chars if c["text"].strip()]


def pull_quotes_not_larger(pdf_path: str | Path, quotes: list[str], margin: float = 1.1) -> list[Finding]:
    """Each pull quote must be set at least `margin` times the body text size (the commonest size)."""
    with _Doc(pdf_path) as doc:
        chars = _chars(doc)
        if not chars or not quotes:
            return []
        body = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
        found = []
        for quote in quotes:
            words = quote.split()[:4]
            sizes = []
            for index in range(len(doc.pages)):
                for line in _lines_with(doc, index, words):
                    sizes.append(max(w.size for w in line))
            if not sizes:
                found.append(Finding("pull_quotes", None, f"the pull quote {quote[:40]!r} is not in the PDF"))
            elif max(sizes) < body * margin:
                found.append(
                    Finding(
                        "pull_quotes",
                        None,
                        f"the pull quote {quote[:40]!r} is set at {max(sizes):.1f} pt, not larger than the "
                        f"{body:.1f} pt body",
                    )
                )
        return found


def _lines_with(doc: _Doc, index: int, words: list[str]):
    """Runs of page words that start with the given words in order (a pull quote's opening)."""
    page_words = doc.words(index)
    texts = [normalize_text(w.text) for w in page_words]
    wanted = [normalize_text(w) for w in words]
    for start in range(len(texts) - len(wanted) + 1):
        if texts[start : start + len(wanted)] == wanted:
            yield page_words[start : start + len(wanted)]


def boxes_without_heading(pdf_path: str | Path, fill: tuple[float, float, float]) -> list[Finding]:
    """Every tinted box (background `fill`, RGB 0-1) must open with bold words: a box that ran on
    without its heading (bullets at the top of a column) fails."""
    found = []
    with _Doc(pdf_path) as doc:
        for index, page in enumerate(doc.pages):
            words = doc.words(index)
            for rect in page.rects:
                colour = rect.get("non_stroking_color")
                if not isinstance(colour, (list, tuple)) or len(colour) != 3:
                    continue
                if any(abs(a - b) > 0.01 for a, b in zip(colour, fill)) or rect["height"] < 15:
                    continue
                inside = [
                    w
                    for w in words
                    if rect["x0"] - 1 <= w.x0
                    and w.x1 <= rect["x1"] + 1
                    and rect["top"] - 1 <= w.top
                    and w.bottom <= rect["bottom"] + 1
                ]
                if not inside:
                    continue
                first = min(inside, key=lambda w: (round(w.top), w.x0))
                if "bold" not in first.fontname.lower():
                    bbox = (rect["x0"], rect["top"], rect["x1"], rect["bottom"])
                    found.append(
                        Finding(
                            "boxes_without_heading",
                            index + 1,
                            f"a tinted box opens with {first.text!r} ({first.fontname}), not a heading",
                            bbox,
                        )
                    )
    return found


def hex_rgb(colour: str) -> tuple[float, float, float]:
    """'#eaf1f5' -> (0.918, 0.945, 0.961), as pdfplumber reports fill colours."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b)


def small_text(pdf_path: str | Path, min_size: float, footer_min: float, footer_band: float) -> list[Finding]:
    """Text under `min_size` pt (in the bottom `footer_band` pt of the page, under `footer_min`): large print."""
    found = []
    with _Doc(pdf_path) as doc:
        for index, page in enumerate(doc.pages):
            for word in doc.words(index):
                floor = footer_min if word.top > page.height - footer_band else min_size
                if word.size < floor - 0.05:
                    found.append(
                        Finding(
                            "small_text", index + 1, f"{word.text!r} is {word.size:.1f} pt, under {floor}", word.bbox
                        )
                    )
    return found
