"""The bundled fonts (fonts/fonts.yaml): their faces, the scripts they cover, and which characters they have.

Used by the loader (every character of the text must have a glyph in some bundled font, checked
before typesetting) and by the HTML renderer (font stacks chosen by script). No WeasyPrint here.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from newsletter_pdf.resources import fonts_dir


@dataclass(frozen=True)
class FontFace:
    family: str
    file: str
    weight: int
    style: str
    kind: str = "serif"  # serif or sans: which role it can stand in for
    scripts: tuple[str, ...] = ("Latn",)  # ISO 15924 codes

    @property
    def path(self) -> Path:
        return fonts_dir() / self.file

    @property
    def uri(self) -> str:
        return self.path.as_uri()


@functools.cache
def font_faces() -> tuple[FontFace, ...]:
    """The bundled faces listed in fonts/fonts.yaml."""
    data = YAML(typ="safe").load((fonts_dir() / "fonts.yaml").read_text(encoding="utf-8"))
    return tuple(FontFace(**{**face, "scripts": tuple(face.get("scripts", ["Latn"]))}) for face in data["faces"])


@functools.cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # installed with WeasyPrint; loaded only when text is checked

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def covered_characters(faces: tuple[FontFace, ...] | None = None) -> frozenset[int]:
    """Every code point some face has a glyph for (default: all bundled faces)."""
    chosen = font_faces() if faces is None else faces
    return frozenset().union(*(_cmap(face.path) for face in chosen))


def _needs_glyph(char: str) -> bool:
    # Spaces, line breaks and format characters (ZWNJ, bidi marks, soft hyphen) draw nothing.
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp")


def missing_characters(text: str, covered: frozenset[int] | None = None) -> list[str]:
    """The distinct characters of text that no bundled font can draw, in order of appearance.

    The fonts are opened one by one, only while characters are still unaccounted for: an
    English issue reads one cmap, a Persian one two.
    """
    wanted = [c for c in dict.fromkeys(text) if _needs_glyph(c)]
    remaining = {ord(c) for c in wanted}
    if covered is not None:
        remaining -= covered
    else:
        for path in dict.fromkeys(face.path for face in font_faces()):
            if not remaining:
                break
            remaining -= _cmap(path)
    return [c for c in wanted if ord(c) in remaining]


def describe(chars: list[str], limit: int = 8) -> str:
    """'あ' (U+3042, HIRAGANA LETTER A), ... for a message."""
    shown = [f"'{c}' (U+{ord(c):04X}, {unicodedata.name(c, 'unnamed')})" for c in chars[:limit]]
    more = f" and {len(chars) - limit} more" if len(chars) > limit else ""
    return ", ".join(shown) + more


def family_stack(primary: str, kind: str, script: str | None) -> list[str]:
    """Font families for one role (body or headings), best first.

    The families of the document's own script come first (so its spaces and punctuation come
    from the same font as its letters), then the layout's family, then the bundled families for
    other scripts of the same kind, then those of the other kind: every bundled script is reachable.
    """
    faces = font_faces()
    families = list(dict.fromkeys(face.family for face in faces))
    scripts = {f: {s for face in faces if face.family == f for s in face.scripts} for f in families}
    kinds = {face.family: face.kind for face in faces}
    primary_scripts = scripts.get(primary, {"Latn"})
    own = [f for f in families if script and script in scripts[f] and script not in primary_scripts]
    own.sort(key=lambda f: kinds[f] != kind)
    rest = [f for f in families if f != primary and f not in own]
    rest.sort(key=lambda f: kinds[f] != kind)
    return list(dict.fromkeys([*own[:1], primary, *own[1:], *rest]))
