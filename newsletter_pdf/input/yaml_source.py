"""YAML and front matter read with the line and column of every value, and the Locator that finds them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode, SequenceNode

from newsletter_pdf.errors import Location, Problem
from newsletter_pdf.input.yaml_errors import explain
from newsletter_pdf.messages import say, show


@dataclass
class Source:
    """A parsed YAML document and where it came from (line_offset: lines before the YAML)."""

    path: Path
    data: Any
    line_offset: int = 0


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """Read a UTF-8 file, or record a problem pointing at the first bad byte."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            Problem(Location(path, line, column), say("not_utf8", byte=f"0x{raw[exc.start]:02x}", offset=exc.start))
        )
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


class _Constructor(RoundTripConstructor):
    """Dates stay text, so that the models parse them and a bad one gets a located message."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node))


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Composer = _GuardedComposer
    return yaml


def parse_yaml(text: str, path: Path, problems: list[Problem], line_offset: int = 0) -> Source | None:
    """Parse YAML keeping positions; a syntax error becomes a located problem."""
    try:
        data = _yaml().load(text)
    except HostileStructure as exc:
        line, column = exc.mark.line + 1 + line_offset, exc.mark.column + 1
        problems.append(Problem(Location(path, line, column), say(exc.key, **exc.values)))
        return None
    except MarkedYAMLError as exc:
        explained = explain(text, exc)
        if explained is not None:
            location = Location(path, explained.line + 1 + line_offset, explained.column + 1)
            problems.append(Problem(location, explained.message))
            return None
        mark = exc.problem_mark or exc.context_mark
        reason = (exc.problem or exc.context or "syntax error").strip()
        line = mark.line + 1 + line_offset if mark else None
        column = mark.column + 1 if mark else None
        problems.append(Problem(Location(path, line, column), say("yaml_syntax", reason=reason)))
        return None
    except YAMLError as exc:  # errors without a position
        problems.append(Problem(Location(path), say("yaml_syntax", reason=str(exc).strip())))
        return None
    except RecursionError:  # ruamel composes nested collections recursively
        problems.append(Problem(Location(path), say("yaml_syntax", reason="lists or groups are nested too deeply")))
        return None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        problems.append(Problem(Location(path), say("yaml_syntax", reason=str(exc).split(";")[0])))
        return None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        problems.append(Problem(Location(path, 1 + line_offset, 1), say("not_a_mapping", value=show(data))))
        return None
    source = Source(path, data, line_offset)
    bad = _lone_surrogate(data)
    if bad is not None:
        location, _ = Locator(source).locate(bad)
        problems.append(
            Problem(
                location,
                say("yaml_syntax", reason="an escape such as \\uD800 stands for half a character"),
                field_path(bad),
            )
        )
        return None
    return source


def _lone_surrogate(node, at: tuple = (), seen: set[int] | None = None) -> tuple | None:
    """The path to the first text holding a lone surrogate (only a YAML escape can make one), or None.

    A collection reached again through a YAML alias is walked once (`seen`), never expanded.
    """
    if isinstance(node, str):
        return at if any("\ud800" <= c <= "\udfff" for c in node) else None
    seen = set() if seen is None else seen
    if id(node) in seen:
        return None
    seen.add(id(node))
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found = _lone_surrogate(key, at, seen) if isinstance(key, str) else None
        found = found or _lone_surrogate(value, (*at, key), seen)
        if found is not None:
            return found
    return None


# Limits on the shape of a YAML document, checked while it is composed (before anything is built
# from it): an issue needs a handful of levels, a few aliases at most and numbers of a few digits.
MAX_DEPTH = 64
MAX_ALIAS_NODES = 10_000  # values aliases may add to the document, all aliases together
MAX_NUMBER_CHARS = 40
_NUMBER = re.compile(r"[-+]?(0[xo])?[0-9a-fA-F_]*\.?[0-9_]*([eE][-+]?[0-9]+)?")


class HostileStructure(YAMLError):
    """A document too deep, with aliases expanding too far (a "billion laughs") or a number
    thousands of digits long: refused where it starts, with a message key for the catalogue."""

    def __init__(self, mark, key: str, **values) -> None:
        super().__init__(key)
        self.mark, self.key, self.values = mark, key, values


class _GuardedComposer(Composer):
    """ruamel's composer, refusing hostile shapes as it meets them (no second pass, no expansion).

    An alias costs the size of what it stands for, expanded; the sizes of anchored values are
    counted once each (memo), so a billion laughs is refused after a few hundred steps.
    """

    def __init__(self, loader=None) -> None:
        super().__init__(loader)
        self._added = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            node = super().compose_node(parent, index)
            self._added += self._size(node)
            if self._added > MAX_ALIAS_NODES:
                raise HostileStructure(
                    event.start_mark, "yaml_aliases_expand", anchor=event.anchor, most=MAX_ALIAS_NODES
                )
            return node
        if self.depth >= MAX_DEPTH:
            raise HostileStructure(event.start_mark, "yaml_too_deep", depth=MAX_DEPTH)
        long_plain = isinstance(event, ScalarEvent) and event.style is None and len(event.value) > MAX_NUMBER_CHARS
        if long_plain and _NUMBER.fullmatch(event.value):
            raise HostileStructure(
                event.start_mark, "yaml_number_too_long", digits=len(event.value), most=MAX_NUMBER_CHARS
            )
        return super().compose_node(parent, index)

    def _size(self, node) -> int:
        """How many values the node stands for once every alias in it is expanded."""
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        self._sizes[id(node)] = 1  # an alias to a collection still open (a cycle) counts once
        if isinstance(node, MappingNode):
            size = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
        elif isinstance(node, SequenceNode):
            size = 1 + sum(self._size(item) for item in node.value)
        else:
            size = 1
        self._sizes[id(node)] = size
        return size


def read_yaml(path: Path, problems: list[Problem]) -> Source | None:
    text = read_text(path, problems)
    return None if text is None else parse_yaml(text, path, problems)


def split_front_matter(text: str, path: Path, problems: list[Problem]) -> tuple[Source | None, str]:
    """Split an article file into its front matter (YAML) and its Markdown body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(Location(path, 1, 1), say("front_matter_missing")))
        return None, ""
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return parse_yaml(front, path, problems, line_offset=1), body
    problems.append(Problem(Location(path, 1, 1), say("front_matter_open")))
    return None, ""


