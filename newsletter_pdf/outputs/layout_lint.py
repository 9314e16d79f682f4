"""Layout lint: what a reader would see wrong on the written pages, read back with pdfium.

Every check reads the finished PDF (never WeasyPrint's layout), so it sees what the printer and
the reader get. Findings are data: check name, page (1-based), message and a box in PDF points
(x0, y0, x1, y1; y grows upwards, in the page's own user space, as the TrimBox is written).

The checks:
- overlapping_words: two words drawn over each other;
- text_outside_trim: a glyph reaching beyond the TrimBox (cut off by the guillotine);
- blank_page: nothing on the page but running elements (footer, folio, running title);
- heading_alone: a heading with nothing under it in its column (its article starts elsewhere);
- masthead_only: page 1 carries no article text, only the masthead and boxes;
- text_over_image: text drawn on top of a picture (a caption over its photo).

Words are read per character with pypdfium2's raw FPDFText_* API: glyph boxes (tight, for
overlaps), baselines (for lines), font names and sizes (for body text and headings).
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

BBox = tuple[float, float, float, float]

CHECKS = (
    "overlapping_words",
    "text_outside_trim",
    "blank_page",
    "heading_alone",
    "masthead_only",
    "text_over_image",
)

TOLERANCE = 0.75  # points: less than this is anti-aliasing, not a fault
HEADING_RATIO = 1.15  # a heading is bold and at least this much larger than the body text
ARTICLE_TEXT_MIN = 40  # characters of body text (half a line or more) that make a page carry an article
RUNNING_BAND = 0.15  # running elements live in the top or bottom 15 % of the page


@dataclass(frozen=True)
class Finding:
    """One thing wrong on a page."""

    check: str
    page: int
    message: str
    bbox: BBox | None = None

    def __str__(self) -> str:
        return f"page {self.page}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Word:
    text: str
    box: BBox  # tight glyph box
    baseline: float
    font: str  # without the subset tag
    size: float
    running: bool = False

    @property
    def bold(self) -> bool:
        return "bold" in self.font.lower() or "black" in self.font.lower() or "heavy" in self.font.lower()


@dataclass
class Page:
    number: int
    trim: BBox
    words: list[Word] = field(default_factory=list)
    images: list[BBox] = field(default_factory=list)


_SUBSET = re.compile(r"^[A-Z]{6}\+")


def read_pages(pdf_path: Path | str) -> list[Page]:
    """Every page's words (in drawing order), image boxes and TrimBox."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        return [_read_page(document[i], i + 1, raw) for i in range(len(document))]
    finally:
        document.close()


