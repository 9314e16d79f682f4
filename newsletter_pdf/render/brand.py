"""A publication's brand applied to a layout: its colours and type, where the layout's data puts them."""

from __future__ import annotations

from newsletter_pdf.input.brand import MIN_TEXT_CONTRAST, PAPER, BrandAssets, contrast
from newsletter_pdf.render.layouts import Colors, Fonts, Layout

# Body text keeps at least this contrast on a tinted box (WCAG AAA for normal text).
MIN_BODY_ON_TINT = 7.0
TINT_STRENGTH = 0.12  # how much of the accent a box tint holds at most


def tint_share(accent: str, text: str, muted: str, strength: float = TINT_STRENGTH) -> float:
    """How much of the accent the box tint holds (0 to `strength`): the most for which body text keeps
    MIN_BODY_ON_TINT (or its contrast on paper, when that is lower) and the accent and muted text keep
    4.5:1. At worst 0, white: the accent passed its own check on paper."""
    body_need = min(MIN_BODY_ON_TINT, contrast(text, PAPER))
    muted_need = min(MIN_TEXT_CONTRAST, contrast(muted, PAPER))
    for step in range(round(strength * 100), -1, -1):
        candidate = _mix(accent, step / 100)
        if (
            contrast(text, candidate) >= body_need
            and contrast(accent, candidate) >= MIN_TEXT_CONTRAST
            and contrast(muted, candidate) >= muted_need
        ):
            return step / 100
    return 0.0


def tint(accent: str, text: str, muted: str, strength: float = TINT_STRENGTH) -> str:
    """The box tint: the accent mixed with white paper (see tint_share)."""
    return _mix(accent, tint_share(accent, text, muted, strength))


def _mix(accent: str, share: float) -> str:
    from coloraide import Color

    return Color(PAPER).mix(accent, share, space="srgb").to_string(hex=True)


def apply_brand(layout: Layout, brand: BrandAssets) -> Layout:
    """The layout with the theme's and the brand's colours and fonts, in the places its layout.yaml names."""
    places = layout.brand
    colors = layout.colors.model_dump()
    if brand.text:
        colors["text"] = brand.text
    if brand.muted:
        colors["muted"] = brand.muted
    if brand.accent:
        roles = set(places.accent)
        if "name" in roles:
            colors["name"] = brand.accent
        if "headings" in roles:
            colors["accent"] = brand.accent
        if "rules" in roles:
            colors["rule"] = brand.accent
        if "tints" in roles:
            colors["box"] = tint(brand.accent, colors["text"], colors["muted"])
    fonts = layout.fonts
    if places.fonts:
        fonts = Fonts(
            body=brand.body_family or fonts.body,
            headings=brand.heading_family or fonts.headings,
        )
    return layout.model_copy(update={"colors": Colors(**colors), "fonts": fonts})


def print_accent(layout: Layout, brand: BrandAssets) -> dict[str, str]:
    """CSS variables -> device-cmyk() values for the print pass, from accent_cmyk (the printer's swatch)."""
    if not brand.accent_cmyk or not brand.accent:
        return {}

    def cmyk(share: float) -> str:
        c, m, y, k = (round(v / 100 * share, 4) for v in brand.accent_cmyk or ())
        return f"device-cmyk({c:g} {m:g} {y:g} {k:g})"

    roles = set(layout.brand.accent)
    values = {}
    if "name" in roles:
        values["name"] = cmyk(1)
    if "headings" in roles:
        values["accent"] = cmyk(1)
    if "rules" in roles:
        values["rule"] = cmyk(1)
    if "tints" in roles:
        # A printer's tint: the same inks, screened to the share the screen tint holds.
        colors = layout.colors
        values["box"] = cmyk(tint_share(brand.accent, colors.text, colors.muted))
    return values