@dataclass
class Locator:
    """Turns a path into the data (('articles', 3, 'date')) into a file, line and column."""

    root: Source
    # Sub-trees read from other files: path prefix -> the source they came from.
    grafts: dict[tuple, Source] = field(default_factory=dict)
    # Errors of a nested model come with paths relative to it: this is where it sits.
    prefix: tuple = ()

    def locate(self, loc: Iterable) -> tuple[Location, tuple]:
        loc = (*self.prefix, *loc)
        source = self.root
        node: Any = source.data
        line, column = 1 + source.line_offset, 1
        walked: tuple = ()
        for part in loc:
            if isinstance(node, dict) and part in node:
                if isinstance(node, CommentedMap) and part in (node.lc.data or {}):
                    # (keys the loader added itself, like an article file's body, have no position)
                    key_line, key_col = node.lc.key(part)
                    line, column = key_line + 1 + source.line_offset, key_col + 1
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                if isinstance(node, CommentedSeq):
                    item_line, item_col = node.lc.item(part)
                    line, column = item_line + 1 + source.line_offset, item_col + 1
                node = node[part]
            else:
                continue  # a union member's tag, or a field that is missing: stay at the parent
            walked += (part,)
            if walked in self.grafts:
                source = self.grafts[walked]
                node = source.data
                line, column = 1 + source.line_offset, 1
        return Location(source.path, line, column), walked[len(self.prefix) :]


def field_path(loc: Iterable) -> str:
    """('articles', 3, 'date') -> 'articles[3].date'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
