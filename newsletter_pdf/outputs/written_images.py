"""The images as written into a PDF: pixel size and colour space of each image stream, and where
the content stream places it (the transformation matrix in force at its `Do`), read with pikepdf.

This is what the printer's RIP sees, so preflight measures resolution here rather than trusting
the layout engine's idea of what it was going to write.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class WrittenImage:
    """One drawing of an image stream on a page."""

    page: int  # 1-based
    pixels: tuple[int, int]
    colour_space: str  # DeviceRGB, DeviceCMYK, DeviceGray, ICCBased(N=3), Indexed(DeviceRGB), ...
    bits: int
    placed_pt: tuple[float, float]  # drawn width and height, in points
    origin_pt: tuple[float, float]  # lower-left corner of the drawing, in page user space

    @property
    def placed_mm(self) -> tuple[float, float]:
        return (round(self.placed_pt[0] / 72 * 25.4, 1), round(self.placed_pt[1] / 72 * 25.4, 1))

    @property
    def dpi(self) -> float:
        """Effective resolution: pixels per inch as drawn, on the coarser of the two axes."""
        width_in, height_in = self.placed_pt[0] / 72, self.placed_pt[1] / 72
        if width_in <= 0 or height_in <= 0:
            return 0.0
        return min(self.pixels[0] / width_in, self.pixels[1] / height_in)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention: `m n` applies m first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def colour_space_name(space) -> str:
    """A short readable name of an image's /ColorSpace."""
    import pikepdf

    if space is None:
        return "none"
    if isinstance(space, pikepdf.Name):
        return str(space).lstrip("/")
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0]).lstrip("/")
        if family == "ICCBased":
            return f"ICCBased(N={int(space[1].get('/N', 0))})"
        if family == "Indexed" and len(space) > 1:
            return f"Indexed({colour_space_name(space[1])})"
        return family
    return str(space)


def _walk(pdf, content, resources, ctm: Matrix, page: int, found: list[WrittenImage], depth: int = 0) -> None:
    import pikepdf

    stack: list[Matrix] = []
    for instruction in pikepdf.parse_content_stream(content, "q Q cm Do"):
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif op == "Do":
            xobjects = resources.get("/XObject") if resources is not None else None
            xobject = xobjects.get(operands[0]) if xobjects is not None else None
            if xobject is None:
                continue
            subtype = xobject.get("/Subtype")
            if subtype == "/Image":
                a, b, c, d, e, f = ctm
                found.append(
                    WrittenImage(
                        page=page,
                        pixels=(int(xobject.Width), int(xobject.Height)),
                        colour_space=colour_space_name(xobject.get("/ColorSpace")),
                        bits=int(xobject.get("/BitsPerComponent", 0)),
                        placed_pt=(math.hypot(a, b), math.hypot(c, d)),
                        origin_pt=(e, f),
                    )
                )
            elif subtype == "/Form" and depth < 8:
                matrix = tuple(float(v) for v in xobject.get("/Matrix", IDENTITY))
                inner = xobject.get("/Resources", resources)
                _walk(pdf, xobject, inner, _multiply(matrix, ctm), page, found, depth + 1)  # type: ignore[arg-type]


def written_images(pdf_path: Path | str) -> list[WrittenImage]:
    """Every raster image drawn on the pages of a PDF, in drawing order."""
    import pikepdf

    found: list[WrittenImage] = []
    with pikepdf.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            _walk(pdf, page.obj, page.obj.get("/Resources"), IDENTITY, number, found)
    return found
