"""The print pass of one build, from newsletter.yaml's `print:`: the press's profile, its stylesheet
values, its pictures, the finishing of the PDF and the printer's summary in preflight."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from newsletter_pdf.input.models import Newsletter
from newsletter_pdf.outputs import press, press_check
from newsletter_pdf.outputs import profiles as outputs
from newsletter_pdf.outputs.colour import PressColour, css_cmyk, grey_k, hex_to_rgb, rgb_to_cmyk
from newsletter_pdf.outputs.print_images import PrintImages

_LENGTH_PT = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0, "pc": 12.0, "px": 0.75}
_LENGTH = re.compile(r"^(\d+(?:\.\d+)?)(mm|cm|in|pt|pc|px)$")


def _points(length: str) -> float | None:
    match = _LENGTH.match(length)
    return float(match.group(1)) * _LENGTH_PT[match.group(2)] if match else None


@dataclass
class PagePrint:
    """One page as a printer reads it."""

    page: int
    ink_max: float | None  # % total area coverage (None: Ghostscript missing)
    ink_mean: float | None
    text_colour: list[str]
    paint_colour: list[str]
    image_colour: list[str]
    images: list[str]  # "file: N dpi"
    fonts: list[str]


@dataclass
class PrinterSummary:
    """The printer's summary of a print PDF: the press it was made for, and each page."""

    profile: str
    rendering_intent: str
    ink_limit: int
    bleed_mm: float
    marks: bool
    pages: list[PagePrint] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class PrintJob:
    """Everything the print pass needs beyond the screen pass."""

    def __init__(self, newsletter: Newsletter, roots: list[Path]):
        """roots: the folders the sandbox lets WeasyPrint read (only pictures inside them are converted)."""
        settings = newsletter.publication.print
        self.settings = settings
        self.brand = newsletter.brand
        if settings.profile:
            icc = (Path(newsletter.publication_file).parent / settings.profile).resolve()
        else:
            icc = outputs.cmyk_profile()
        self.press = PressColour(icc, settings.rendering_intent.value, settings.ink_limit)
        self.images = PrintImages(self.press, roots)
        self.finishing = press.Finish(self.press, settings.bleed_pt, settings.marks)
        self.inks: list[press_check.PageInk] | None = None

    @property
    def roots(self) -> list[Path]:
        """What WeasyPrint may read besides the issue: the profile file itself and the converted pictures."""
        self.images.folder.mkdir(parents=True, exist_ok=True)
        return [self.press.profile, self.images.folder]

    def css(self, layout) -> str:
        from newsletter_pdf.render.html import render_print_css

        media_bleed = self.settings.bleed_pt + press.slug(self.settings.marks)
        from newsletter_pdf.render.brand import print_accent

        values = layout.colors.model_dump()
        values["name"] = values["name"] or values["accent"]  # the masthead name: the accent, unless set apart
        colors = {name: css_cmyk(rgb_to_cmyk(hex_to_rgb(value), self.press)) for name, value in values.items()}
        # The brand's accent_cmyk, the printer's own swatch, wins over the profile's conversion of the accent.
        colors.update(print_accent(layout, self.brand))
        # Text in black ink alone: body text solid, secondary text (dates, captions, folios) a tint of black.
        colors["text"] = css_cmyk((0, 0, 0, 1))
        colors["muted"] = css_cmyk((0, 0, 0, grey_k(hex_to_rgb(layout.colors.muted))))
        margins = layout.margins
        reach = {}
        sides = {"top": margins.top, "bottom": margins.bottom, "inside": margins.inside, "outside": margins.outside}
        if all(_points(v) is not None for v in sides.values()):
            reach = {side: f"{_points(v) + self.settings.bleed_pt:.2f}pt" for side, v in sides.items()}  # type: ignore[operator]
        return render_print_css(
            layout, self.press.profile.as_uri(), f"{media_bleed:.2f}pt", cmyk_colors=colors, reach=reach
        )

    def finish(self, data: bytes) -> bytes:
        return press.finish(data, self.finishing)

    def check_inks(self, data: bytes) -> list[str]:
        """Measure every page's ink with Ghostscript; the warnings for pages over the limit."""
        try:
            self.inks = press_check.ink_coverage(data)
        except FileNotFoundError:
            self.inks = None
            return ["ink coverage not measured: Ghostscript (gs) is not installed (scripts/setup.sh installs it)"]
        return press_check.over_limit(self.inks, self.settings.ink_limit)

    def summary(self, pdf_path: Path, image_uses) -> PrinterSummary:
        """Per page: ink, colour spaces of text, paint and pictures, and each picture's effective dpi."""
        colours = press_check.colour_spaces(pdf_path)
        inks = {ink.page: ink for ink in self.inks or []}
        summary = PrinterSummary(
            profile=self.press.profile.name,
            rendering_intent=self.press.intent,
            ink_limit=self.settings.ink_limit,
            bleed_mm=round(self.settings.bleed_pt / 72 * 25.4, 2),
            marks=self.settings.marks,
        )
        for seen in colours:
            ink = inks.get(seen.page)
            summary.pages.append(
                PagePrint(
                    page=seen.page,
                    ink_max=ink.max_percent if ink else None,
                    ink_mean=ink.mean_percent if ink else None,
                    text_colour=sorted(seen.text),
                    paint_colour=sorted(seen.paint),
                    image_colour=sorted(seen.images),
                    images=[f"{Path(u.file).name}: {u.dpi:.0f} dpi" for u in image_uses if u.page == seen.page],
                    fonts=sorted(seen.fonts),
                )
            )
        return summary

    def rgb_warnings(self, summary: PrinterSummary) -> list[str]:
        """RGB anywhere in a print file is a question from the printer: say where."""
        found = []
        for page in summary.pages:
            kinds = [
                k
                for k, spaces in (
                    ("text", page.text_colour),
                    ("paint", page.paint_colour),
                    ("images", page.image_colour),
                )
                if any("RGB" in s for s in spaces)
            ]
            if kinds:
                found.append(f"page {page.page} has RGB {' and '.join(kinds)}; the press expects CMYK or grey")
        return found

    def state(self) -> dict:
        """What the pass measured (inks) and renamed (pictures), to finish the report in another process."""
        return {"inks": self.inks, "originals": dict(self.images.originals)}

    def restore(self, state: dict) -> None:
        self.inks = state["inks"]
        self.images.originals.update(state["originals"])

    def add_to(self, report, pdf_path: Path) -> None:
        """Give the print file's preflight report its printer's summary, and name pictures as the editor did."""
        for use in report.images:
            copy = use.file
            use.file = self.images.original(copy)
            report.warnings = [w.replace(copy, use.file) for w in report.warnings]
        report.printer = self.summary(pdf_path, report.images)
        report.warnings += self.rgb_warnings(report.printer)