def _read_page(page, number: int, raw) -> Page:
    trim = tuple(float(v) for v in page.get_trimbox())
    result = Page(number, trim)  # type: ignore[arg-type]
    for image in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
        result.images.append(tuple(float(v) for v in image.get_bounds()))  # type: ignore[arg-type]
    textpage = page.get_textpage()
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    current: list[tuple[str, BBox, float, str, float]] = []

    def flush():
        if current:
            boxes = [c[1] for c in current]
            box = (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            text = "".join(c[0] for c in current)
            result.words.append(Word(text, box, current[0][2], current[0][3], max(c[4] for c in current)))
            current.clear()

    try:
        for i in range(textpage.count_chars()):
            char = chr(raw.FPDFText_GetUnicode(textpage, i))
            if raw.FPDFText_IsGenerated(textpage, i) or char.isspace() or char == "\x00":
                flush()
                continue
            raw.FPDFText_GetCharBox(textpage, i, left, right, bottom, top)
            raw.FPDFText_GetCharOrigin(textpage, i, x, y)
            size = float(raw.FPDFText_GetFontSize(textpage, i))
            box = (left.value, bottom.value, right.value, top.value)
            if current:
                last = current[-1]
                gap = box[0] - last[1][2]
                ligature = abs(box[0] - last[1][0]) < 0.01 and abs(box[2] - last[1][2]) < 0.01  # 'ffi' is one glyph
                if not ligature and (
                    abs(y.value - last[2]) > 0.3 * max(size, last[4]) or gap > 0.25 * size or gap < -0.5 * size
                ):
                    flush()
            if not current:  # a word takes its first letter's font: ask pdfium once a word
                raw.FPDFText_GetFontInfo(textpage, i, buffer, len(buffer), flags)
                font = _SUBSET.sub("", buffer.value.decode("utf-8", "replace"))
            current.append((char, box, y.value, font, size))
        flush()
    finally:
        textpage.close()
    return result


# --- running elements and body text --------------------------------------------------------


def _key(word: Word) -> tuple[str, int, int]:
    return (re.sub(r"\d+", "#", word.text), round(word.box[0] / 4), round(word.baseline))


def mark_running(pages: list[Page]) -> None:
    """Words repeated at the same place on two or more pages, near the top or bottom edge (digits
    ignored, so 'Page 1 of 4' matches 'Page 2 of 4'): footers, folios, running titles."""
    seen: Counter = Counter()
    for page in pages:
        for key in {_key(w) for w in page.words if _in_band(w, page)}:
            seen[key] += 1
    for page in pages:
        for word in page.words:
            word.running = _in_band(word, page) and seen[_key(word)] >= 2


def _in_band(word: Word, page: Page) -> bool:
    height = page.trim[3] - page.trim[1]
    return word.box[3] <= page.trim[1] + RUNNING_BAND * height or word.box[1] >= page.trim[3] - RUNNING_BAND * height


def body_style(pages: list[Page]) -> tuple[str, float] | None:
    """The font and size most characters are set in: the body text."""
    counts: Counter = Counter()
    for page in pages:
        for word in page.words:
            if not word.running:
                counts[(word.font, round(word.size, 1))] += len(word.text)
    return counts.most_common(1)[0][0] if counts else None


# --- the checks -----------------------------------------------------------------------------


def _overlap(a: BBox, b: BBox) -> tuple[float, float]:
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def _r(box: BBox) -> BBox:
    return tuple(round(v, 1) for v in box)  # type: ignore[return-value]


def overlapping_words(page: Page) -> list[Finding]:
    words = sorted(page.words, key=lambda w: -w.box[3])
    found = []
    for i, word in enumerate(words):
        for other in words[i + 1 :]:
            if other.box[3] < word.box[1] - TOLERANCE:
                break  # sorted by top: nothing lower can reach this word
            dx, dy = _overlap(word.box, other.box)
            if dx > TOLERANCE and dy > TOLERANCE:
                found.append(
                    Finding(
                        "overlapping_words",
                        page.number,
                        f"{word.text!r} and {other.text!r} are drawn over each other",
                        _r(word.box),
                    )
                )
    return found


def text_outside_trim(page: Page) -> list[Finding]:
    x0, y0, x1, y1 = page.trim
    return [
        Finding("text_outside_trim", page.number, f"{w.text!r} reaches beyond the trimmed page", _r(w.box))
        for w in page.words
        if w.box[0] < x0 - TOLERANCE
        or w.box[1] < y0 - TOLERANCE
        or w.box[2] > x1 + TOLERANCE
        or w.box[3] > y1 + TOLERANCE
    ]


def blank_page(page: Page) -> list[Finding]:
    if page.images or any(not w.running for w in page.words):
        return []
    running = " ".join(w.text for w in page.words)
    return [
        Finding(
            "blank_page",
            page.number,
            "the page is blank apart from its running elements" + (f" ({running})" if running else ""),
            _r(page.trim),
        )
    ]


def masthead_only(page: Page, body: tuple[str, float] | None) -> list[Finding]:
    if page.number != 1 or body is None:
        return []
    # Contents entries may be set in the body font: lines with dot leaders are not article text.
    lines = _lines([w for w in page.words if not w.running])
    body_chars = sum(
        len(w.text)
        for line in lines
        if sum(1 for w in line if _LEADER.fullmatch(w.text)) < 3
        for w in line
        if _is_body(w, body)
    )
    if body_chars >= ARTICLE_TEXT_MIN:
        return []
    return [
        Finding(
            "masthead_only",
            1,
            "the front page holds the masthead but no article text: the first article starts on a later page",
        )
    ]


_LEADER = re.compile(r"[.\u00b7\u2024\u2025\u2026]+")


def _is_body(word: Word, body: tuple[str, float]) -> bool:
    return word.font == body[0] and abs(word.size - body[1]) < 0.3


def text_over_image(page: Page) -> list[Finding]:
    found = []
    for image in page.images:
        for word in page.words:
            dx, dy = _overlap(word.box, image)
            if dx > TOLERANCE and dy > 0.3 * (word.box[3] - word.box[1]):
                found.append(
                    Finding("text_over_image", page.number, f"{word.text!r} is drawn over a picture", _r(word.box))
                )
    return found


def _lines(words: list[Word]) -> list[list[Word]]:
    """Words of one column -> lines (shared baseline), top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (-w.baseline, w.box[0])):
        if lines and abs(lines[-1][0].baseline - word.baseline) <= 0.3 * word.size:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def heading_alone(page: Page, body: tuple[str, float] | None, columns: int) -> list[Finding]:
    """A heading line (all bold, larger than body) with no text or picture below it in its column."""
    if body is None:
        return []
    x0, _, x1, _ = page.trim
    width = (x1 - x0) / max(columns, 1)
    content = [w for w in page.words if not w.running]
    found = []
    for column in range(max(columns, 1)):
        left, right = x0 + column * width, x0 + (column + 1) * width
        mine = [w for w in content if left <= (w.box[0] + w.box[2]) / 2 < right]
        lines = _lines(mine)
        if not lines:
            continue
        last = lines[-1]
        if not all(w.bold and w.size >= HEADING_RATIO * body[1] for w in last):
            continue
        bottom = min(w.box[1] for w in last)
        below = [
            im for im in page.images if im[3] <= bottom + TOLERANCE and min(im[2], right) - max(im[0], left) > TOLERANCE
        ]
        if below:
            continue
        box = (min(w.box[0] for w in last), bottom, max(w.box[2] for w in last), max(w.box[3] for w in last))
        text = " ".join(w.text for w in last)
        found.append(
            Finding(
                "heading_alone",
                page.number,
                f"heading {text!r} ends column {column + 1}: its text starts in the next column or page",
                _r(box),
            )
        )
    return found


def lint(pdf_path: Path | str, columns: int = 2, pages: list[Page] | None = None) -> list[Finding]:
    """Every check on every page of a written PDF; an empty list means the pages look right."""
    pages = read_pages(pdf_path) if pages is None else pages
    mark_running(pages)
    body = body_style(pages)
    found: list[Finding] = []
    for page in pages:
        found += overlapping_words(page)
        found += text_outside_trim(page)
        found += blank_page(page)
        found += masthead_only(page, body)
        found += heading_alone(page, body, columns)
        found += text_over_image(page)
    return found
