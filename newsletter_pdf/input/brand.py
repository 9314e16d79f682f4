"""brand: in newsletter.yaml -> what the look is made of: theme, accent, logo and fonts, each checked and located."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ruamel.yaml import YAML

from newsletter_pdf.errors import Problem
from newsletter_pdf.input.brand_fonts import Face, FontFolderError, bundled_families, bundled_family, read_family
from newsletter_pdf.input.images import check_image
from newsletter_pdf.input.paths import inside, is_
from newsletter_pdf.input.yaml_source import Locator, field_path
from newsletter_pdf.messages import say, show, shown_path
from newsletter_pdf.resources import theme_names

if TYPE_CHECKING:  # models.py holds BrandAssets in the Newsletter, so it imports this module
    from newsletter_pdf.input.models import Publication

# WCAG 2 AA for normal-size text.
MIN_TEXT_CONTRAST = 4.5
PAPER = "#ffffff"


@dataclass(frozen=True)
class Theme:
    """A named palette and type pairing (layouts/themes/<name>.yaml)."""

    name: str
    description: str
    accent: str
    text: str
    muted: str
    body: str
    headings: str


@dataclass(frozen=True)
class BrandAssets:
    """The brand resolved: colours, CSS family per role, font files and logo, all checked."""

    accent: str | None = None
    accent_cmyk: tuple[float, ...] | None = None
    text: str | None = None
    muted: str | None = None
    body_family: str | None = None
    heading_family: str | None = None
    faces: tuple[Face, ...] = ()
    logo: str | None = None  # absolute path
    theme: str | None = None
    files: tuple[str, ...] = field(default=(), repr=False)  # every file of the brand, for watch

    @property
    def logo_uri(self) -> str:
        return Path(self.logo).as_uri() if self.logo else ""

    @property
    def families(self) -> tuple[str, ...]:
        """The families the publication names itself (its own font folders)."""
        return tuple(dict.fromkeys(face.family for face in self.faces))


def load_theme(name: str) -> Theme:
    path = theme_names()[name]
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    fonts = data.get("fonts", {})
    return Theme(
        name=name,
        description=data["description"],
        accent=data["accent"],
        text=data["text"],
        muted=data["muted"],
        body=fonts["body"],
        headings=fonts["headings"],
    )


def contrast(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours (1 to 21)."""
    from coloraide import Color

    return float(Color(first).contrast(second, method="wcag21"))


def darker_passing(colour: str, against: str = PAPER, minimum: float = MIN_TEXT_CONTRAST) -> str:
    """The same hue made darker, step by step, until it reaches the contrast: a suggestion for the editor."""
    from coloraide import Color

    base = Color(colour).convert("oklch")
    for step in range(100):
        candidate = base.clone().set("lightness", lambda v, s=step: v * (1 - s / 100)).convert("srgb").fit()
        if float(candidate.contrast(against, method="wcag21")) >= minimum + 0.05:
            return candidate.to_string(hex=True)
    return "#000000"


def check_brand(publication: Publication, path: Path, locator: Locator, problems: list[Problem]) -> BrandAssets:
    """Every part of brand: checked, with located problems; what passes, resolved."""
    brand = publication.brand
    folder = path.parent
    theme = None
    if brand.theme is not None:
        names = theme_names()
        if brand.theme in names:
            theme = load_theme(brand.theme)
        else:
            _report(problems, locator, ("brand", "theme"), brand.theme, "unknown_theme", available=", ".join(names))

    raw = locator.root.data.get("brand") if isinstance(locator.root.data, dict) else None
    for key in ("accent", "logo"):
        # `accent: #7a1f5c` unquoted is a YAML comment: the field is there, but empty.
        if isinstance(raw, dict) and key in raw and raw[key] is None:
            _report(problems, locator, ("brand", key), None, "empty_brand_field", field=key)
    accent = brand.accent or (theme.accent if theme else None)
    if brand.accent is not None:
        ratio = contrast(brand.accent, PAPER)
        if ratio < MIN_TEXT_CONTRAST:
            _report(
                problems,
                locator,
                ("brand", "accent"),
                brand.accent,
                "low_contrast",
                ratio=f"{ratio:.2f}",
                minimum=MIN_TEXT_CONTRAST,
                suggestion=darker_passing(brand.accent),
            )
    if brand.accent_cmyk is not None and brand.accent is None:
        _report(problems, locator, ("brand", "accent_cmyk"), brand.accent_cmyk, "cmyk_without_accent")

    logo = None
    if brand.logo is not None:
        resolved = check_image(brand.logo, [folder], folder, ("brand", "logo"), locator, problems)
        logo = str(resolved.resolve()) if resolved is not None else None

    families: dict[str, str | None] = {}
    faces: list[Face] = []
    files: list[str] = [logo] if logo else []
    for role in ("body", "headings"):
        value = getattr(brand.fonts, role)
        families[role] = None if theme is None else (theme.body if role == "body" else theme.headings)
        if value is None:
            continue
        family, role_faces = _font(value, role, folder, locator, problems)
        if family is not None:
            families[role] = family
            faces += [f for f in role_faces if f not in faces]
            files += [f.file for f in role_faces]
    return BrandAssets(
        accent=accent,
        accent_cmyk=tuple(brand.accent_cmyk) if brand.accent_cmyk and brand.accent else None,
        text=theme.text if theme else None,
        muted=theme.muted if theme else None,
        body_family=families["body"],
        heading_family=families["headings"],
        faces=tuple(faces),
        logo=logo,
        theme=theme.name if theme else None,
        files=tuple(files),
    )


def _font(value: str, role: str, folder: Path, locator: Locator, problems: list[Problem]):
    """A bundled family by name, or the family in a font folder: (CSS family, faces) or (None, ())."""
    loc = ("brand", "fonts", role)
    bundled = bundled_family(value)
    if bundled is not None:
        return bundled, ()
    candidate = folder / value
    looks_like_path = "/" in value or "\\" in value or value.startswith(".")
    if not looks_like_path and not is_(Path.is_dir, candidate):
        _report(problems, locator, loc, value, "unknown_family", available=", ".join(bundled_families()))
        return None, ()
    if not inside(candidate, folder):
        _report(problems, locator, loc, value, "font_folder_outside", folder=shown_path(folder))
        return None, ()
    if not is_(Path.is_dir, candidate):
        _report(problems, locator, loc, value, "missing_file", path=value, tried=shown_path(candidate))
        return None, ()
    try:
        faces = read_family(candidate, folder, role)
    except FontFolderError as error:
        _report(problems, locator, loc, value, error.key, path=value, **error.values)
        return None, ()
    return faces[0].family, faces


def _report(problems: list[Problem], locator: Locator, loc: tuple, value, key: str, **values) -> None:
    location, _ = locator.locate(loc)
    shown = show(value)
    problems.append(Problem(location, say(key, value=shown, **values), field_path(loc), shown))
