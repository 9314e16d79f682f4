"""What a printer's preflight reads in a print PDF: ink coverage per page (Ghostscript), and the
colour spaces of the text, the vector paint and the pictures, and the fonts, on each page (pikepdf)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

GS_RESOLUTION = 50  # dpi: enough to find the heaviest ink on a page, fast enough for every build
_TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
_FILLING = {"f", "F", "f*", "B", "B*", "b", "b*"}
_STROKING = {"S", "s", "B", "B*", "b", "b*"}
_DEVICE = {"/DeviceRGB": "RGB", "/DeviceCMYK": "CMYK", "/DeviceGray": "Gray", "/Pattern": "Pattern"}


@dataclass
class PageInk:
    """Total area coverage of one page, in % (C+M+Y+K), inside its BleedBox."""

    page: int
    max_percent: float
    mean_percent: float


@dataclass
class PageColours:
    """The colour spaces used on one page, by what is drawn with them."""

    page: int
    text: set[str] = field(default_factory=set)
    paint: set[str] = field(default_factory=set)  # fills and strokes: rules, tints, bands
    images: set[str] = field(default_factory=set)
    fonts: set[str] = field(default_factory=set)


def ghostscript() -> str | None:
    return shutil.which("gs")


def ink_coverage(pdf_bytes: bytes, resolution: int = GS_RESOLUTION) -> list[PageInk]:
    """Ghostscript separates each page into CMYK (tiff32nc) within its BleedBox; the heaviest pixel is its total ink.

    Raises FileNotFoundError when Ghostscript is not installed.
    """
    import numpy as np
    from PIL import Image

    gs = ghostscript()
    if gs is None:
        raise FileNotFoundError("gs")
    with tempfile.TemporaryDirectory(prefix="newsletter-pdf-ink-") as folder:
        source = Path(folder) / "print.pdf"
        source.write_bytes(pdf_bytes)
        subprocess.run(
            [
                gs,
                "-q",
                "-dSAFER",
                "-dBATCH",
                "-dNOPAUSE",
                "-sDEVICE=tiff32nc",
                f"-r{resolution}",
                "-dUseBleedBox",
                f"-sOutputFile={folder}/page-%04d.tif",
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pages = []
        for number, tif in enumerate(sorted(Path(folder).glob("page-*.tif")), start=1):
            with Image.open(tif) as image:
                total = np.asarray(image.convert("CMYK"), dtype=np.uint16).sum(axis=2) / 2.55
            pages.append(PageInk(number, round(float(total.max()), 1), round(float(total.mean()), 1)))
    return pages


def over_limit(inks: list[PageInk], limit: int) -> list[str]:
    return [
        f"page {ink.page} carries up to {ink.max_percent:.0f} % ink, over the press's limit of {limit} %; "
        "darken less with colour (use black) or lower the picture's shadows"
        for ink in inks
        if ink.max_percent > limit
    ]


def colour_spaces(pdf) -> list[PageColours]:
    """Per page: which colour spaces text, fills and strokes, and pictures use (forms followed inside)."""
    document = pdf if isinstance(pdf, pikepdf.Pdf) else pikepdf.open(pdf)
    try:
        found = []
        for number, page in enumerate(document.pages, start=1):
            seen = PageColours(number)
            resources = page.obj.get("/Resources") or pikepdf.Dictionary()
            _walk(pikepdf.parse_content_stream(page), resources, seen, 0)
            found.append(seen)
        return found
    finally:
        if document is not pdf:
            document.close()


def _space_name(space, resources) -> str:
    """A readable name for a colour space operand or object: RGB, CMYK, Gray, ICC CMYK, Separation All..."""
    if isinstance(space, pikepdf.Name):
        text = str(space)
        if text in _DEVICE:
            return _DEVICE[text]
        named = (resources.get("/ColorSpace") or {}).get(text)
        return _space_name(named, resources) if named is not None else text
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        kind = str(space[0])
        if kind == "/ICCBased":
            channels = int(space[1].get("/N", 0))
            return {1: "ICC Gray", 3: "ICC RGB", 4: "ICC CMYK"}.get(channels, "ICC")
        if kind == "/Separation" and str(space[1]) == "/All":
            return "Registration"  # the crop marks: every plate
        if kind in ("/Separation", "/DeviceN"):
            return f"{kind[1:]} {str(space[1]).lstrip('/')}"
        if kind == "/Indexed":
            return f"Indexed {_space_name(space[1], resources)}"
        return kind.lstrip("/")
    return "unknown"


def _image_space(image) -> str:
    if image.get("/ImageMask"):
        return "mask"
    space = image.get("/ColorSpace")
    return _space_name(space, pikepdf.Dictionary()) if space is not None else "JPX"


def _walk(instructions, resources, seen: PageColours, depth: int, fill="Gray", stroke="Gray") -> None:
    stack: list[tuple[str, str]] = []
    for item in instructions:
        if isinstance(item, pikepdf.ContentStreamInlineImage):
            seen.images.add(_space_name(item.iimage.obj.get("/ColorSpace", pikepdf.Name.DeviceGray), resources))
            continue
        operands, operator = item
        op = str(operator)
        if op == "q":
            stack.append((fill, stroke))
        elif op == "Q" and stack:
            fill, stroke = stack.pop()
        elif op in ("rg", "RG", "k", "K", "g", "G"):
            space = {"rg": "RGB", "k": "CMYK", "g": "Gray"}[op.lower()]
            fill, stroke = (fill, space) if op.isupper() else (space, stroke)
        elif op in ("cs", "CS"):
            space = _space_name(operands[0], resources)
            fill, stroke = (fill, space) if op == "CS" else (space, stroke)
        elif op == "Tf":
            font = (resources.get("/Font") or {}).get(str(operands[0]))
            if font is not None:
                name = str(font.get("/BaseFont", operands[0])).lstrip("/")
                seen.fonts.add(name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name)
        elif op in _TEXT_SHOWING:
            seen.text.add(fill)
        elif op in _FILLING or op in _STROKING:
            if op in _FILLING:
                seen.paint.add(fill)
            if op in _STROKING:
                seen.paint.add(stroke)
        elif op == "sh":
            shading = (resources.get("/Shading") or {}).get(str(operands[0]))
            if shading is not None:
                seen.paint.add(_space_name(shading.get("/ColorSpace"), resources))
        elif op == "Do" and depth < 12:
            xobject = (resources.get("/XObject") or {}).get(str(operands[0]))
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                seen.images.add(_image_space(xobject))
            elif xobject.get("/Subtype") == "/Form":
                inner = xobject.get("/Resources") or resources
                _walk(pikepdf.parse_content_stream(xobject), inner, seen, depth + 1, fill, stroke)
