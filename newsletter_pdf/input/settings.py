"""The publication's settings for its editions: `brand:` (its look), `print:` (the press, the mailing panel) and
`distribution:` (the email edition's headers and mail server)."""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Field

from newsletter_pdf.input.fieldtypes import EMAIL as _EMAIL
from newsletter_pdf.input.fieldtypes import Strict, Text

_BLEED = re.compile(r"^(\d+(\.\d+)?)(mm|pt|in)$")
POINTS_PER = {"mm": 72 / 25.4, "pt": 1.0, "in": 72.0}
MAX_BLEED_PT = 10 * 72 / 25.4


def _bleed(value: str) -> str:
    match = _BLEED.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError("must be a length such as 3mm, 8.5pt or 0.125in")
    if float(match.group(1)) * POINTS_PER[match.group(3)] > MAX_BLEED_PT:
        raise ValueError("must be at most 10mm (printers ask for 3mm to 5mm)")
    return value.strip()


MAX_CREEP_MM = 3.0


def _creep(value: str) -> str:
    match = _BLEED.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError("must be a length such as 0.3mm, 0.8pt or 0.01in")
    if float(match.group(1)) * POINTS_PER[match.group(3)] > MAX_CREEP_MM * POINTS_PER["mm"]:
        raise ValueError(f"must be at most {MAX_CREEP_MM:g}mm a sheet (0.1mm to 0.4mm is usual)")
    return value.strip()


class RenderingIntent(str, Enum):
    relative = "relative-colorimetric"
    perceptual = "perceptual"


class PrintSettings(Strict):
    """newsletter.yaml `print:`: how the print PDF is finished for the press (colour, ink, bleed, marks).

    Every field has a default, so `print:` may be left out; further finishing settings join here.
    """

    profile: str | None = Field(
        default=None,
        description="CMYK ICC profile of the press (relative to newsletter.yaml), used for the PDF/X output "
        "intent and to convert colours and pictures; Ghostscript's default CMYK profile when absent.",
    )
    ink_limit: int = Field(
        default=300,
        ge=200,
        le=400,
        description="Highest total area coverage (C+M+Y+K, in %) the printer accepts; pictures are held under it "
        "and every page is measured against it.",
    )
    rendering_intent: RenderingIntent = Field(
        default=RenderingIntent.relative,
        description="How colours are mapped into the press's gamut: relative-colorimetric (with black-point "
        "compensation; keeps in-gamut colours exact) or perceptual (often better for photographs).",
    )
    bleed: Annotated[str, AfterValidator(_bleed)] = Field(
        default="3mm", description="How far backgrounds and pictures that touch the trim edge run past it."
    )
    marks: bool = Field(default=True, description="Crop marks in a slug outside the bleed.")
    mailing_panel: bool = Field(
        default=False,
        description="Reserve the lower third of the back page for a return address, a postage box and "
        "the recipient's address (a self-mailer).",
    )
    creep: Annotated[str, AfterValidator(_creep)] | None = Field(
        default=None,
        description="Booklet (build --profile booklet): how far each sheet's pages move towards the spine, "
        "sheet by sheet from the outside, e.g. 0.3mm; --creep overrides it.",
    )

    @property
    def bleed_pt(self) -> float:
        match = _BLEED.match(self.bleed)
        assert match is not None  # validated
        return float(match.group(1)) * POINTS_PER[match.group(3)]


def _mailbox(value: str) -> str:
    """'Name <address>' or a bare address."""
    from email.utils import parseaddr

    _, address = parseaddr(value)
    if not address or not _EMAIL.match(address) or value.count("@") != 1:
        raise ValueError("must be an email address, alone or as 'Name <info@example.org>'")
    return value


