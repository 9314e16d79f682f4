"""What a published archive PDF holds, read back from the file alone: its articles, their pages, text and links.

The archive PDF carries its own sources (PDF/A-3 attachments: issue.yaml and the article files)
and one bookmark per article, so a catalogue needs nothing but the archive folder: titles and
authors come from the record, each article's page from the bookmarks, its first sentence and
its "read more" link from the attached sources, and the full text for search from the pages.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsletter_pdf.archive.record import Record

CONTENTS_FORMAT = 1
SENTENCE_END = re.compile(r"(?<=[.!?…؟。])[\"'”’»)]*\s")


@dataclass
class ArticleContents:
    title: str
    author: str | None
    page: int | None  # 1-based, in the issue PDF; None when no bookmark names it
    first_sentence: str = ""
    link: str | None = None  # the article's source (read more), if it has one


@dataclass
class IssueContents:
    """One published copy, as the catalogue and the bound volume use it."""

    sha256: str
    pages: int
    articles: list[ArticleContents]
    page_texts: list[str] = field(default_factory=list)
    format: int = CONTENTS_FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> IssueContents:
        data = json.loads(text)
        data["articles"] = [ArticleContents(**a) for a in data["articles"]]
        return cls(**data)


def read(pdf_path: Path, record: Record) -> IssueContents:
    """Read the PDF once: bookmarks, attached sources and page text."""
    import pikepdf
    import pypdfium2

    with pikepdf.open(pdf_path) as pdf:
        bookmarks = _bookmark_pages(pdf)
        sources = _attached_sources(pdf)
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            texts.append(" ".join(text_page.get_text_range().split()))
            text_page.close()
            page.close()
        pages = len(document)
    finally:
        document.close()
    from_sources = _articles_from_sources(sources)
    articles = []
    for index, entry in enumerate(record.articles):
        found = from_sources[index] if index < len(from_sources) else {}
        articles.append(
            ArticleContents(
                title=entry.title,
                author=entry.author,
                page=bookmarks.get(_key(entry.title)),
                first_sentence=first_sentence(str(found.get("body") or "")),
                link=found.get("source") if isinstance(found.get("source"), str) else None,
            )
        )
    return IssueContents(record.sha256, pages, articles, texts)


_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def _key(title: str) -> str:
    """A title as a bookmark and a record both spell it (bookmarks have curly quotes, as the page)."""
    return " ".join(title.translate(_STRAIGHT).casefold().split())


def _bookmark_pages(pdf) -> dict[str, int]:
    """Bookmark title -> 1-based page, for every bookmark at any depth."""
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    found: dict[str, int] = {}
    with pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            stack.extend(item.children)
            destination = item.destination
            if destination is None and item.action is not None and "/D" in item.action:
                destination = item.action.D
            try:
                target = destination[0] if destination is not None else None
                number = pages.get(target.objgen) if target is not None else None
            except (TypeError, IndexError, AttributeError, KeyError):
                number = None
            if number is not None:
                found.setdefault(_key(item.title), number)
    return found


def _attached_sources(pdf) -> dict[str, bytes]:
    """The PDF/A-3 attachments: file name (as filed, e.g. 2025-11/issue.yaml) -> bytes."""
    found = {}
    for name, spec in pdf.attachments.items():
        try:
            found[str(name)] = spec.get_file().read_bytes()
        except Exception:  # a damaged attachment only costs the first sentences
            continue
    return found


def _articles_from_sources(sources: dict[str, bytes]) -> list[dict[str, Any]]:
    """The articles of the attached issue.yaml, inline or from their attached Markdown files, in order."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    issue_name = next((n for n in sorted(sources) if n.endswith("issue.yaml")), None)
    if issue_name is None:
        return []
    try:
        issue = yaml.load(sources[issue_name].decode("utf-8"))
    except Exception:
        return []
    folder = issue_name.rsplit("/", 1)[0] + "/" if "/" in issue_name else ""
    articles = []
    for entry in issue.get("articles") or [] if isinstance(issue, dict) else []:
        if isinstance(entry, dict) and "file" in entry:
            text = sources.get(folder + str(entry["file"]), b"").decode("utf-8", "replace")
            articles.append(_front_matter(text, yaml))
        elif isinstance(entry, dict):
            articles.append(entry)
        else:
            articles.append({})
    return articles


def _front_matter(text: str, yaml) -> dict[str, Any]:
    parts = text.split("\n---", 1)
    if not text.startswith("---") or len(parts) < 2:
        return {"body": text}
    try:
        front = yaml.load(parts[0].removeprefix("---")) or {}
    except Exception:
        front = {}
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return {**(front if isinstance(front, dict) else {}), "body": body}


def first_sentence(markdown: str, limit: int = 220) -> str:
    """The first sentence of an article's first paragraph, as plain text."""
    from markupsafe import Markup

    from newsletter_pdf import markdown as md

    for block in markdown.split("\n\n"):
        block = block.strip()
        if not block or block.startswith(("#", ">", "-", "*", "|", "!", "```")):
            continue
        text = " ".join(Markup(md.render_inline(block)).striptags().split())
        match = SENTENCE_END.search(text + " ")
        sentence = text[: match.start()].strip() if match else text
        return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return ""


def cached(pdf_path: Path, record: Record, cache_dir: Path) -> tuple[IssueContents, bool]:
    """The contents from the cache (keyed by the PDF's SHA-256), else read and cached: (contents, read now)."""
    from newsletter_pdf.files import write_atomically

    entry = cache_dir / f"{record.sha256}.json"
    try:
        contents = IssueContents.from_json(entry.read_text(encoding="utf-8"))
        if contents.format == CONTENTS_FORMAT and contents.sha256 == record.sha256:
            return contents, False
    except (OSError, ValueError, TypeError, KeyError):
        pass
    contents = read(pdf_path, record)
    cache_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(entry, contents.to_json())
    return contents, True


def cover_thumbnail(pdf_path: Path, width: int = 320) -> bytes:
    """Page 1 as a JPEG `width` pixels wide."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()
