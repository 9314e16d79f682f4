"""Address labels: members.csv -> a PDF of label sheets (WeasyPrint through render/engine.py, bundled fonts).

Each label's text is laid out once at the base size and measured: a line wider than the label is
set smaller until it fits, and when the lines together are taller than the label, all of them
are. A label that would need text smaller than MIN_SIZE is a located problem, never an overflow.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml import YAML

from newsletter_pdf import __version__
from newsletter_pdf.distribute.members import Postal, read_postal
from newsletter_pdf.errors import Location, Problem, UserError, ValidationProblems

FORMATS_FILE = Path(__file__).parent / "label_formats.yaml"
TEMPLATES = Path(__file__).parent / "templates"
BASE_SIZE = 10.0  # pt
MIN_SIZE = 4.5  # pt: smaller than this is not readable by a sorting office
PX_PER_MM = 96 / 25.4
PT_PER_MM = 72 / 25.4


class LabelFormat(BaseModel):
    """One sheet of labels (label_formats.yaml); lengths in mm."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    description: str
    page: tuple[float, float]
    columns: int = Field(ge=1)
    rows: int = Field(ge=1)
    label: tuple[float, float]
    top: float
    left: float
    pitch_x: float
    pitch_y: float
    padding: float = 4.0  # space inside the label's left and right edges
    padding_y: float = 2.5  # least space above and below the text

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def rectangle(self, slot: int) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in mm of the label at this slot of a sheet (0 = top left, across first)."""
        row, column = divmod(slot, self.columns)
        left, top = self.left + column * self.pitch_x, self.top + row * self.pitch_y
        return left, top, left + self.label[0], top + self.label[1]


@functools.cache
def label_formats() -> dict[str, LabelFormat]:
    data = YAML(typ="safe").load(FORMATS_FILE.read_text(encoding="utf-8"))
    return {str(name): LabelFormat(name=str(name), **values) for name, values in data.items()}


def label_format(name: str) -> LabelFormat:
    formats = label_formats()
    found = formats.get(name) or next((f for n, f in formats.items() if n.lower() == name.lower()), None)
    if found is None:
        raise UserError(f"there is no label format '{name}'. Formats: {', '.join(formats)}.")
    return found


@dataclass
class LabelsResult:
    path: Path
    labels: int
    sheets: int
    format: LabelFormat


@dataclass
class _Label:
    key: str
    lines: tuple[str, ...]
    top: float
    left: float
    sizes: list[float] = field(default_factory=list)  # pt, one a line
    offset: float = 0.0

    def __post_init__(self) -> None:
        self.sizes = self.sizes or [BASE_SIZE] * len(self.lines)


def _environment() -> jinja2.Environment:
    from newsletter_pdf.render.templates import ContainedLoader, Sandbox

    return Sandbox(
        loader=ContainedLoader((str(TEMPLATES),), (TEMPLATES.resolve(),)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def _covered() -> frozenset[int]:
    """Every character some bundled font has a glyph for (fonts/fonts.yaml)."""
    from fontTools.ttLib import TTFont

    from newsletter_pdf.render.html import font_faces

    found: set[int] = set()
    for face in font_faces():
        with TTFont(face.path, lazy=True) as font:
            found.update(font.getBestCmap() or {})
    return frozenset(found)


def check_glyphs(addresses: list[Postal], source: Path) -> None:
    """A character no bundled font has would print from a system font, or as a box: say where it is."""
    covered = _covered()
    problems = []
    for address in addresses:
        missing = sorted({c for line in address.lines for c in line if not c.isspace() and ord(c) not in covered})
        if missing:
            shown = " ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:8])
            problems.append(
                Problem(
                    Location(source, address.line),
                    f"no bundled font has {shown}; add a font that covers them to fonts/fonts.yaml.",
                )
            )
    if problems:
        raise ValidationProblems(problems)


def _place(addresses: list[Postal], fmt: LabelFormat, skip: int) -> list[list[_Label]]:
    sheets: list[list[_Label]] = []
    for index, address in enumerate(addresses):
        sheet, slot = divmod(index + skip, fmt.per_sheet)
        while len(sheets) <= sheet:
            sheets.append([])
        left, top, _, _ = fmt.rectangle(slot)
        sheets[sheet].append(_Label(str(index), address.lines, top, left))
    return sheets


def _html(sheets: list[list[_Label]], fmt: LabelFormat) -> str:
    from newsletter_pdf.render.html import font_faces

    faces = font_faces()
    families = ", ".join(dict.fromkeys(f'"{f.family}"' for f in sorted(faces, key=lambda f: f.family != "Noto Sans")))
    return (
        _environment()
        .get_template("labels.html.j2")
        .render(sheets=sheets, format=fmt, fonts=faces, families=families, base_size=BASE_SIZE, version=__version__)
    )


def _fit(label: _Label, lines: list[float], block_height: float, room_w: float, room_h: float, pad: float) -> bool:
    """Shrink the lines wider than the room, then all lines if together too tall; True when a size changed."""
    before = list(label.sizes)
    for index, width in enumerate(lines):
        if width > room_w:
            label.sizes[index] = math.floor(label.sizes[index] * room_w / width * 0.99 * 10) / 10
    # Heights follow the sizes: estimate the block's new height from the change of each line's size.
    height = block_height * sum(label.sizes) / sum(before) if sum(before) else block_height
    if height > room_h:
        factor = room_h / height * 0.99
        label.sizes = [math.floor(size * factor * 10) / 10 for size in label.sizes]
        height *= factor
    label.offset = round(pad + max(0.0, (room_h - height) / 2) / PX_PER_MM, 2)  # centred, pad (mm) at least
    return label.sizes != before


def render_labels(addresses: list[Postal], fmt: LabelFormat, skip: int = 0, source: Path | None = None):
    """The laid-out label sheets: every line fits its label's width, every block its height, centred."""
    from newsletter_pdf.render import engine
    from newsletter_pdf.resources import fonts_dir

    if not 0 <= skip < fmt.per_sheet:
        raise UserError(f"--skip must be between 0 and {fmt.per_sheet - 1} for {fmt.name} ({fmt.per_sheet} a sheet).")
    sheets = _place(addresses, fmt, skip)
    labels = {label.key: label for sheet in sheets for label in sheet}
    room_w = (fmt.label[0] - 2 * fmt.padding) * PX_PER_MM
    room_h = (fmt.label[1] - 2 * fmt.padding_y) * PX_PER_MM
    roots = [fonts_dir()]
    rendered = engine.render(_html(sheets, fmt), TEMPLATES, roots)
    for _ in range(4):  # widths follow the size closely: a pass or two settles the rounding
        blocks = engine.extents(rendered, "data-label")
        lines = engine.extents(rendered, "data-line")
        changed = False
        for key, label in labels.items():
            widths = [lines[f"{key}.{i}"][0] for i in range(len(label.lines))]
            changed |= _fit(label, widths, blocks[key][1], room_w, room_h, fmt.padding_y)
        too_small = [k for k, label in labels.items() if min(label.sizes) < MIN_SIZE]
        if too_small:
            raise ValidationProblems(
                [
                    Problem(
                        Location(source or Path("members.csv"), addresses[int(k)].line),
                        f"this address is too long for a {fmt.name} label even at {MIN_SIZE} pt; "
                        "shorten its longest line.",
                    )
                    for k in too_small
                ]
            )
        rendered = engine.render(_html(sheets, fmt), TEMPLATES, roots)
        if not changed:
            break
    return rendered, len(sheets)


def write_labels(
    members_csv: Path | str, out_dir: Path | str = "out", format_name: str = "L7160", skip: int = 0
) -> LabelsResult:
    """OUT/<csv name>-labels-<format>.pdf, written atomically."""
    from newsletter_pdf.files import write_atomically
    from newsletter_pdf.render import engine

    fmt = label_format(format_name)
    members_csv = Path(members_csv)
    addresses = read_postal(members_csv)
    if not addresses:
        raise UserError(f"{members_csv} lists nobody; add a row for each member under the header row.")
    check_glyphs(addresses, members_csv)
    rendered, sheets = render_labels(addresses, fmt, skip, members_csv)
    if rendered.warnings:
        raise UserError("WeasyPrint warned while setting the labels:\n  " + "\n  ".join(rendered.warnings))
    data, _ = engine.to_bytes(rendered)
    target = write_atomically(Path(out_dir) / f"{members_csv.stem}-labels-{fmt.name}.pdf", data)
    return LabelsResult(target, len(addresses), sheets, fmt)