def _unsubscribe(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme == "mailto" and _EMAIL.match(parts.path):
        return value
    if parts.scheme == "https" and parts.netloc and " " not in value:
        return value
    raise ValueError("must be a web address starting with https:// or a mailto: address")


SUBJECT_FIELDS = ("name", "month", "volume", "number")


def _subject(value: str) -> str:
    import string

    try:
        names = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
    except ValueError as exc:
        raise ValueError(f"is not a valid template ({exc}); write placeholders as {{name}} or {{month}}") from None
    unknown = sorted(names - set(SUBJECT_FIELDS))
    if unknown:
        raise ValueError(f"may use only {', '.join('{' + f + '}' for f in SUBJECT_FIELDS)}, not {{{unknown[0]}}}")
    return value


Mailbox = Annotated[str, AfterValidator(_mailbox)]


class Smtp(Strict):
    """The mail server `newsletter-pdf mail --send` sends through. The password never stands in a file."""

    host: Text = Field(description="Name of the mail server, e.g. smtp.example.org.")
    port: int | None = Field(
        default=None, ge=1, le=65535, description="Port; 587 for starttls, 465 for tls, 25 for none when absent."
    )
    security: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description="starttls or tls (required), or none, which is accepted only for a server on this machine.",
    )
    username: str | None = Field(default=None, description="Login name; the password comes from password_env.")
    password_env: str = Field(
        default="NEWSLETTER_PDF_SMTP_PASSWORD",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable holding the password (never the password itself).",
    )
    per_minute: int = Field(default=30, ge=1, le=6000, description="Rate limit: most messages sent a minute.")

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "tls": 465, "none": 25}[self.security]


class Distribution(Strict):
    """newsletter.yaml `distribution:`: the email edition's headers, and the mail server for sending it."""

    model_config = ConfigDict(populate_by_name=True)

    sender: Annotated[Mailbox, Field(alias="from")] = Field(
        description="From: 'Name <address>' or an address.",
    )
    reply_to: Mailbox | None = Field(default=None, description="Reply-To: where replies go, when not to From.")
    unsubscribe: Annotated[str, AfterValidator(_unsubscribe)] | None = Field(
        default=None, description="List-Unsubscribe: an https:// address or a mailto: address."
    )
    subject: Annotated[str, AfterValidator(_subject)] = Field(
        default="{name}, {month}",
        description="Subject line; may use {name}, {month} (e.g. November 2025), {volume} and {number}.",
    )
    smtp: Smtp | None = Field(default=None, description="The mail server for `mail --send`.")


_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _hex_colour(value: str) -> str:
    if not _HEX.match(value):
        raise ValueError('must be a colour written #rrggbb in quotes, e.g. "#7a1f5c"')
    return value.lower()


class BrandFonts(Strict):
    """The brand's type: each role a bundled family name, or a folder of the editor's own font files."""

    body: Text | None = Field(
        default=None,
        description="Body text: a bundled family (e.g. Noto Serif), or a folder beside newsletter.yaml holding "
        "one family's regular, bold, italic and bold italic files (.ttf, .otf or .woff).",
    )
    headings: Text | None = Field(
        default=None,
        description="Headings, masthead and captions: a bundled family, or a folder of one family's regular, "
        "bold and italic files.",
    )


class Brand(Strict):
    """The publication's own look: logo, accent colour, fonts and a named theme. No code, no templates."""

    logo: Text | None = Field(
        default=None,
        description="PNG, JPEG or SVG file beside newsletter.yaml, printed in the masthead (its alt text is the name).",
    )
    accent: Annotated[str, Field(pattern=_HEX.pattern), AfterValidator(_hex_colour)] | None = Field(
        default=None,
        description="Accent colour #rrggbb for the masthead, headings, rules and tints (where the layout puts it). "
        "Used for text, so it must reach 4.5:1 contrast against white (WCAG AA).",
    )
    accent_cmyk: list[Annotated[float, Field(ge=0, le=100)]] | None = Field(
        default=None,
        min_length=4,
        max_length=4,
        description="The accent for print as [C, M, Y, K] percentages, e.g. [0, 75, 25, 52] from your printer's "
        "swatch; otherwise the print PDF uses the accent's RGB value.",
    )
    fonts: BrandFonts = Field(default_factory=BrandFonts, description="Body and heading type.")
    theme: Text | None = Field(
        default=None,
        description="A named palette and type pairing shipped with newsletter-pdf (`newsletter-pdf layouts` lists them); "
        "accent and fonts given here win over the theme's.",
    )
