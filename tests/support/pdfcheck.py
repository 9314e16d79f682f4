"""Layout sanity checks of a written PDF, read back with pdfplumber/pypdf.

Every check is a pure function of a PDF file and returns a list of `Finding`s; an empty
list means the check passed. pdfplumber and pypdf are imported inside the functions, so
importing this module (or the package) costs nothing for commands that never read a PDF.

Coordinates in findings are pdfplumber's: points, `(x0, top, x1, bottom)`, x growing to the
right and `top` growing downwards. With bleed, WeasyPrint writes a MediaBox that does not start
at 0,0 (e.g. [-8.5 -8.5 603.8 850.4] on A4). pdfplumber then reports x in PDF user space and
`top` as `mediabox_height - y`; its `trimbox`, `cropbox` and `mediabox` attributes use that same
frame, so page boxes are always taken from pdfplumber and compared with chars as they are.

Reading the columns back: pdfplumber's plain text reading goes straight across the page, so
the checks group words into columns (the page box split into `columns` equal bands, by the
centre of each word) and lines (vertical overlap) themselves.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

BBox = tuple[float, float, float, float]

#: The checks `all_findings` runs, by name.
CHECKS = (
    "overlapping_words",
    "text_outside_page",
    "blank_pages",
    "unbundled_fonts",
    "contents_mismatches",
    "headings_alone",
)

DEFAULT_HEADING_FONT = "Noto Sans Bold"
DEFAULT_HEADING_MIN_SIZE = 12.0


@dataclass(frozen=True)
class Finding:
    """One problem found in a PDF. `page` is 1-based (None for the whole document)."""

    check: str
    page: int | None
    message: str
    bbox: BBox | None = None

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page is not None else ""
        return f"{self.check}: {where}{self.message}"


# ---------------------------------------------------------------------------------------------
# Reading the document


@dataclass(frozen=True)
class _Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    fontname: str
    size: float

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def font(self) -> str:
        return base_font_name(self.fontname)


@dataclass
class _Line:
    words: list[_Word]
    column: int

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in sorted(self.words, key=lambda w: w.x0))


class _Doc:
    """An open PDF with each page's words, chars and images read once."""

    def __init__(self, pdf_path: str | Path):
        import pdfplumber

        self.path = Path(pdf_path)
        self._pdf = pdfplumber.open(self.path)
        self.pages = self._pdf.pages
        self._words: dict[int, list[_Word]] = {}
        self._reader = None

    def close(self) -> None:
        self._pdf.close()

    def __enter__(self) -> _Doc:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def reader(self):
        if self._reader is None:
            import pypdf

            self._reader = pypdf.PdfReader(self.path)
        return self._reader

    def words(self, index: int) -> list[_Word]:
        """Words of page `index` (0-based), in content-stream order."""
        if index not in self._words:
            raw = self.pages[index].extract_words(
                use_text_flow=True, keep_blank_chars=False, extra_attrs=["fontname", "size"]
            )
            self._words[index] = [
                _Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], str(w["fontname"]), float(w["size"]))
                for w in raw
            ]
        return self._words[index]

    @staticmethod
    def page_box(page) -> BBox:
        """The trimmed page (TrimBox, else CropBox, else MediaBox) in pdfplumber's frame."""
        box = getattr(page, "trimbox", None) or page.cropbox or page.mediabox
        return tuple(float(v) for v in box)  # type: ignore[return-value]

    @staticmethod
    def bleed_box(page) -> BBox:
        box = getattr(page, "bleedbox", None) or page.cropbox or page.mediabox
        return tuple(float(v) for v in box)  # type: ignore[return-value]


def _with_doc(pdf_path, fn, *args, **kwargs):
    if isinstance(pdf_path, _Doc):
        return fn(pdf_path, *args, **kwargs)
    with _Doc(pdf_path) as doc:
        return fn(doc, *args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Text and name normalisation

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_DROPPED = dict.fromkeys(map(ord, "\u00ad\u2010\u2011-\u200b\u2060\ufeff"), None)
_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
    }
)  # fmt: skip
_STYLE_WORDS = re.compile(
    r"^(?:regular|normal|book|roman|plain|bold|italic|oblique|slanted|medium|light|thin|hairline|black|heavy|"
    r"semi|demi|extra|ultra|condensed|semicondensed|expanded|narrow|wide|display|text|\d+)*$"
)


