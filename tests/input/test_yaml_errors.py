"""YAML mistakes said in plain words at the line to fix (cases beyond the bad-inputs catalogue)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter_pdf.input.yaml_source import parse_yaml


def _problem(text: str):
    problems: list = []
    assert parse_yaml(text, Path("x.yaml"), problems) is None
    (problem,) = problems
    return problem.location.line, problem.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("articles:\n  - title: a\n - title: b\n", 3, "'- title' starts in column 2, out of line with '- title'"),
        ("articles:\n  - title: a\n    body x\n    author: y\n", 3, "'body x' has no ':' after a field name"),
        ('articles:\n  - title: "First\n    date: 2025-11-01\n    author: "A. Writer"\n', 2, "never closed"),
        ("articles:\n  - title: Note: this\n", 2, 'put the whole value in quotes: title: "Note: this"'),
        ('articles:\n  - title: It\'s "here": now\n', 2, "title: 'It''s \"here\": now'"),
        ("about:\n  body:\n    The line\n    Note: this\n", 4, "write the field as 'body: |'"),
        ("articles:\n  - title: a\n    title: b\n", 3, "'title' appears twice in the same group (first on line 2)"),
    ],
)
def test_a_mistake_is_explained_at_its_own_line(text, line, words):
    at, message = _problem(text)
    assert at == line and words.lower() in message.lower(), message


def test_tabs_and_quotes_that_yaml_allows_are_not_blamed():
    problems: list = []
    assert parse_yaml("body: |\n  a\n  \tcode\ntitle: 'two\n  lines'\n", Path("x.yaml"), problems) is not None
    assert problems == []
    # An error elsewhere still points at its own line, not at the tab inside the text.
    at, message = _problem("body: |\n  a\n  \tcode\ntitle: x\n  bad: y\n")
    assert at == 5 and "'bad' is indented further than 'title'" in message


@pytest.mark.parametrize("value", ["Spring: news", 'It\'s "here": now', "C:\\ drive: full", "Café: 10 % off"])
def test_the_suggested_quoting_reads_back_as_the_title(value):
    _, message = _problem(f"articles:\n  - title: {value}\n")
    suggestion = message.split("Put the whole value in quotes: ", 1)[1]
    source = parse_yaml(suggestion + "\n", Path("x.yaml"), [])
    assert source is not None and source.data["title"] == value
