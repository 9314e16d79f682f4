"""Find a layout, read its defaults (layout.yaml) and give its template search path."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml import YAML

from newsletter_pdf.errors import Location, Problem, UserError, ValidationProblems
from newsletter_pdf.messages import say
from newsletter_pdf.resources import BASE_LAYOUT, LAYOUT_DEFAULTS_FILE, layout_names, layouts_dir

BASE = BASE_LAYOUT
DEFAULTS_FILE = LAYOUT_DEFAULTS_FILE

# Layout values are written into CSS: each must be a plain CSS token of its kind.
_LENGTH = re.compile(r"^\d+(\.\d+)?(mm|cm|in|pt|pc|px|em|rem)$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")
_FAMILY = re.compile(r"^[A-Za-z0-9 _-]+$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def _matches(pattern: re.Pattern, what: str):
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"must be {what}")
        return value

    return AfterValidator(check)


Length = Annotated[str, _matches(_LENGTH, "a CSS length such as 15mm or 10pt")]
Color = Annotated[str, _matches(_COLOR, "a colour written #rgb or #rrggbb")]
Family = Annotated[str, _matches(_FAMILY, "a font family name of letters, digits and spaces")]
Number = Annotated[str, _matches(_NUMBER, "a plain number such as 1.35")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Margins(_Strict):
    top: Length = "15mm"
    bottom: Length = "20mm"
    inside: Length = "15mm"
    outside: Length = "15mm"


class Fonts(_Strict):
    body: Family = Field("Noto Serif", description="Family for body text (a bundled font).")
    headings: Family = Field("Noto Sans", description="Family for headings (a bundled font).")


class Colors(_Strict):
    accent: Color = "#1d4e6e"
    text: Color = "#1a1a1a"
    muted: Color = "#555555"
    box: Color = "#eaf1f5"
    rule: Color = "#1d4e6e"
    name: Color | None = Field(None, description="The publication's name in the masthead (default: accent).")


class BrandPlaces(_Strict):
    """Where this layout puts a publication's brand (newsletter.yaml `brand:`)."""

    logo: Literal["left", "right", "above", "dateline", "none"] = Field(
        "right",
        description="Logo beside the name (left or right), on a line above it, at the head of the date line "
        "(month and number), or not shown.",
    )
    logo_height: Length = Field("1.1em", description="Height of the logo; em is the size of the text beside it.")
    logo_plate: Color | None = Field(
        None, description="A plate behind the logo, e.g. white on a colour band, so a logo in the accent still shows."
    )
    accent: tuple[Literal["name", "headings", "rules", "tints"], ...] = Field(
        ("name", "headings", "rules", "tints"),
        description="What takes the accent: the masthead name, headings (and the accent colour itself), "
        "rules, and tinted boxes (a tint derived from it).",
    )
    fonts: bool = Field(True, description="Whether the brand's or theme's fonts replace the layout's.")


class FitLimits(_Strict):
    """How far page-count fitting may move this layout away from its defaults."""

    honour_pages: bool = Field(
        True,
        description="Fit to the issue's `pages:`; false for layouts whose page count differs anyway (large print).",
    )
    leading_min: Number = Field("1.25", description="Tightest leading allowed when an issue runs over.")
    leading_max: Number = Field("1.45", description="Loosest leading allowed when an issue runs short.")
    image_height_min: Length = Field("45mm", description="Smallest height pictures may be reduced to.")
    notes_max_lines: int = Field(40, ge=0, description="Most ruled lines a filler Notes box may have.")


class JumpRules(_Strict):
    """When the layout continues an article later by itself (an article's jump_after always wins)."""

    front_page: bool = Field(False, description="Continue inside the front-page articles that run past page 1.")
    min_lines: int = Field(8, ge=1, description="Jump only when at least this many lines would run on.")


class ContentsLimits(_Strict):
    """How much of page 1 the 'Inside this issue' box may take, so the lead story always starts there."""

    max_lines: int = Field(
        18,
        ge=3,
        description="Most lines the box lists (an entry takes one line per contents_line_max characters); "
        "the entries beyond are summed up as 'and N more inside'.",
    )
    beside_lead_picture: bool = Field(
        False, description="On page 1, set the box beside the lead story's picture in a row on the column grid."
    )


class Layout(_Strict):
    """A layout's defaults (layout.yaml) and where its files are."""

    name: str = ""
    description: str = Field("", description="One line shown by `newsletter-pdf layouts`.")
    columns: int = Field(2, ge=1, le=4, description="Number of text columns.")
    column_gap: Length = "7mm"
    body_size: Length = "10pt"
    leading: Number = "1.35"
    max_image_height: Length = "75mm"
    contents_line_max: int = Field(40, ge=10, description="Longest line the contents box holds on one line.")
    drop_cap: bool = Field(False, description="Open the first article with a drop cap.")
    margins: Margins = Margins()
    fonts: Fonts = Fonts()
    colors: Colors = Colors()
    contents: ContentsLimits = ContentsLimits()
    fit: FitLimits = FitLimits()
    jump: JumpRules = JumpRules()
    brand: BrandPlaces = BrandPlaces()
    search_path: tuple[str, ...] = Field((), description="Template folders, first match wins.")


available = layout_names


def load_layout(name: str, override_dir: Path | None = None) -> Layout:
    """The named layout, with the publication's own folder (if any) searched first."""
    layouts = available()
    if name not in layouts:
        names = ", ".join(layouts) or "none"
        raise UserError(f"there is no layout named '{name}'. Available layouts: {names}.")
    folder = layouts[name]
    path = folder / DEFAULTS_FILE
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    search = [folder, layouts_dir() / BASE]
    if override_dir is not None:
        if not override_dir.is_dir():
            raise UserError(f"layout_dir {override_dir} is not a folder.")
        override_defaults = override_dir / DEFAULTS_FILE
        if override_defaults.is_file() and not override_defaults.resolve().is_relative_to(override_dir.resolve()):
            target = override_defaults.resolve()
            message = say("layout_file_outside", path=override_defaults, target=target)
            raise ValidationProblems([Problem(Location(override_defaults), message)])
        if override_defaults.is_file():
            data = _merge(data, YAML(typ="safe").load(override_defaults.read_text(encoding="utf-8")) or {})
            path = override_defaults
        search.insert(0, override_dir)
    try:
        return Layout.model_validate({**data, "name": name, "search_path": tuple(str(p) for p in search)})
    except ValidationError as exc:
        raise ValidationProblems(
            [
                Problem(Location(path), f"{e['msg']}; got {e.get('input')!r}", ".".join(map(str, e["loc"])))
                for e in exc.errors(include_url=False)
            ]
        ) from None


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