def base_font_name(fontname: str) -> str:
    """'ABCDEF+Noto-Serif-Bold' -> 'Noto-Serif-Bold' (drop the subset tag)."""
    return _SUBSET_PREFIX.sub("", fontname)


def _squash_name(name: str) -> str:
    """'Noto Serif', 'Noto-Serif', 'NotoSerif' -> 'notoserif'."""
    return re.sub(r"[\s\-_,.+]", "", base_font_name(name)).casefold()


def font_matches_family(fontname: str, family: str) -> bool:
    """Whether a PDF font name is a face of `family`: 'Noto-Sans-Bold' is Noto Sans, 'NotoSansMono' is not."""
    name, fam = _squash_name(fontname), _squash_name(family)
    return name.startswith(fam) and bool(_STYLE_WORDS.match(name[len(fam) :]))


def _is_font(word: _Word, font: str) -> bool:
    return _squash_name(word.fontname) == _squash_name(font)


def normalize_text(text: str) -> str:
    """Text compared across line breaks: NFKC, straight quotes, no hyphens or whitespace, casefolded."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).translate(_DROPPED)
    return "".join(text.split()).casefold()


# ---------------------------------------------------------------------------------------------
# Columns and lines


def _column_of(x0: float, x1: float, box: BBox, columns: int) -> int:
    width = (box[2] - box[0]) / columns
    index = int(((x0 + x1) / 2 - box[0]) // width) if width > 0 else 0
    return min(max(index, 0), columns - 1)


def _column_band(column: int, box: BBox, columns: int) -> tuple[float, float]:
    width = (box[2] - box[0]) / columns
    return box[0] + column * width, box[0] + (column + 1) * width


def _same_line(a: _Word, b: _Word) -> bool:
    """Whether two words share a line: their boxes overlap by half the smaller height."""
    height = min(a.bottom - a.top, b.bottom - b.top)
    return min(a.bottom, b.bottom) - max(a.top, b.top) >= 0.5 * height


def _group_lines(words: Iterable[_Word]) -> list[list[_Word]]:
    """Words -> lines, top to bottom. A word joins the current line when it overlaps the line's
    first word (not the line's growing union, which would chain lines of different sizes)."""
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and _same_line(lines[-1][0], word):
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def _column_lines(words: Sequence[_Word], box: BBox, columns: int) -> list[_Line]:
    """Lines of each column, column by column, top to bottom."""
    by_column: dict[int, list[_Word]] = {}
    for word in words:
        by_column.setdefault(_column_of(word.x0, word.x1, box, columns), []).append(word)
    return [
        _Line(sorted(line, key=lambda w: w.x0), column)
        for column in sorted(by_column)
        for line in _group_lines(by_column[column])
    ]


def _fmt(box: BBox) -> str:
    return "({:.1f}, {:.1f}, {:.1f}, {:.1f})".format(*box)


def _r(box: Sequence[float]) -> BBox:
    return tuple(round(float(v), 2) for v in box)  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# 1. Overlapping words


def overlapping_words(pdf_path: str | Path, tolerance: float = 0.5) -> list[Finding]:
    """Pairs of words on one page whose boxes intersect by more than `tolerance` points both ways.

    A sweep down the page (words sorted by top, a heap of the words still open) compares each
    word only with the words whose vertical extent it meets, i.e. its own line or two:
    O(n log n + n k) for n words and k words per line band, instead of O(n^2).
    Word boxes are pdfplumber's em boxes (height = font size), so lines set solid or tighter
    than line-height 1 are reported too: their ascenders and descenders may touch.
    """
    return _with_doc(pdf_path, _overlapping_words, tolerance)


def _overlapping_pairs(boxes: Sequence[BBox], tolerance: float) -> list[tuple[int, int, float, float]]:
    """(i, j, dx, dy) for every pair of boxes (x0, top, x1, bottom) overlapping by more than
    `tolerance` in both axes, i < j. A sweep from top to bottom: a heap drops the boxes ending
    above the current one, so each box meets only the boxes of its own line band."""
    order = sorted(range(len(boxes)), key=lambda k: boxes[k][1])
    open_heap: list[tuple[float, int]] = []  # (bottom, index)
    active: set[int] = set()
    pairs = []
    for k in order:
        x0, top, x1, bottom = boxes[k]
        while open_heap and open_heap[0][0] <= top + tolerance:
            active.discard(heapq.heappop(open_heap)[1])
        for other in active:
            ox0, otop, ox1, obottom = boxes[other]
            dx = min(x1, ox1) - max(x0, ox0)
            dy = min(bottom, obottom) - max(top, otop)
            if dx > tolerance and dy > tolerance:
                pairs.append((min(k, other), max(k, other), dx, dy))
        heapq.heappush(open_heap, (bottom, k))
        active.add(k)
    return sorted(pairs)


def _overlapping_words(doc: _Doc, tolerance: float) -> list[Finding]:
    findings: list[Finding] = []
    for index in range(len(doc.pages)):
        words = doc.words(index)
        for i, j, dx, dy in _overlapping_pairs([w.bbox for w in words], tolerance):
            first, second = words[i], words[j]
            box = (
                max(first.x0, second.x0),
                max(first.top, second.top),
                min(first.x1, second.x1),
                min(first.bottom, second.bottom),
            )
            findings.append(
                Finding(
                    "overlapping_words",
                    index + 1,
                    f"{first.text!r} at {_fmt(first.bbox)} and {second.text!r} at {_fmt(second.bbox)} "
                    f"overlap by {dx:.1f} x {dy:.1f} pt",
                    _r(box),
                )
            )
    return findings


# ---------------------------------------------------------------------------------------------
# 2. Text and images outside the page


def text_outside_page(pdf_path: str | Path, tolerance: float = 0.5) -> list[Finding]:
    """Text reaching (even partly) outside the TrimBox (else CropBox/MediaBox), one finding per word.

    Images are held to the BleedBox when there is one (a full-bleed picture is meant to run into
    the bleed), else to the same page box as text.
    """
    return _with_doc(pdf_path, _text_outside_page, tolerance)


def _outside(box: Sequence[float], page_box: BBox, tolerance: float) -> bool:
    x0, top, x1, bottom = box
    return (
        x0 < page_box[0] - tolerance
        or top < page_box[1] - tolerance
        or x1 > page_box[2] + tolerance
        or bottom > page_box[3] + tolerance
    )


def _text_outside_page(doc: _Doc, tolerance: float) -> list[Finding]:
    findings: list[Finding] = []
    for index, page in enumerate(doc.pages):
        page_box = doc.page_box(page)
        # A word's box is the union of its chars' boxes: a word is outside when one of its chars is.
        # (Blank chars make no words; an invisible space beyond the edge is no problem.)
        for word in doc.words(index):
            if _outside(word.bbox, page_box, tolerance):
                findings.append(
                    Finding(
                        "text_outside_page",
                        index + 1,
                        f"text {word.text!r} at {_fmt(word.bbox)} reaches outside the page {_fmt(page_box)}",
                        _r(word.bbox),
                    )
                )
        image_box = doc.bleed_box(page)
        for image in page.images:
            box = (image["x0"], image["top"], image["x1"], image["bottom"])
            if _outside(box, image_box, tolerance):
                name = image.get("name") or "image"
                findings.append(
                    Finding(
                        "text_outside_page",
                        index + 1,
                        f"image {name} at {_fmt(box)} reaches outside the page {_fmt(image_box)}",
                        _r(box),
                    )
                )
    return findings


# ---------------------------------------------------------------------------------------------
# 3. Blank pages


def blank_pages(pdf_path: str | Path, columns: int = 2) -> list[Finding]:
    """Pages with no images and no text besides running elements (footer, folio, running title:
    lines repeated at the same place on other pages). A footer alone does not make a page."""
    return _with_doc(pdf_path, _blank_pages, columns)


def _blank_pages(doc: _Doc, columns: int = 2) -> list[Finding]:
    findings = []
    running = _running_words(doc, columns)
    for index, page in enumerate(doc.pages):
        has_text = any((index, w.bbox) not in running for w in doc.words(index))
        if not has_text and not page.images:
            findings.append(
                Finding(
                    "blank_pages",
                    index + 1,
                    "the page has no images and no text besides its running elements",
                    _r(doc.page_box(page)),
                )
            )
    return findings


# ---------------------------------------------------------------------------------------------
# 4. Fonts


def _resolve(obj):
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _font_is_embedded(font) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True  # glyphs are content streams inside the PDF
    if subtype == "/Type0":
        descendants = _resolve(font.get("/DescendantFonts")) or []
        return bool(descendants) and all(_font_is_embedded(_resolve(d)) for d in descendants)
    descriptor = _resolve(font.get("/FontDescriptor"))
    if descriptor is None:
        return False
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _iter_resource_fonts(resources, seen: set[int]) -> Iterator:
    resources = _resolve(resources)
    if not resources:
        return
    fonts = _resolve(resources.get("/Font")) or {}
    for ref in fonts.values():
        yield _resolve(ref)
    xobjects = _resolve(resources.get("/XObject")) or {}
    for ref in xobjects.values():
        key = getattr(ref, "idnum", None)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        xobject = _resolve(ref)
        if xobject.get("/Subtype") == "/Form":
            yield from _iter_resource_fonts(xobject.get("/Resources"), seen)
    patterns = _resolve(resources.get("/Pattern")) or {}
    for ref in patterns.values():
        key = getattr(ref, "idnum", None)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        pattern = _resolve(ref)
        if hasattr(pattern, "get"):
            yield from _iter_resource_fonts(pattern.get("/Resources"), seen)


def _font_usage(doc: _Doc) -> dict[str, tuple[bool, int]]:
    """Base font name -> (embedded everywhere, first page using it)."""
    usage: dict[str, tuple[bool, int]] = {}
    for number, page in enumerate(doc.reader.pages, start=1):
        seen: set[int] = set()
        sources = [page.get("/Resources")]
        for annot in _resolve(page.get("/Annots")) or []:
            appearance = _resolve(_resolve(annot).get("/AP")) or {}
            normal = _resolve(appearance.get("/N"))
            if normal is not None and hasattr(normal, "get"):
                sources.append(normal.get("/Resources"))
        for resources in sources:
            for font in _iter_resource_fonts(resources, seen):
                name = base_font_name(str(font.get("/BaseFont", font.get("/Name", "?"))).lstrip("/"))
                embedded = _font_is_embedded(font)
                if name in usage:
                    was_embedded, first = usage[name]
                    usage[name] = (was_embedded and embedded, first)
                else:
                    usage[name] = (embedded, number)
    return usage


def embedded_fonts(pdf_path: str | Path) -> dict[str, bool]:
    """Every font the pages use, by base name without the subset tag -> whether its program is embedded.

    Type0 fonts count as embedded when their descendant fonts carry FontFile/FontFile2/FontFile3.
    """
    usage = _with_doc(pdf_path, _font_usage)
    return {name: embedded for name, (embedded, _) in sorted(usage.items())}


def bundled_families() -> list[str]:
    """The font families bundled with newsletter-pdf (fonts/fonts.yaml)."""
    from newsletter_pdf.render.html import font_faces

    return sorted({face.family for face in font_faces()})


def publication_families(newsletter) -> list[str]:
    """The families a publication's PDFs may use: the bundled ones and its own (newsletter.yaml brand.fonts)."""
    return sorted({*bundled_families(), *newsletter.brand.families})


def unbundled_fonts(pdf_path: str | Path, allowed_families: Iterable[str] | None = None) -> list[Finding]:
    """Fonts that are not embedded, or not a face of one of `allowed_families` (default: the bundled ones).

    WeasyPrint names a font loaded by @font-face after its CSS family ('Noto-Serif-Bold'); a system
    fallback keeps its own name ('DejaVu-Sans'). Names are compared without spaces, hyphens and case,
    and what follows the family must be style words (bold, italic, ...): 'NotoSansMono' is not Noto Sans.
    """
    return _with_doc(pdf_path, _unbundled_fonts, allowed_families)


def _font_chars(doc: _Doc, names: set[str]) -> dict[str, dict[int, set[str]]]:
    """For the fonts named: page number -> the characters drawn in that font there."""
    used: dict[str, dict[int, set[str]]] = {name: {} for name in names}
    if not names:
        return used
    for number, page in enumerate(doc.pages, start=1):
        for char in page.chars:
            name = base_font_name(str(char.get("fontname", "")))
            text = char.get("text", "")
            if name in used and text.strip():
                used[name].setdefault(number, set()).add(text)
    return used


def _describe_use(pages: dict[int, set[str]]) -> str:
    if not pages:
        return "no text drawn with it was found"
    chars = sorted(set().union(*pages.values()))
    shown = ", ".join(f"{c!r} (U+{ord(c):04X})" if len(c) == 1 else repr(c) for c in chars[:8])
    more = f" and {len(chars) - 8} more" if len(chars) > 8 else ""
    return f"used on page {', '.join(map(str, sorted(pages)))} for {shown}{more}"


def _unbundled_fonts(doc: _Doc, allowed_families: Iterable[str] | None) -> list[Finding]:
    families = list(bundled_families() if allowed_families is None else allowed_families)
    usage = _font_usage(doc)
    strangers = {name for name in usage if not any(font_matches_family(name, f) for f in families)}
    not_embedded = {name for name, (embedded, _) in usage.items() if not embedded}
    drawn = _font_chars(doc, strangers | not_embedded)
    findings = []
    for name in sorted(strangers | not_embedded, key=lambda n: (min(drawn[n], default=usage[n][1]), n)):
        page = min(drawn[name], default=usage[name][1])
        if name in strangers:
            findings.append(
                Finding(
                    "unbundled_fonts",
                    page,
                    f"font {name!r} is not one of the allowed families ({', '.join(families)}); "
                    f"{_describe_use(drawn[name])}: a fallback for glyphs the bundled fonts lack, "
                    "or a family that is not bundled",
                )
            )
        if name in not_embedded:
            findings.append(
                Finding(
                    "unbundled_fonts",
                    page,
                    f"font {name!r} is not embedded in the PDF; {_describe_use(drawn[name])}",
                )
            )
    return findings


# ---------------------------------------------------------------------------------------------
# 5. Contents box versus bookmarks and headings


@dataclass(frozen=True)
class Bookmark:
    title: str
    page: int  # 1-based
    level: int


@dataclass(frozen=True)
class ContentsEntry:
    title: str
    page: int  # the printed number
    bbox: BBox


def bookmarks(pdf_path: str | Path) -> list[Bookmark]:
    """The PDF outline, flattened in reading order."""
    return _with_doc(pdf_path, _bookmarks)


def _bookmarks(doc: _Doc) -> list[Bookmark]:
    reader = doc.reader
    found: list[Bookmark] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            page = reader.get_destination_page_number(item)
            found.append(Bookmark(str(item.title), page + 1 if page is not None else 0, level))

    walk(reader.outline, 1)
    return found


# A contents line: text, then a leader (three or more dots, spaced or not), then a page number.
_ENTRY = re.compile(r"^(?P<title>.*?)\s*(?:[.\u00b7\u2024\u2025\u2026\u2027]\s*){3,}(?P<page>\d+)$")


def _gap_limit(left: _Word, right: _Word) -> float:
    # The smaller size: a drop cap or headline beside small text must not bridge a column gap.
    return 1.5 * min(left.size, right.size)


def _segments(words: Sequence[_Word], box: BBox, columns: int) -> list[list[_Word]]:
    """Runs of words on one line with no gap wider than 1.5 em, top to bottom.

    Lines are found in each column band (so that the two columns' baselines never mix), cut at
    wide gaps, and pieces that continue across a band edge (a full-width line) are joined again.
    """
    pieces: list[tuple[int, list[_Word]]] = []
    for line in _column_lines(words, box, columns):
        current = [line.words[0]]
        for word in line.words[1:]:
            if word.x0 - current[-1].x1 > _gap_limit(current[-1], word):
                pieces.append((line.column, current))
                current = [word]
            else:
                current.append(word)
        pieces.append((line.column, current))
    pieces.sort(key=lambda piece: piece[1][0].x0)
    joined: list[tuple[int, list[_Word]]] = []
    for column, piece in pieces:
        first = piece[0]
        for k, (other_column, segment) in enumerate(joined):
            last = segment[-1]
            if (
                other_column != column
                and -0.5 <= first.x0 - last.x1 <= _gap_limit(last, first)
                and _same_line(segment[0], first)
            ):
                joined[k] = (column, segment + piece)
                break
        else:
            joined.append((column, piece))
    segments = [segment for _, segment in joined]
    segments.sort(key=lambda seg: (min(w.top for w in seg), seg[0].x0))
    return segments


def contents_entries(pdf_path: str | Path, contents_page: int = 1, columns: int = 2) -> list[ContentsEntry]:
    """The entries of the contents box: lines ending with leader dots and a page number, in reading order."""
    return _with_doc(pdf_path, _contents_entries, contents_page, columns)


def _contents_entries(doc: _Doc, contents_page: int, columns: int) -> list[ContentsEntry]:
    if not 1 <= contents_page <= len(doc.pages):
        return []
    page = doc.pages[contents_page - 1]
    box = doc.page_box(page)
    segments = _segments(doc.words(contents_page - 1), box, columns)
    texts = [" ".join(w.text for w in seg) for seg in segments]
    matches = [_ENTRY.match(text) for text in texts]
    entries = []
    for i, (seg, match) in enumerate(zip(segments, matches)):
        if not match:
            continue
        title = match["title"]
        # A short title that wrapped: the lines just above, starting at the same x (or up to 1.5 em
        # to the left: a hanging indent), in the same font and size, closer than 0.8 em, and no
        # entries themselves.
        x0, size, font = seg[0].x0, seg[0].size, seg[0].fontname
        bbox_top, parts, used = min(w.top for w in seg), [title], {i}
        while True:
            above = [
                j
                for j in range(i)
                if j not in used
                and -1.5 * size - 2 <= segments[j][0].x0 - x0 <= 2
                and -0.5 <= bbox_top - max(w.bottom for w in segments[j]) <= 0.8 * size
            ]
            if not above:
                break
            j = max(above, key=lambda k: max(w.bottom for w in segments[k]))
            if matches[j] or segments[j][0].fontname != font or abs(segments[j][0].size - size) > 0.1:
                break
            used.add(j)
            parts.insert(0, texts[j])
            bbox_top = min(w.top for w in segments[j])
        bbox = (x0, bbox_top, max(w.x1 for w in seg), max(w.bottom for w in seg))
        entries.append(ContentsEntry(" ".join(parts).strip(), int(match["page"]), _r(bbox)))
    entries.sort(key=lambda e: (_column_of(e.bbox[0], e.bbox[0], box, columns), e.bbox[1]))
    return entries


def _heading_text(doc: _Doc, index: int, heading_font: str, columns: int, size: float | None = None) -> str:
    """The heading-font words of a page (of one size, if given) in reading order (column by column), normalised."""
    page = doc.pages[index]
    words = [w for w in doc.words(index) if _is_font(w, heading_font) and (size is None or abs(w.size - size) < 0.05)]
    lines = _column_lines(words, doc.page_box(page), columns)
    return normalize_text(" ".join(line.text for line in lines))


def across_text(doc: _Doc, index: int, heading_font: str, columns: int) -> str:
    """Heading text read column by column, and each heading size read straight across the page
    (a lead headline set across the columns, beside a sidebar of other headings)."""
    text = _heading_text(doc, index, heading_font, columns)
    if columns > 1:
        sizes = {round(w.size, 1) for w in doc.words(index) if _is_font(w, heading_font)}
        text += "".join(" | " + _heading_text(doc, index, heading_font, 1, size) for size in sorted(sizes))
    return text


def contents_mismatches(
    pdf_path: str | Path,
    contents_page: int = 1,
    heading_font: str = DEFAULT_HEADING_FONT,
    columns: int = 2,
) -> list[Finding]:
    """The contents box, the bookmarks and the headings must agree.

    The contents entries (page `contents_page`, in reading order) are paired with the bookmarks in
    order: their counts must match, each entry must name its bookmark's article (the title, or a
    short title made of its words) and each printed number must be the bookmark's page. Then each
    bookmark title must be found, in `heading_font`, on the page the bookmark points to (titles may
    wrap; hyphens, soft hyphens, quotes, case and whitespace are normalised away).
    """
    return _with_doc(pdf_path, _contents_mismatches, contents_page, heading_font, columns)


def _same_title(entry: str, bookmark: str) -> bool:
    """Whether a contents entry names the bookmarked article: the same title, or a short title whose
    words all come from it ('Second river crossing study' for 'Council agrees to study a second
    river crossing for Millbrook')."""
    if normalize_text(entry) == normalize_text(bookmark):
        return True
    words = [normalize_text(w) for w in re.findall(r"\w[\w'’-]*", entry)]
    pool = {normalize_text(w) for w in re.findall(r"\w[\w'’-]*", bookmark)}
    return bool(words) and sum(w in pool for w in words) >= max(1, round(0.75 * len(words)))


def _contents_mismatches(doc: _Doc, contents_page: int, heading_font: str, columns: int) -> list[Finding]:
    findings: list[Finding] = []
    marks = _bookmarks(doc)
    entries = _contents_entries(doc, contents_page, columns)
    # A long list names its leading entries and counts the rest ("and 12 more inside").
    more = re.search(r"and (\d+) more inside", doc.pages[contents_page - 1].extract_text() or "")
    listed = marks[: len(entries)] if more and len(entries) + int(more[1]) == len(marks) else marks
    if len(entries) != len(listed):
        findings.append(
            Finding(
                "contents_mismatches",
                contents_page,
                f"the contents box lists {len(entries)} entries but the PDF has {len(marks)} bookmarks "
                f"(entries: {[e.title for e in entries]}; bookmarks: {[m.title for m in marks]})",
            )
        )
    else:
        for entry, mark in zip(entries, listed):
            if not _same_title(entry.title, mark.title):
                findings.append(
                    Finding(
                        "contents_mismatches",
                        contents_page,
                        f"contents entry {entry.title!r} is paired with the bookmark {mark.title!r}: "
                        "the contents box lists another article here",
                        entry.bbox,
                    )
                )
            if entry.page != mark.page:
                findings.append(
                    Finding(
                        "contents_mismatches",
                        contents_page,
                        f"contents entry {entry.title!r} says page {entry.page} "
                        f"but the bookmark {mark.title!r} points to page {mark.page}",
                        entry.bbox,
                    )
                )
    page_count = len(doc.pages)
    texts: dict[int, str] = {}

    def text_of(number: int) -> str:
        if number not in texts:
            # Column by column, and straight across (a lead headline set across the columns).
            texts[number] = across_text(doc, number - 1, heading_font, columns)
        return texts[number]

    for mark in marks:
        wanted = normalize_text(mark.title)
        if not wanted:
            continue
        if not 1 <= mark.page <= page_count:
            findings.append(
                Finding("contents_mismatches", None, f"bookmark {mark.title!r} points to no page of the document")
            )
            continue
        if wanted in text_of(mark.page):
            continue
        if mark.page < page_count and wanted in text_of(mark.page) + text_of(mark.page + 1):
            message = f"heading {mark.title!r} is split between pages {mark.page} and {mark.page + 1}"
        else:
            elsewhere = [n for n in range(1, page_count + 1) if n != mark.page and wanted in text_of(n)]
            message = f"heading {mark.title!r} is not on page {mark.page}, where its bookmark points"
            message += f" (in {heading_font})"
            if elsewhere:
                message += f"; it is on page {', '.join(map(str, elsewhere))}"
        findings.append(Finding("contents_mismatches", mark.page, message))
    return findings


# ---------------------------------------------------------------------------------------------
# 6. Headings alone at the end of a column


def _running_words(doc: _Doc, columns: int) -> set[tuple[int, BBox]]:
    """(page index, word box) of running headers and footers: lines repeated at the same place on
    two or more pages within the top or bottom fifth of the page, digits ignored ('Page 1 of 4'
    matches 'Page 2 of 4'). A one-page document has none."""
    if len(doc.pages) < 2:
        return set()
    seen: dict[tuple[str, int, int], list[tuple[int, _Line]]] = {}
    for index, page in enumerate(doc.pages):
        box = doc.page_box(page)
        height = box[3] - box[1]
        for line in _column_lines(doc.words(index), box, columns):
            if box[1] + 0.2 * height < line.top and line.bottom < box[3] - 0.2 * height:
                continue
            key = (re.sub(r"\d+", "#", line.text), round(line.top), line.column)
            seen.setdefault(key, []).append((index, line))
    return {
        (index, word.bbox)
        for places in seen.values()
        if len({index for index, _ in places}) >= 2
        for index, line in places
        for word in line.words
    }


def headings_alone(
    pdf_path: str | Path,
    columns: int = 2,
    heading_font: str = DEFAULT_HEADING_FONT,
    min_size: float = DEFAULT_HEADING_MIN_SIZE,
) -> list[Finding]:
    """Article headings (`heading_font` at `min_size` or more) that are the last text in their column.

    Columns are the page box cut into `columns` equal bands; a heading line belongs to the band of
    its centre, and consecutive heading lines less than 0.8 em apart are one (wrapped) heading.
    The heading passes when some word or image below it on the same page overlaps its band.
    Running headers and footers (lines repeated at the same place on several pages) do not count.
    """
    return _with_doc(pdf_path, _headings_alone, columns, heading_font, min_size)


def _heading_blocks(lines: Sequence[_Line], heading_font: str, min_size: float) -> list[list[_Line]]:
    """Runs of heading lines in one column (lines given top to bottom)."""

    def is_heading(line: _Line) -> bool:
        return all(_is_font(w, heading_font) and w.size >= min_size - 0.01 for w in line.words)

    blocks: list[list[_Line]] = []
    previous: _Line | None = None
    for line in lines:
        if is_heading(line):
            size = max(w.size for w in line.words)
            if blocks and previous is blocks[-1][-1] and line.top - previous.bottom < 0.8 * size:
                blocks[-1].append(line)
            else:
                blocks.append([line])
        previous = line
    return blocks


def _headings_alone(doc: _Doc, columns: int, heading_font: str, min_size: float) -> list[Finding]:
    findings: list[Finding] = []
    running = _running_words(doc, columns)
    for index, page in enumerate(doc.pages):
        box = doc.page_box(page)
        words = [w for w in doc.words(index) if (index, w.bbox) not in running]
        contents = [w.bbox for w in words] + [(im["x0"], im["top"], im["x1"], im["bottom"]) for im in page.images]
        lines = _column_lines(words, box, columns)
        for column in range(columns):
            left, right = _column_band(column, box, columns)
            column_lines = [line for line in lines if line.column == column]
            for block in _heading_blocks(column_lines, heading_font, min_size):
                bottom = max(line.bottom for line in block)
                below = any(top >= bottom - 0.5 and min(x1, right) - max(x0, left) > 0.5 for x0, top, x1, _ in contents)
                if below:
                    continue
                text = " ".join(line.text for line in block)
                bbox = (
                    min(line.x0 for line in block),
                    min(line.top for line in block),
                    max(line.x1 for line in block),
                    bottom,
                )
                findings.append(
                    Finding(
                        "headings_alone",
                        index + 1,
                        f"heading {text!r} is the last text in column {column + 1}: "
                        "its article goes on in the next column or page",
                        _r(bbox),
                    )
                )
    return findings


# ---------------------------------------------------------------------------------------------
# 7. Everything


def all_findings(
    pdf_path: str | Path,
    allowed_families: Iterable[str] | None = None,
    *,
    columns: int = 2,
    contents_page: int = 1,
    heading_font: str = DEFAULT_HEADING_FONT,
) -> dict[str, list[Finding]]:
    """Every check, by name (see CHECKS), reading the PDF once. `allowed_families=None` means the bundled ones."""
    with _Doc(pdf_path) as doc:
        return {
            "overlapping_words": _overlapping_words(doc, 0.5),
            "text_outside_page": _text_outside_page(doc, 0.5),
            "blank_pages": _blank_pages(doc, columns),
            "unbundled_fonts": _unbundled_fonts(doc, allowed_families),
            "contents_mismatches": _contents_mismatches(doc, contents_page, heading_font, columns),
            "headings_alone": _headings_alone(doc, columns, heading_font, DEFAULT_HEADING_MIN_SIZE),
        }
