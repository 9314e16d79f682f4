"""The record filed beside each published PDF: a stable JSON description for catalogues and bound volumes.

One record per published copy, never rewritten. Its fields (format 1):

  format        1, this layout of the record; a later format only adds fields
  name          the publication's name                      "The Millbrook Post"
  slug          the publication's short name in file names   "millbrook-post"
  title         the issue's full title                       "The Millbrook Post — November 2025, Vol. 3 No. 23"
  date          the issue's month, YYYY-MM                   "2025-11"
  volume        whole number
  number        whole number
  language      BCP 47 tag                                   "en"
  layout        the layout it was typeset with               "classic"
  pages         page count of the PDF
  articles      [{"title": ..., "author": ... or null}], in reading order
  file          the PDF's name, in the same folder           "millbrook-post-2025-11-archive.pdf"
  sha256        hex SHA-256 of the PDF's bytes (also in <file>.sha256)
  bytes         size of the PDF
  revision      1 for the first copy published; 2, 3 ... for each --revise
  published_at  the first day of the issue's month (YYYY-MM-DD): from the issue, not the clock,
                so publishing the same sources twice gives the same record
  previous      for a revision: the file name of the revision it follows, else null
  changes       for a revision: what differs from the previous one, in words, else []
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

RECORD_FORMAT = 1


@dataclass(frozen=True)
class ArticleEntry:
    title: str
    author: str | None = None


@dataclass(frozen=True)
class Record:
    """What was published: one issue's archive PDF, one revision."""

    name: str
    slug: str
    title: str
    date: str
    volume: int
    number: int
    language: str
    layout: str
    pages: int
    articles: tuple[ArticleEntry, ...]
    file: str
    sha256: str
    bytes: int
    revision: int = 1
    published_at: str = ""
    previous: str | None = None
    changes: tuple[str, ...] = field(default_factory=tuple)
    format: int = RECORD_FORMAT

    def to_json(self) -> str:
        data = asdict(self)
        data["articles"] = [asdict(a) for a in self.articles]
        data["changes"] = list(self.changes)
        ordered = {"format": data.pop("format"), **data}
        return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Record:
        data = json.loads(text)
        known = set(cls.__dataclass_fields__)
        data = {k: v for k, v in data.items() if k in known}  # a later format's extra fields are ignored
        data["articles"] = tuple(ArticleEntry(**a) for a in data.get("articles", []))
        data["changes"] = tuple(data.get("changes", []))
        return cls(**data)

    @property
    def edition(self) -> tuple[str, str, str]:
        """What revisions share: the publication, the month and the layout."""
        return (self.slug, self.date, self.layout)


def read_records(archive_dir: Path | str) -> list[Record]:
    """Every record in an archive folder, oldest revision first within each issue."""
    records = []
    for path in sorted(Path(archive_dir).glob("*.json")):
        try:
            record = Record.from_json(path.read_text(encoding="utf-8"))
        except (ValueError, TypeError, KeyError):
            continue  # not one of ours
        records.append(record)
    return sorted(records, key=lambda r: (r.slug, r.date, r.layout, r.revision))


def differences(old: Record, new: Record) -> list[str]:
    """What a new build changes from a published one, in words an editor recognises."""
    changes = []
    if old.pages != new.pages:
        changes.append(f"pages {old.pages} -> {new.pages}")
    for name in ("volume", "number", "title", "language"):
        if getattr(old, name) != getattr(new, name):
            changes.append(f"{name} {getattr(old, name)!r} -> {getattr(new, name)!r}")
    old_titles = [a.title for a in old.articles]
    new_titles = [a.title for a in new.articles]
    if len(old_titles) == len(new_titles):
        changes += [
            f"title of article {i + 1} '{a}' -> '{b}'"
            for i, (a, b) in enumerate(zip(old_titles, new_titles, strict=True))
            if a != b and a not in new_titles
        ]
    else:
        changes += [f"article removed: '{t}'" for t in old_titles if t not in new_titles]
        changes += [f"article added: '{t}'" for t in new_titles if t not in old_titles]
    if not changes and old_titles != new_titles:
        changes.append("the articles are in another order")
    old_authors = {a.title: a.author for a in old.articles}
    for article in new.articles:
        if article.title in old_authors and old_authors[article.title] != article.author:
            changes.append(f"author of '{article.title}' {old_authors[article.title]!r} -> {article.author!r}")
    if not changes:
        changes.append("the text, pictures or typesetting changed (same pages and titles)")
    return changes
