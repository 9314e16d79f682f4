"""A branded copy of the minimal publication: a PNG logo, an accent and the editor's own font folder.

The editor's font is a bundled OFL font (Noto Serif, fonts/OFL.txt, no reserved font name) copied
under a new family name, so that a PDF read back tells it apart from the bundled families.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw

from newsletter_pdf.resources import fonts_dir
from support.bad_inputs import MINIMAL

EDITOR_FAMILY = "Harbour Text"
ACCENT = "#7a1f5c"
STYLES = {"Regular": "Regular", "Bold": "Bold", "Italic": "Italic", "BoldItalic": "Bold Italic"}


def renamed_font(source: Path, target: Path, family: str, style: str) -> Path:
    """Copy a font, renaming its family (name table IDs 1, 4, 6, 16, 17)."""
    font = TTFont(source)
    table = font["name"]
    postscript = f"{family.replace(' ', '')}-{style.replace(' ', '')}"
    for record in list(table.names):
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID == 4:
            record.string = f"{family} {style}"
        elif record.nameID == 6:
            record.string = postscript
        elif record.nameID == 17:
            record.string = style
    font.save(target)
    return target


def editor_fonts(folder: Path, family: str = EDITOR_FAMILY, styles=STYLES) -> Path:
    """A folder of the editor's own family (Noto Serif renamed), with its licence."""
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, style in styles.items():
        renamed_font(
            fonts_dir() / f"NotoSerif-{suffix}.ttf", folder / f"{family.replace(' ', '')}-{suffix}.ttf", family, style
        )
    shutil.copy(fonts_dir() / "OFL.txt", folder / "OFL.txt")
    return folder


LOGO_SIZE = (720, 240)


def logo_png(path: Path) -> Path:
    """A small logo: a disc and two bars in the accent colour and charcoal, on a transparent ground."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGBA", LOGO_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, 228, 228), fill=(0x7A, 0x1F, 0x5C, 255))
    draw.rectangle((264, 60, 700, 104), fill=(0x7A, 0x1F, 0x5C, 255))
    draw.rectangle((264, 136, 600, 180), fill=(0x2B, 0x2B, 0x2B, 255))
    image.save(path)
    return path


def branded_publication(root: Path, brand_yaml: str | None = None) -> Path:
    """The minimal publication under root with a brand: section; returns the issue folder."""
    shutil.copytree(MINIMAL, root)
    logo_png(root / "brand" / "logo.png")
    editor_fonts(root / "brand" / "fonts" / "body")
    text = (root / "newsletter.yaml").read_text(encoding="utf-8")
    brand_yaml = brand_yaml or (
        "brand:\n"
        "  logo: brand/logo.png\n"
        f'  accent: "{ACCENT}"\n'
        "  accent_cmyk: [0, 75, 25, 52]\n"
        "  fonts:\n"
        "    body: brand/fonts/body\n"
        "    headings: Noto Sans\n"
    )
    (root / "newsletter.yaml").write_text(text + brand_yaml, encoding="utf-8")
    return root / "2025-11"
