"""Content that would mislead silently: control characters, Markdown nested too deep, links to files,
addresses too long for a QR code. Each found is a located problem (an error or a warning)."""

from __future__ import annotations

import re
from collections.abc import Callable

from newsletter_pdf import markdown as md
from newsletter_pdf.errors import Location, Problem
from newsletter_pdf.input.yaml_source import Locator, field_path
from newsletter_pdf.messages import messages, show

# C0 and C1 control characters but tab and newline (CR is gone when a file is read): ESC, BEL,
# NUL ... print nothing, and a terminal showing them obeys them.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _say(key: str, **values) -> str:
    return messages()["content"][key].format(**values)


def strip_controls(data, locator: Locator, at: tuple = ()) -> list[Problem]:
    """Remove control characters from every text of a parsed document, in place.

    One warning per text changed, located at its field and naming the article it belongs to.
    A collection reached twice through a YAML alias is cleaned once.
    """
    found: list[Problem] = []
    seen: set[int] = set()

    def walk(node, path: tuple) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for key, value in items:
            if isinstance(value, str):
                cleaned, count = CONTROL.subn("", value)
                if count:
                    node[key] = cleaned
                    found.append(_stripped(data, locator, (*path, key), count, value))
            elif isinstance(value, (dict, list)):
                walk(value, (*path, key))

    if isinstance(data, (dict, list)):
        walk(data, at)
    return found


def _stripped(data, locator: Locator, path: tuple, count: int, value: str) -> Problem:
    location, _ = locator.locate(path)
    names = sorted({_name(c) for c in CONTROL.findall(value)})
    article = ""
    if len(path) > 1 and path[0] == "articles" and isinstance(path[1], int):
        title = _title_of(data, path[1])
        article = f" of article {path[1] + 1}" + (f" ({show(title)})" if title else "")
    return Problem(
        location, _say("control_characters", count=count, names=", ".join(names), article=article), field_path(path)
    )


def _title_of(data, index: int) -> str | None:
    articles = data.get("articles") if isinstance(data, dict) else None
    if isinstance(articles, list) and 0 <= index < len(articles) and isinstance(articles[index], dict):
        title = articles[index].get("title")
        return CONTROL.sub("", title) if isinstance(title, str) else None
    return None


_CONTROL_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x1b": "ESC", "\x7f": "DEL"}


def _name(char: str) -> str:
    return _CONTROL_NAMES.get(char, f"U+{ord(char):04X}")


def markdown_problems(text: str, location: Location, where: str) -> list[Problem]:
    """Errors in a Markdown text: lists or quotes nested deeper than the parser keeps."""
    if md.nested_too_deep(text):
        return [Problem(location, _say("markdown_too_deep", depth=md.MAX_NESTING), where)]
    return []


def markdown_warnings(text: str, location: Location, where: str) -> list[Problem]:
    """Warnings about a Markdown text: links that are not web or email addresses are printed as text."""
    return [
        Problem(location, _say("link_not_web", href=show(href)), where, show(href)) for href in md.refused_links(text)
    ]


def qr_fits(url: str) -> bool:
    import segno
    from segno import DataOverflowError

    try:
        segno.make(url, error="m")
    except DataOverflowError:
        return False
    return True


def content_warnings(newsletter, locate: Callable[[tuple], Location]) -> list[Problem]:
    """What a valid issue prints differently from what its editor may expect, each located."""
    found: list[Problem] = list(newsletter.notices)
    about = newsletter.publication.about.body
    found += markdown_warnings(about, newsletter_location(newsletter, ("about", "body")), "about.body")
    for index, article in enumerate(newsletter.issue.articles):
        loc = ("articles", index)
        found += markdown_warnings(article.body, locate((*loc, "body")), field_path((*loc, "body")))
        if article.source and not qr_fits(article.source):
            found.append(
                Problem(
                    locate((*loc, "source")),
                    _say("qr_too_long", length=len(article.source)),
                    field_path((*loc, "source")),
                    show(article.source),
                )
            )
    return found


def newsletter_location(newsletter, loc: tuple) -> Location:
    """Where a field of newsletter.yaml is (the publication is read again for its positions)."""
    from pathlib import Path

    from newsletter_pdf.input.yaml_source import read_yaml

    path = Path(newsletter.publication_file)
    source = read_yaml(path, [])
    if source is None:
        return Location(path)
    return Locator(source).locate(loc)[0]
