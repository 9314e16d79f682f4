"""YAML syntax errors in plain words, at the line where the editor must look (not where the parser gave up)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruamel.yaml.error import MarkedYAMLError

from newsletter_pdf.messages import messages

# A line holding a key: its indentation, any list dashes, the key, and what follows the colon.
_KEY_LINE = re.compile(
    r"^(?P<indent>[ ]*)(?P<dashes>(?:-[ ]+)*)(?P<key>[^\s:#'\"\[\]{}][^:#]*?):(?:[ ]+(?P<value>.*))?$"
)


@dataclass(frozen=True)
class Explained:
    """A 0-based line and column in the YAML text, and the message the editor reads."""

    line: int
    column: int
    message: str


def _say(name: str, **values) -> str:
    return messages()["yaml"][name].format(**values)


def _key_at(line: str) -> tuple[str, int, str] | None:
    """(key, 1-based column of the key, value) of a 'key: value' line, else None."""
    match = _KEY_LINE.match(line.rstrip())
    if match is None:
        return None
    column = len(match["indent"]) + len(match["dashes"]) + 1
    return match["key"].strip(), column, (match["value"] or "").strip()


def _previous_line(lines: list[str], index: int) -> int | None:
    """The nearest line above index that holds something other than a comment."""
    for above in range(index - 1, -1, -1):
        stripped = lines[above].strip()
        if stripped and not stripped.startswith("#"):
            return above
    return None


def _first_tab(lines: list[str], last: int) -> int | None:
    for index, line in enumerate(lines[: last + 1]):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return index
    return None


def _open_quote(lines: list[str], last: int) -> tuple[int, int, str] | None:
    """The first line up to last whose value opens a quote it never closes: (line, column, quote)."""
    for index, line in enumerate(lines[: last + 1]):
        found = _key_at(line)
        value = found[2] if found else line.strip().removeprefix("- ").strip()
        if not value or value[0] not in "'\"":
            continue
        quote, rest = value[0], value[1:]
        closed = rest.replace("''", "") if quote == "'" else re.sub(r"\\.", "", rest)
        if quote not in closed:
            return index, line.index(value), quote
    return None


def explain(text: str, exc: MarkedYAMLError) -> Explained | None:
    """The editor's mistake behind a parser error, or None when it is none we know."""
    lines = text.split("\n")
    problem = exc.problem or ""
    mark = exc.problem_mark or exc.context_mark
    at = mark.line if mark else len(lines) - 1
    at = min(at, len(lines) - 1)

    duplicate = re.match(r'found duplicate key "(.*?)" with value', problem)
    if duplicate:
        return _duplicate(lines, at, duplicate.group(1))

    if "'\\t'" in problem or "tab" in problem:
        # (a tab inside a block of text is the text's own; only the one the parser tripped on counts)
        tab = at if "\t" in lines[at] else _first_tab(lines, at)
        line = tab if tab is not None else at
        return Explained(line, max(lines[line].find("\t"), 0), _say("tab"))

    if "quoted scalar" in (exc.context or "") and exc.context_mark is not None:
        opened = exc.context_mark
        quote = lines[opened.line][opened.column : opened.column + 1] or '"'
        return Explained(opened.line, opened.column, _say("unclosed_quote", quote=quote))
    quoted = _open_quote(lines, at)
    if quoted is not None:
        line, column, quote = quoted
        return Explained(line, column, _say("unclosed_quote", quote=quote))

    if "mapping values are not allowed" in problem:
        return _colon_or_indent(lines, at, mark.column if mark else 0)
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return _out_of_line(lines, at)
    if "could not find expected ':'" in problem:
        return _missing_colon(lines, at)
    return None


def _missing_colon(lines: list[str], at: int) -> Explained | None:
    """'could not find expected ':'': the parser notices a line after the one that lacks its colon."""
    for index in range(min(at, len(lines) - 1), -1, -1):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#") or _key_at(lines[index]) or stripped.startswith("- "):
            continue
        name, _, rest = stripped.partition(" ")
        suggestion = f"{name}: {rest}" if rest else f"{name}: ..."
        column = len(lines[index]) - len(lines[index].lstrip(" "))
        return Explained(index, column, _say("missing_colon", text=stripped[:40], suggestion=suggestion[:60]))
    return None


def _duplicate(lines: list[str], at: int, key: str) -> Explained:
    found = _key_at(lines[at])
    column = found[1] if found else 1
    for index in range(at - 1, -1, -1):
        other = _key_at(lines[index])
        if other and other[1] < column and not lines[index].lstrip().startswith("-"):
            break  # left the group
        if other and other[0] == key and other[1] == column:
            return Explained(at, column - 1, _say("duplicate_key", key=key, first=index + 1))
    return Explained(at, column - 1, _say("duplicate_key_here", key=key))


def _colon_or_indent(lines: list[str], at: int, column: int) -> Explained:
    """'mapping values are not allowed': a key indented under a value, or a value holding ': '."""
    here = _key_at(lines[at])
    above = _previous_line(lines, at)
    before = _key_at(lines[above]) if above is not None else None
    if here and before and above is not None and here[1] > before[1] and before[2] not in ("", "|", ">", "|-", ">-"):
        return Explained(
            at, here[1] - 1, _say("indented_more", key=here[0], other=before[0], line=above + 1, column=before[1])
        )
    if here and ": " in here[2] + " ":
        value = here[2]
        quoted = _quoted(value)
        return Explained(at, column, _say("unquoted_colon", key=here[0], suggestion=f"{here[0]}: {quoted}"))
    return Explained(at, column, _say("unquoted_colon_plain"))


def _name(line: str) -> str:
    """How a line is called in a message: its key ('title'), as a list item ('- title'), or its start."""
    found = _key_at(line)
    name = found[0] if found else line.strip().removeprefix("- ")[:30]
    return f"- {name}" if line.lstrip().startswith("- ") else name


def _quoted(value: str) -> str:
    """The value as YAML text in quotes: double quotes, or single ones (doubled inside) when it holds a '"'."""
    if '"' not in value:
        return '"' + value.replace("\\", "\\\\") + '"'
    return "'" + value.replace("'", "''") + "'"


def _out_of_line(lines: list[str], at: int) -> Explained:
    """'expected <block end>': a line starts left of the group it belongs to, right of the one above."""
    line = lines[at]
    column = len(line) - len(line.lstrip(" ")) + 1
    name = _name(line)
    for index in range(at - 1, -1, -1):
        other = lines[index]
        if not other.strip() or other.lstrip().startswith("#"):
            continue
        other_column = len(other) - len(other.lstrip(" ")) + 1
        if other_column > column:
            other_name = _name(other)
            return Explained(
                at,
                column - 1,
                _say(
                    "out_of_line", key=name, other=other_name, line=index + 1, column=column, other_column=other_column
                ),
            )
    return Explained(at, column - 1, _say("indentation", key=name))
