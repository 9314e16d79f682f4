"""Every character the issue prints must be in a bundled font: checked before typesetting.

A character no bundled font has would be drawn in whatever font the system has (or as a box):
that is a located problem (file, line, field, the characters), never a silent fallback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from newsletter_pdf.errors import Location, Problem
from newsletter_pdf.fonts import describe, missing_characters
from newsletter_pdf.input.models import Article, Publication
from newsletter_pdf.input.yaml_source import Locator, field_path
from newsletter_pdf.messages import say

ARTICLE_FIELDS = ("title", "short_title", "author", "pull_quote", "body")
IMAGE_FIELDS = ("caption", "credit")


def publication_texts(publication: Publication) -> Iterator[tuple[tuple, str]]:
    """(where, text) for everything of newsletter.yaml that is printed."""
    yield ("name",), publication.name
    if publication.tagline:
        yield ("tagline",), publication.tagline
    yield ("about", "title"), publication.about.title
    yield ("about", "body"), publication.about.body
    for index, line in enumerate(publication.address.lines):
        yield ("address", "lines", index), line
    for key in ("email", "phone", "website"):
        value = getattr(publication.address, key)
        if value:
            yield ("address", key), value
    if publication.labels is not None:
        for key, value in publication.labels.model_dump(exclude_none=True).items():
            yield ("labels", key), value


def article_texts(index: int, article: Article) -> Iterator[tuple[tuple, str]]:
    for key in ARTICLE_FIELDS:
        value = getattr(article, key)
        if value:
            yield ("articles", index, key), value
    if article.image is not None:
        for key in IMAGE_FIELDS:
            value = getattr(article.image, key)
            if value:
                yield ("articles", index, "image", key), value


def check_glyphs(texts: Iterable[tuple[tuple, str]], locator: Locator, problems: list[Problem]) -> None:
    """One problem per field holding characters no bundled font can draw."""
    for loc, text in texts:
        missing = missing_characters(text)
        if not missing:
            continue
        location, _ = locator.locate(loc)
        problems.append(
            Problem(
                _line_of(location, missing[0]),
                say("missing_glyphs", chars=describe(missing)),
                field_path(loc),
                "".join(missing),
            )
        )


def _line_of(location: Location, char: str) -> Location:
    """The first line at or after the field's own where the character stands (long Markdown bodies)."""
    try:
        lines = Path(location.file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return location
    start = (location.line or 1) - 1
    for number in range(start, len(lines)):
        column = lines[number].find(char)
        if column >= 0:
            return replace(location, line=number + 1, column=column + 1)
    return location
