"""Where the bundled data lives: layouts/, fonts/ and the package's own data files."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

_PACKAGE = "newsletter_pdf"


def data_file(name: str) -> Path:
    """A data file shipped inside the package (e.g. messages.yaml)."""
    return Path(str(resources.files(_PACKAGE) / name))


@functools.cache
def bundled_dir(name: str) -> Path:
    """layouts/ or fonts/: inside the installed package, else at the top of the source tree.

    A wheel carries them as package data (newsletter_pdf/layouts); a checkout or an
    editable install keeps them at the top level, beside the package.
    """
    packaged = Path(str(resources.files(_PACKAGE))) / name
    if packaged.is_dir():
        return packaged
    top_level = Path(__file__).resolve().parent.parent / name
    if top_level.is_dir():
        return top_level
    raise FileNotFoundError(f"newsletter-pdf is installed without its {name}/ folder")


def layouts_dir() -> Path:
    return bundled_dir("layouts")


def fonts_dir() -> Path:
    return bundled_dir("fonts")


BASE_LAYOUT = "base"
LAYOUT_DEFAULTS_FILE = "layout.yaml"


def layout_names() -> dict[str, Path]:
    """Every layout shipped with newsletter-pdf, by name (a folder with a layout.yaml; base is not one)."""
    root = layouts_dir()
    return {
        p.name: p
        for p in sorted(root.iterdir())
        if p.is_dir() and p.name != BASE_LAYOUT and (p / LAYOUT_DEFAULTS_FILE).is_file()
    }


THEMES_FOLDER = "themes"


def themes_dir() -> Path:
    """layouts/themes: named palettes and type pairings, one YAML file each."""
    return layouts_dir() / THEMES_FOLDER


def theme_names() -> dict[str, Path]:
    """Every theme shipped with newsletter-pdf, by name."""
    folder = themes_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}
