"""Checks of a written PDF (variant, fonts, images, size), gathered into a report per output."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsletter_pdf.limits import DEFAULT_EMAIL_BUDGET, PRINT_MIN_DPI
from newsletter_pdf.messages import shown_path

__all__ = ["DEFAULT_EMAIL_BUDGET", "PRINT_MIN_DPI"]


@dataclass
class ImageUse:
    """An image as placed on a page, with its effective resolution there."""

    file: str
    page: int
    pixels: tuple[int, int]
    placed_mm: tuple[float, float]
    dpi: float


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


def image_uses(rendered, dpi_cap: int | None = None) -> list[ImageUse]:
    """Effective resolution of each image at its placed size (capped where the output downsamples)."""
    uses = []
    for image, width_pt, height_pt, page, source in rendered.placed_images():
        if width_pt <= 0 or height_pt <= 0:
            continue
        # The picture is scaled to fit its box (object-fit: contain): the tighter side sets the scale.
        dpi = max(image.width / (width_pt / 72), image.height / (height_pt / 72))
        if dpi_cap:
            dpi = min(dpi, dpi_cap)
        uses.append(
            ImageUse(
                file=source,
                page=page,
                pixels=(image.width, image.height),
                placed_mm=(round(width_pt / 72 * 25.4, 1), round(height_pt / 72 * 25.4, 1)),
                dpi=round(dpi),
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
    profile, pdf_path: Path, pages: int, rendered, dpi_cap: int | None, warnings: list[str], budget: int
) -> Report:
    """The preflight report of one written output; `profile.checks` says which checks apply."""
    size = pdf_path.stat().st_size
    reader = _reader(pdf_path)
    fonts = fonts_of(reader)
    uses = image_uses(rendered, dpi_cap)
    found = list(warnings)
    if "fonts" in profile.checks and not all(fonts.values()):
        found += [f"font {name} is not embedded" for name, ok in fonts.items() if not ok]
    if "print_resolution" in profile.checks:
        found += low_resolution(uses)
    if "email_budget" in profile.checks:
        found += over_budget(size, budget)
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
    )
