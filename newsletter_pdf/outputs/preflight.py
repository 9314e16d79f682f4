"""Checks of a written PDF (variant, fonts, images, size, layout lint), gathered into a report per output."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsletter_pdf.limits import DEFAULT_EMAIL_BUDGET, PRINT_MIN_DPI
from newsletter_pdf.messages import shown_path
from newsletter_pdf.outputs.layout_lint import Finding, lint
from newsletter_pdf.outputs.written_images import written_images

__all__ = ["DEFAULT_EMAIL_BUDGET", "PRINT_MIN_DPI"]


@dataclass
class ImageUse:
    """An image as placed on a page, with its effective resolution there."""

    file: str
    page: int
    pixels: tuple[int, int]
    placed_mm: tuple[float, float]
    dpi: float
    colour_space: str = ""


@dataclass
class Report:
    """What preflight found in one output."""

    profile: str
    path: str
    pages: int
    size: int
    variant: str
    fonts_embedded: bool
    fonts: list[str]
    images: list[ImageUse] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The print file only: ink, colour spaces and pictures per page (outputs/print_job.PrinterSummary).
    printer: Any = None
    findings: list[Finding] | None = None  # layout lint of the written pages (None: not run for this output)

    def as_dict(self) -> dict:
        return asdict(self)


def _reader(pdf):
    """A PdfReader for a path, or the reader passed in (one parse serves every check)."""
    from pypdf import PdfReader

    return pdf if isinstance(pdf, PdfReader) else PdfReader(pdf)


def variant_of(pdf) -> str:
    """The PDF variant claimed in the XMP metadata (PDF/A-3B, PDF/UA-1, PDF/X-4) or plain PDF."""
    reader = _reader(pdf)
    xmp = reader.trailer["/Root"].get("/Metadata")
    text = xmp.get_object().get_data().decode("utf-8", "replace") if xmp is not None else ""
    found = []
    a_part = re.search(r"pdfaid:part(?:>|=\")(\d)", text)
    if a_part:
        conformance = re.search(r"pdfaid:conformance(?:>|=\")([A-Za-z])", text)
        found.append(f"PDF/A-{a_part.group(1)}{conformance.group(1).lower() if conformance else ''}")
    ua_part = re.search(r"pdfuaid:part(?:>|=\")(\d)", text)
    if ua_part:
        found.append(f"PDF/UA-{ua_part.group(1)}")
    x_version = re.search(r"GTS_PDFXVersion>([^<]+)<", text)
    if x_version:
        found.append(x_version.group(1))
    return ", ".join(found) or f"PDF {reader.pdf_header.removeprefix('%PDF-')}"


def fonts_of(pdf) -> dict[str, bool]:
    """Every font used on the pages -> whether its program is embedded."""
    fonts: dict[str, bool] = {}
    seen: set = set()
    seen_resources: set = set()
    for page in _reader(pdf).pages:
        raw = page.raw_get("/Resources") if "/Resources" in page else None
        if raw is None:
            continue
        # WeasyPrint gives every page the same resources object: read it once.
        if getattr(raw, "idnum", None) is not None:
            if raw.idnum in seen_resources:
                continue
            seen_resources.add(raw.idnum)
        resources = raw.get_object()
        font_dict = resources.get("/Font")
        if font_dict is None:
            continue
        for ref in font_dict.get_object().values():
            # Pages share their font objects: look at each one once.
            key = getattr(ref, "idnum", None) or id(ref)
            if key in seen:
                continue
            seen.add(key)
            font = ref.get_object()
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            name = name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name
            descendants = font.get("/DescendantFonts")
            target = descendants.get_object()[0].get_object() if descendants is not None else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[name] = fonts.get(name, True) and embedded
    return fonts


def image_uses(pdf_path: Path, rendered=None) -> list[ImageUse]:
    """Each image as written into the PDF: its stream's pixels and colour space, and its effective
    resolution at the size the content stream draws it. The layout (when given) only names the files."""
    names: dict[int, list[str]] = {}
    if rendered is not None:
        for *_, page, source in rendered.placed_images():
            names.setdefault(page, []).append(source)
    uses: list[ImageUse] = []
    for image in written_images(pdf_path):
        if image.placed_pt[0] <= 0 or image.placed_pt[1] <= 0:
            continue
        on_page = names.get(image.page, [])
        index = sum(1 for use in uses if use.page == image.page)
        uses.append(
            ImageUse(
                file=on_page[index] if index < len(on_page) else f"image {index + 1} on page {image.page}",
                page=image.page,
                pixels=image.pixels,
                placed_mm=image.placed_mm,
                dpi=math.floor(image.dpi),  # as check does: 299.8 dpi is under 300
                colour_space=image.colour_space,
            )
        )
    return uses


def low_resolution(uses: list[ImageUse], minimum: int = PRINT_MIN_DPI) -> list[str]:
    return [
        f"{shown_path(use.file)} prints at {use.dpi:.0f} dpi on page {use.page} (under {minimum}); use a larger original"
        for use in uses
        if use.dpi < minimum
    ]


def over_budget(size: int, budget: int) -> list[str]:
    if size > budget:
        return [f"{size / 1e6:.1f} MB is over the email budget of {budget / 1e6:.1f} MB"]
    return []


def check(
    profile,
    pdf_path: Path,
    pages: int,
    rendered,
    warnings: list[str],
    budget: int,
    columns: int = 2,
) -> Report:
    """The preflight report of one written output, measured on the file; `profile.checks` says which
    checks apply. `rendered` (the layout) only names the image files."""
    size = pdf_path.stat().st_size
    reader = _reader(pdf_path)
    fonts = fonts_of(reader)
    # The layout names the image files only when its pages are the file's (not for an imposed booklet).
    uses = image_uses(pdf_path, rendered if rendered is not None and rendered.page_count == len(reader.pages) else None)
    found = list(warnings)
    if "fonts" in profile.checks and not all(fonts.values()):
        found += [f"font {name} is not embedded" for name, ok in fonts.items() if not ok]
    if "print_resolution" in profile.checks:
        found += low_resolution(uses)
    if "email_budget" in profile.checks:
        found += over_budget(size, budget)
    findings = lint(pdf_path, columns) if "layout" in profile.checks else None
    found += [f"layout: {finding}" for finding in findings or []]
    return Report(
        profile=profile.name,
        path=str(pdf_path),
        pages=pages,
        size=size,
        variant=variant_of(reader),
        fonts_embedded=all(fonts.values()),
        fonts=sorted(fonts),
        images=uses,
        warnings=found,
        findings=findings,
    )
