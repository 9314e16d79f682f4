"""The message catalogue (messages.yaml): every text the editor reads, as data."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from newsletter_pdf.resources import data_file


@functools.cache
def messages() -> dict:
    """The message catalogue (messages.yaml), loaded once."""
    return YAML(typ="safe").load(data_file("messages.yaml").read_text(encoding="utf-8"))


def say(key: str, **values: Any) -> str:
    return messages()["loader"][key].format(**values)


def show(value: Any) -> str:
    """A bad value as the editor would recognise it, shortened."""
    if isinstance(value, (dict, list)):
        text = "a group of fields" if isinstance(value, dict) else "a list"
        return text
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def shown_path(path: Path | str) -> str:
    """A path as every message shows it: relative to the current folder when below it, else absolute."""
    absolute = Path(path).absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)
