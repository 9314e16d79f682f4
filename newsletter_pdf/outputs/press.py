"""Print finishing with pikepdf: page boxes, crop marks in the slug, and no RGB left for the press.

WeasyPrint lays the print pass out with a bleed as wide as bleed + slug (so the MediaBox has room
for marks) and no marks of its own. This pass then, on every page:
- sets the BleedBox back to trim + bleed (the TrimBox is WeasyPrint's: the page);
- draws eight crop-mark lines in the slug, in registration colour (/Separation /All), starting
  MARK_OFFSET beyond the bleed so no mark can show on a trimmed sheet;
- rewrites any RGB colour operator still in a content stream (a layout's literal #ffffff,
  an SVG's black) into CMYK through the press profile, neutral greys into black ink alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

from newsletter_pdf.outputs.colour import PressColour, rgb_to_cmyk

MM = 72 / 25.4
MARK_OFFSET = 1 * MM  # from the bleed edge to where a mark starts
MARK_LENGTH = 5 * MM
SLUG_AFTER_MARKS = 1 * MM
MARK_WIDTH = 0.25  # pt, the usual hairline


def slug(marks: bool) -> float:
    """How far the MediaBox reaches beyond the BleedBox (pt): room for the marks, or none."""
    return MARK_OFFSET + MARK_LENGTH + SLUG_AFTER_MARKS if marks else 0.0


@dataclass(frozen=True)
class Finish:
    """What the press pass does to one print file."""

    press: PressColour
    bleed: float  # pt
    marks: bool = True


def finish(data: bytes, how: Finish) -> bytes:
    """The print PDF with its boxes set, its marks drawn and its last RGB colours converted."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        converted: dict = {}
        done: set = set()
        for page in pdf.pages:
            _convert_stream_colours(pdf, page.obj, how.press, converted, done)
            trim = [float(v) for v in page.obj.get("/TrimBox", page.mediabox)]
            bleed = [trim[0] - how.bleed, trim[1] - how.bleed, trim[2] + how.bleed, trim[3] + how.bleed]
            outer = slug(how.marks)
            media = [bleed[0] - outer, bleed[1] - outer, bleed[2] + outer, bleed[3] + outer]
            page.obj["/TrimBox"] = pikepdf.Array(trim)
            page.obj["/BleedBox"] = pikepdf.Array(bleed)
            page.obj["/MediaBox"] = pikepdf.Array(media)
            if "/CropBox" in page.obj:
                del page.obj["/CropBox"]
            if how.marks:
                _draw_marks(pdf, page, trim, how.bleed)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)  # the /ID from the content: the same issue, the same bytes
    return out.getvalue()


def mark_lines(trim: list[float], bleed: float) -> list[tuple[float, float, float, float]]:
    """The eight crop-mark lines (x1, y1, x2, y2): each trim edge continued into the slug at each corner."""
    x0, y0, x1, y1 = trim
    start, end = bleed + MARK_OFFSET, bleed + MARK_OFFSET + MARK_LENGTH
    lines = []
    for x, y, sx, sy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        lines.append((x + sx * start, y, x + sx * end, y))  # horizontal, on the line of the trim's y edge
        lines.append((x, y + sy * start, x, y + sy * end))  # vertical, on the line of the trim's x edge
    return lines


def _registration(pdf: pikepdf.Pdf) -> pikepdf.Array:
    """Registration colour: prints on every plate, so the marks line up on each separation."""
    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)
    return pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, pdf.make_indirect(tint)])


def _draw_marks(pdf: pikepdf.Pdf, page: pikepdf.Page, trim: list[float], bleed: float) -> None:
    resources = page.obj.get("/Resources")
    if resources is None:
        resources = page.obj["/Resources"] = pikepdf.Dictionary()
    spaces = resources.get("/ColorSpace")
    if spaces is None:
        spaces = resources["/ColorSpace"] = pikepdf.Dictionary()
    if "/NPRegistration" not in spaces:
        spaces["/NPRegistration"] = _registration(pdf)
    path = " ".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l" for a, b, c, d in mark_lines(trim, bleed))
    marks = f"Q q /NPRegistration CS 1 SCN {MARK_WIDTH} w 0 J [] 0 d {path} S Q\n".encode()
    # Whatever state WeasyPrint's drawing leaves (its y-flip), the marks start from the page's own space.
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, marks))


_RGB_OPERATORS = {"rg": "k", "RG": "K"}


def _convert_stream_colours(pdf, holder, press: PressColour, converted: dict, done: set) -> None:
    """Rewrite rg/RG operators in a page or form XObject (and the forms it draws) as k/K."""
    key = holder.objgen
    if key in done and key != (0, 0):
        return
    done.add(key)
    resources = holder.get("/Resources")
    if resources is not None:
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                _convert_stream_colours(pdf, xobject, press, converted, done)
        for pattern in (resources.get("/Pattern") or {}).values():
            if pattern.get("/PatternType") == 1:
                _convert_stream_colours(pdf, pattern, press, converted, done)
    if isinstance(holder, pikepdf.Stream):
        instructions = pikepdf.parse_content_stream(holder)
        if _rewrite(instructions, press, converted):
            holder.write(pikepdf.unparse_content_stream(instructions))
        return
    page = pikepdf.Page(holder)
    instructions = pikepdf.parse_content_stream(page)
    if _rewrite(instructions, press, converted):
        holder.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def _rewrite(instructions: list, press: PressColour, converted: dict) -> bool:
    changed = False
    for index, item in enumerate(instructions):
        if isinstance(item, pikepdf.ContentStreamInlineImage):
            continue
        operands, operator = item
        name = str(operator)
        if name not in _RGB_OPERATORS or len(operands) != 3:
            continue
        rgb = tuple(max(0, min(255, round(float(v) * 255))) for v in operands)
        if rgb not in converted:
            converted[rgb] = rgb_to_cmyk(rgb, press)  # type: ignore[arg-type]
        instructions[index] = pikepdf.ContentStreamInstruction(
            list(converted[rgb]), pikepdf.Operator(_RGB_OPERATORS[name])
        )
        changed = True
    return changed
