"""The three outputs of an issue (print, email, archive) and what each asks of WeasyPrint."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from newsletter_pdf.errors import UserError

# Searched in order for the CMYK profile that PDF/X needs as its output intent.
# Debian's libgs-common ships Ghostscript's profiles; we use them where they are
# rather than bundling them (they are not under the project's licence).
CMYK_PROFILE_ENV = "NEWSLETTER_PDF_CMYK_PROFILE"
CMYK_PROFILE_PLACES = (
    "/usr/share/color/icc/ghostscript/default_cmyk.icc",
    "/usr/share/ghostscript/iccprofiles/default_cmyk.icc",
    "/usr/local/share/ghostscript/iccprofiles/default_cmyk.icc",
    "/opt/homebrew/share/ghostscript/iccprofiles/default_cmyk.icc",
)


@dataclass(frozen=True)
class Profile:
    """One output: its file suffix, the layout pass it needs and the options for writing it."""

    name: str
    suffix: str
    description: str
    # Outputs with the same pass share one layout of the pages.
    layout_pass: str
    render_options: dict = field(default_factory=dict)
    write_options: dict = field(default_factory=dict)
    # What the output carries and how it is kept, read by the pipeline instead of asking its name.
    attaches_sources: bool = False  # the issue's own files ride inside the PDF (PDF/A-3), with PRISM XMP
    writes_checksum: bool = False  # a <file>.sha256 beside it
    # CMYK pictures and colours, bleed, marks and ink limits from newsletter.yaml `print:` (outputs/print_job.py).
    finishes_for_press: bool = False
    # Which preflight checks apply (see outputs/preflight.py): fonts, layout (outputs/layout_lint.py),
    # print_resolution, email_budget.
    checks: tuple[str, ...] = ("fonts", "layout")
    # Made from the written pages afterwards (no second layout): "booklet" imposes them in saddle-stitch order.
    imposition: str | None = None

    @property
    def variant(self) -> str:
        return self.write_options.get("pdf_variant", "")


PROFILES: dict[str, Profile] = {
    "print": Profile(
        name="print",
        suffix="-print",
        description="PDF/X-4 for the printer: bleed, crop marks in the slug, CMYK colours and pictures, ink limit",
        layout_pass="print",
        render_options={"output_intent": "device-cmyk"},
        write_options={"pdf_variant": "pdf/x-4"},
        checks=("fonts", "layout", "print_resolution"),
        finishes_for_press=True,
    ),
    "email": Profile(
        name="email",
        suffix="-email",
        description="PDF/UA-1 for screens and email: tagged, linked, sRGB, images at 150 dpi",
        layout_pass="screen",
        render_options={"output_intent": "srgb"},
        write_options={"pdf_variant": "pdf/ua-1", "output_intent": "srgb", "dpi": 150},
        checks=("fonts", "layout", "email_budget"),
    ),
    "archive": Profile(
        name="archive",
        suffix="-archive",
        description="PDF/A-3b for the archive: reproducible bytes, carrying its own source files",
        layout_pass="screen",
        render_options={"output_intent": "srgb"},
        write_options={"pdf_variant": "pdf/a-3b", "pdf_tags": True},
        attaches_sources=True,
        writes_checksum=True,
    ),
    "booklet": Profile(
        name="booklet",
        suffix="-booklet",
        description="Saddle-stitch booklet for duplex printing at the office: two pages a sheet side, fold and staple",
        layout_pass="print",
        render_options={"output_intent": "device-cmyk"},
        imposition="booklet",
        checks=("fonts",),  # two pages a sheet side (and blank padding): the print output's lint covers its pages
    ),
}
# What a plain `build` makes; the booklet is asked for by name (--profile booklet).
DEFAULT_PROFILES = ("print", "email", "archive")


def select(names: list[str] | tuple[str, ...] | None) -> list[Profile]:
    """The profiles asked for, in the canonical order, each once."""
    names = list(names or DEFAULT_PROFILES)
    unknown = [n for n in names if n not in PROFILES]
    if unknown:
        raise UserError(f"unknown profile {unknown[0]!r}; choose from {', '.join(PROFILES)}.")
    return [PROFILES[n] for n in PROFILES if n in names]


def cmyk_profile() -> Path:
    """The CMYK ICC profile for PDF/X, or a clear error saying how to get one."""
    configured = os.environ.get(CMYK_PROFILE_ENV)
    candidates = [configured] if configured else list(CMYK_PROFILE_PLACES)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    if configured:
        raise UserError(f"{CMYK_PROFILE_ENV} names {configured}, which is not a file.")
    raise UserError(
        "the print output needs a CMYK ICC profile for its PDF/X output intent. Install Debian's "
        f"libgs-common (scripts/setup.sh does), or set {CMYK_PROFILE_ENV} to an .icc file."
    )
