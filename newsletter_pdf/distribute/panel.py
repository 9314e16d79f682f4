"""The mailing panel of a self-mailer (`print: {mailing_panel: true}`): the lower third of the back page
holds the return address, a postage box and an empty area for the recipient's address.

The panel is the last block of the issue, as tall as the lower third of the page less the bottom
margin, so the articles end above it and page fitting counts it like any other content; its
contents are drawn at the foot of the page it falls on, the back page."""

from __future__ import annotations

from newsletter_pdf.input.models import Publication
from newsletter_pdf.render.layouts import Layout

PAGE_HEIGHT_MM = {"A4": 297.0, "A5": 210.0, "Letter": 279.4, "Legal": 355.6}
MM_PER_UNIT = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": 25.4 / 96}
# English for now, in one place; the languages issue's label catalogue replaces it.
# The recipient's area (mm): drawn by mailing-panel.css.j2, stamped by `address` (distribute/address.py).
RECIPIENT_MM = (92.0, 40.0)
WORDS = {"return": "If undelivered, please return to", "postage": "Postage", "recipient": "Recipient's address"}


def length_mm(length: str, font_size_mm: float = 10 * 25.4 / 72) -> float:
    for unit in ("rem", "em"):
        if length.endswith(unit):
            return float(length.removesuffix(unit)) * font_size_mm
    return float(length[:-2]) * MM_PER_UNIT[length[-2:]]


def panel_height_mm(publication: Publication, layout: Layout) -> float:
    """The lower third of the page, less the bottom margin (the page footer stays where it is)."""
    return round(PAGE_HEIGHT_MM[publication.page_size.value] / 3 - length_mm(layout.margins.bottom), 2)


def panel_context(publication: Publication, layout: Layout) -> dict | None:
    """What mailing-panel.html.j2 needs, or None when the publication has no panel."""
    if not publication.print.mailing_panel:
        return None
    return {"height": f"{panel_height_mm(publication, layout)}mm", "words": WORDS, "recipient": RECIPIENT_MM}
