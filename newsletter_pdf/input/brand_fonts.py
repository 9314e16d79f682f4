"""The editor's own fonts: a folder of one family, read with fontTools, each style a named file."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from newsletter_pdf.input.paths import inside
from newsletter_pdf.resources import fonts_dir

FONT_SUFFIXES = (".ttf", ".otf", ".woff")
# What each role needs: the body sets emphasis and strong emphasis inside paragraphs, headings
# set bold titles, regular captions and italic credits. A style that is missing is an error, never
# a faux bold or a fallback font.
REQUIRED = {
    "body": (("normal", 400), ("normal", 700), ("italic", 400), ("italic", 700)),
    "headings": (("normal", 400), ("normal", 700), ("italic", 400)),
}
STYLE_NAMES = {
    ("normal", 400): ("regular", "Regular"),
    ("normal", 700): ("bold", "Bold"),
    ("italic", 400): ("italic", "Italic"),
    ("italic", 700): ("bold italic", "BoldItalic"),
}
_UNSAFE = re.compile(r"[^A-Za-z0-9 _-]+")


@dataclass(frozen=True)
class Face:
    """One font file of a family, as an @font-face rule declares it."""

    family: str
    file: str  # absolute, resolved
    weight: int
    style: str

    @property
    def uri(self) -> str:
        return Path(self.file).as_uri()


def bundled_families() -> list[str]:
    """The families in fonts/fonts.yaml."""
    data = YAML(typ="safe").load((fonts_dir() / "fonts.yaml").read_text(encoding="utf-8"))
    return sorted({face["family"] for face in data["faces"]})


def bundled_family(name: str) -> str | None:
    """The bundled family called name (any case, spaces or hyphens), else None."""
    key = _key(name)
    return next((f for f in bundled_families() if _key(f) == key), None)


def _key(name: str) -> str:
    return re.sub(r"[\s_-]+", "", name).casefold()


class FontFolderError(Exception):
    """A font folder that cannot be used: `key` and `values` for messages.yaml."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def read_family(folder: Path, publication_folder: Path, role: str) -> tuple[Face, ...]:
    """The faces of the one family in folder, checked for what `role` needs; FontFolderError otherwise."""
    from fontTools.ttLib import TTFont, TTLibError

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES)
    if not files:
        raise FontFolderError("font_folder_empty", suffixes=", ".join(FONT_SUFFIXES))
    faces: dict[tuple[str, int], Face] = {}
    weights: dict[tuple[str, int], int] = {}  # the actual weight of the file kept for each style
    families: dict[str, str] = {}
    for path in files:
        if not inside(path, publication_folder):
            raise FontFolderError("font_file_outside", file=path.name, target=str(path.resolve()))
        try:
            with TTFont(path, lazy=True) as font:
                name = font["name"]
                family = str(name.getDebugName(16) or name.getDebugName(1) or "")
                weight = font["OS/2"].usWeightClass
                italic = bool(font["OS/2"].fsSelection & 1) or bool(font["head"].macStyle & 2)
                variable = "fvar" in font
        except (TTLibError, KeyError, OSError, AssertionError, ValueError, TypeError):
            raise FontFolderError("not_a_font", file=path.name) from None
        if variable:  # one file, many weights: the PDF would get one of them, chosen by chance
            raise FontFolderError("variable_font", file=path.name)
        family = " ".join(_UNSAFE.sub(" ", family).split())
        if not family:
            raise FontFolderError("not_a_font", file=path.name)
        families.setdefault(family, path.name)
        key = ("italic" if italic else "normal", 700 if weight >= 600 else 400)
        # A folder may hold more weights (Light, Medium, Black): keep the one nearest to 400 and 700.
        if key not in faces or abs(weight - key[1]) < abs(weights[key] - key[1]):
            faces[key], weights[key] = Face(family, str(path.resolve()), key[1], key[0]), weight
    if len(families) > 1:
        listing = ", ".join(f"{family} ({file})" for family, file in families.items())
        raise FontFolderError("font_folder_mixed", families=listing)
    family = next(iter(families))
    if bundled_family(family) is not None:
        raise FontFolderError("font_family_bundled", family=family)
    for needed in REQUIRED[role]:
        if needed not in faces:
            word, suffix = STYLE_NAMES[needed]
            example = f"{family.replace(' ', '')}-{suffix}.ttf"
            found = ", ".join(sorted(Path(f.file).name for f in faces.values()))
            raise FontFolderError("font_style_missing", role=role, style=word, example=example, found=found)
    # Only what the role needs (and a bold italic, when the folder has one) is declared, so only those
    # files can ever be embedded.
    return tuple(face for key, face in sorted(faces.items()) if key in STYLE_NAMES)


@functools.cache
def _characters(file: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(file, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def missing_characters(faces: tuple[Face, ...], family: str, text: str) -> list[str]:
    """The characters of text that the family's regular face cannot draw (spaces and controls aside)."""
    regular = next((f for f in faces if f.family == family and f.weight == 400 and f.style == "normal"), None)
    if regular is None:
        return []
    covered = _characters(regular.file)
    return sorted({c for c in text if not c.isspace() and ord(c) >= 32 and ord(c) not in covered})
