"""Saddle-stitch imposition: the finished pages, two to a sheet side, in the order a folded stack reads.

The pages are not typeset again: each page's trim area becomes a form XObject (pikepdf) placed
on a sheet twice its width. For 4 pages the first sheet's front is 4|1 and its back 2|3.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from newsletter_pdf.errors import UserError

MM = 72 / 25.4
CREEP_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mm|pt|in)\s*$")
_UNITS = {"mm": MM, "pt": 1.0, "in": 72.0}
MAX_CREEP_MM = 3.0  # more than a sheet's thickness times dozens of sheets: a typo, not a creep
# With marks, the sheet grows by a slug on every side (for a print shop that trims after folding),
# and crop marks at the corners and fold marks at the spine are drawn in it, clear of the page.
SLUG = 12 * MM
MARK_LENGTH = 6 * MM
MARK_OFFSET = 3 * MM


@dataclass(frozen=True)
class Side:
    """One side of a sheet: the issue page numbers on its left and right halves (0: a blank page)."""

    sheet: int  # 1-based, the outermost sheet is 1
    front: bool
    left: int
    right: int


@dataclass
class Booklet:
    """The imposed file and what the editor should know about it."""

    data: bytes
    pages: int  # issue pages after padding
    padded: int  # blank pages added at the end
    sheets: int
    sides: list[Side] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def creep_points(value: str | float | None) -> float:
    """'0.3mm' (or a number of mm) -> points; a located-looking UserError for anything else."""
    if value in (None, "", 0):
        return 0.0
    if isinstance(value, int | float):
        millimetres = float(value)
    else:
        match = CREEP_PATTERN.match(str(value))
        if match is None:
            raise UserError(f"creep {value!r} is not a length: write it like 0.3mm, 0.8pt or 0.01in.")
        millimetres = float(match.group(1)) * _UNITS[match.group(2)] / MM
    if millimetres < 0 or millimetres > MAX_CREEP_MM:
        raise UserError(
            f"creep {value!r} is out of range: use 0 to {MAX_CREEP_MM:g} mm per sheet (0.1-0.4 mm is usual)."
        )
    return millimetres * MM


def saddle_order(pages: int) -> list[Side]:
    """The sides of a saddle-stitched stack of `pages` (a multiple of 4), outermost sheet first."""
    if pages % 4:
        raise ValueError("a saddle-stitched booklet has a multiple of 4 pages")
    sides = []
    for index in range(pages // 4):
        outer, inner = 2 * index, pages - 2 * index
        sides.append(Side(index + 1, True, inner, outer + 1))
        sides.append(Side(index + 1, False, outer + 2, inner - 1))
    return sides


def impose(pdf_bytes: bytes, creep: float = 0.0, marks: bool = False) -> Booklet:
    """Impose a finished PDF (one issue page per PDF page) as a saddle-stitch booklet.

    creep: points each sheet's pages move towards the spine, per sheet from the outside, so
    that after folding the inner sheets (which stick out) trim like the outer ones.
    """
    import pikepdf

    source = pikepdf.open(io.BytesIO(pdf_bytes))
    count = len(source.pages)
    total = -(-count // 4) * 4
    trim = _box(source.pages[0], "/TrimBox")
    width, height = trim[2] - trim[0], trim[3] - trim[1]

    out = pikepdf.new()
    forms = [out.copy_foreign(page.as_form_xobject()) for page in source.pages]
    for form, page in zip(forms, source.pages, strict=True):
        # Only the trim area is placed: bleed and printer's marks belong to the press file.
        form.BBox = pikepdf.Array(_box(page, "/TrimBox"))

    sides = saddle_order(total)
    slug = SLUG if marks else 0.0
    for side in sides:
        sheet = out.add_blank_page(page_size=(2 * width + 2 * slug, height + 2 * slug))
        shift = creep * (side.sheet - 1)
        names, drawing = {}, []
        for slot, number in ((0, side.left), (1, side.right)):
            if number == 0 or number > count:
                continue  # a padding page stays blank
            name = f"/P{number}"
            names[name] = forms[number - 1]
            # Left half: its content moves right, towards the spine; right half: left.
            left = slug + slot * width
            x = left - trim[0] + (shift if slot == 0 else -shift)
            # Clip each half to its own side of the spine, so a shifted page never crosses it.
            drawing.append(
                f"q {left:.3f} {slug:.3f} {width:.3f} {height:.3f} re W n "
                f"1 0 0 1 {x:.3f} {slug - trim[1]:.3f} cm {name} Do Q"
            )
        if marks:
            drawing.append(_marks(width, height, slug))
        sheet.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(names))
        sheet.obj.Contents = out.make_stream("\n".join(drawing).encode("ascii"))

    # Printers' dialogs read this: flip on the short edge for landscape sheets.
    out.Root.ViewerPreferences = pikepdf.Dictionary(Duplex=pikepdf.Name.DuplexFlipShortEdge)
    out.docinfo[pikepdf.Name.Title] = str(source.docinfo.get("/Title", "Booklet")) + " (booklet)"
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, compress_streams=True)
    notes = [
        f"booklet: {total // 4} sheet(s), printed on both sides; flip on the short edge, then fold the stack in half"
    ]
    if total != count:
        notes.append(
            f"booklet: added {total - count} blank page(s) at the end to reach {total} "
            "(a saddle-stitched booklet needs a multiple of 4; set pages: in issue.yaml to avoid this)"
        )
    return Booklet(buffer.getvalue(), total, total - count, total // 4, sides, notes)


def _box(page, name: str) -> list[float]:
    box = page.obj.get(name) or page.obj.get("/MediaBox")
    return [float(v) for v in box]


def mark_lines(width: float, height: float, slug: float) -> list[tuple[float, float, float, float]]:
    """Crop marks at the four corners of the imposed area and fold marks at the spine, all in the slug."""
    x0, y0, x1, y1, spine = slug, slug, slug + 2 * width, slug + height, slug + width
    near, far = MARK_OFFSET, MARK_OFFSET + MARK_LENGTH
    lines = []
    for x, y, dx, dy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        lines.append((x + dx * near, y, x + dx * far, y))  # horizontal, beside the corner
        lines.append((x, y + dy * near, x, y + dy * far))  # vertical, above or below it
    lines.append((spine, y0 - near, spine, y0 - far))
    lines.append((spine, y1 + near, spine, y1 + far))
    return lines


def _marks(width: float, height: float, slug: float) -> str:
    """The marks in registration black (all four inks), hairline; the fold marks dashed."""
    crop = mark_lines(width, height, slug)
    fold, crop = crop[-2:], crop[:-2]
    path = " ".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l" for a, b, c, d in crop)
    dashed = " ".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l" for a, b, c, d in fold)
    return f"q 1 1 1 1 K 0.25 w {path} S [2 1.5] 0 d {dashed} S Q"
