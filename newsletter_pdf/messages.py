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


@functools.cache
def label_catalogue(language: str) -> dict[str, str] | None:
    """The labels printed in an issue (labels/<language>.yaml), or None when not translated."""
    path = data_file(f"labels/{language}.yaml")
    if not path.is_file():
        return None
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def label_languages() -> list[str]:
    """Languages the labels are translated into."""
    return sorted(p.stem for p in data_file("labels").glob("*.yaml"))


def label_language(language: str) -> str | None:
    """The label file for a language tag: pt-BR -> pt_BR if translated, else pt; None without one."""
    known = set(label_languages())
    tag = language.replace("-", "_")
    for candidate in (tag, tag.split("_")[0].lower()):
        if candidate in known:
            return candidate
    return None
