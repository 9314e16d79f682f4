"""`catalogue`: a static web archive of every published issue, searchable, with catalogue.json and an Atom feed.

It writes into the archive folder, beside the PDFs, so the folder browses from the file system or
any web server:

  index.html               the issues by year, newest first: cover, date, volume and number, titles,
                           PDF link and SHA-256
  issues/<file stem>.html  one page per issue: its contents with authors, first sentences, read-more links
  covers/<sha256>.jpg      page 1 of each PDF, 320 px wide
  catalogue.json, feed.xml the same for programs and feed readers
  pagefind/                the full-text search index (Pagefind), an enhancement: browsing needs no script

Reading a PDF (its text, bookmarks and attached sources) and drawing its cover are the slow
steps; both are cached by the PDF's SHA-256 (in .catalogue/), so only new or revised issues are
processed again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsletter_pdf.archive import contents as contents_mod
from newsletter_pdf.archive.record import Record, read_records
from newsletter_pdf.errors import UserError
from newsletter_pdf.files import write_atomically
from newsletter_pdf.messages import shown_path
from newsletter_pdf.resources import layouts_dir

SITE_TEMPLATES = "site"  # layouts/site/: the archive site's templates and stylesheet
CACHE = ".catalogue"


@dataclass
class IssueEntry:
    """One issue on the site: its latest published revision, and the earlier ones."""

    record: Record
    contents: contents_mod.IssueContents
    cover: str  # relative to the archive folder
    page: str  # relative to the archive folder
    revisions: list[Record] = field(default_factory=list)

    @property
    def year(self) -> str:
        return self.record.date[:4]


@dataclass
class CatalogueResult:
    folder: Path
    issues: list[IssueEntry]
    processed: list[str]  # PDFs read now (not from the cache)
    written: list[Path]
    searchable: bool


def latest_revisions(records: list[Record]) -> list[tuple[Record, list[Record]]]:
    """Per edition (publication, month, layout): the latest revision and all of them, newest issue first."""
    editions: dict[tuple, list[Record]] = {}
    for record in records:
        editions.setdefault(record.edition, []).append(record)
    found = [(sorted(r, key=lambda x: x.revision)[-1], sorted(r, key=lambda x: x.revision)) for r in editions.values()]
    return sorted(found, key=lambda item: (item[0].date, item[0].slug, item[0].layout), reverse=True)


def catalogue(
    archive_dir: Path | str,
    *,
    search: bool = True,
    shelf_pdf: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> CatalogueResult:
    """Write (or bring up to date) the web archive of everything published in archive_dir."""
    folder = Path(archive_dir)
    if not folder.is_dir():
        raise UserError(f"{shown_path(folder)} is not a folder: publish an issue first (newsletter-pdf publish).")
    records = read_records(folder)
    if not records:
        raise UserError(f"{shown_path(folder)} holds no published issue: publish one first (newsletter-pdf publish).")
    cache = folder / CACHE
    processed: list[str] = []
    written: list[Path] = []
    entries = []
    for record, revisions in latest_revisions(records):
        pdf = folder / record.file
        if not pdf.is_file():
            raise UserError(f"{shown_path(pdf)} is named by its record but missing from the archive.")
        found, fresh = contents_mod.cached(pdf, record, cache)
        cover = Path("covers") / f"{record.sha256[:16]}.jpg"
        if not (folder / cover).is_file():
            write_atomically(folder / cover, contents_mod.cover_thumbnail(pdf))
            fresh = True
        if fresh:
            processed.append(record.file)
            progress(f"Read {record.file}")
        page = Path("issues") / f"{Path(record.file).stem}.html"
        entries.append(IssueEntry(record, found, cover.as_posix(), page.as_posix(), revisions))

    environment = _environment()
    years: dict[str, list[IssueEntry]] = {}
    for entry in entries:
        years.setdefault(entry.year, []).append(entry)
    name = entries[0].record.name
    language = entries[0].record.language
    for entry in entries:
        html = environment.get_template("issue.html.j2").render(entry=entry, name=name, root="../")
        written.append(_write_if_changed(folder / entry.page, html))
    index = environment.get_template("index.html.j2").render(years=years, name=name, language=language, root="")
    written.append(_write_if_changed(folder / "index.html", index))
    written.append(_write_if_changed(folder / "site.css", (_site_dir() / "site.css").read_text(encoding="utf-8")))
    written.append(_write_if_changed(folder / "catalogue.json", catalogue_json(entries)))
    written.append(_write_if_changed(folder / "feed.xml", atom_feed(entries, name)))
    if shelf_pdf:
        written.append(_shelf_list(folder, environment, years, name, language))
    searchable = bool(search) and _index_for_search(folder, progress)
    progress(f"Catalogued {len(entries)} issue(s); read {len(processed)} new or revised PDF(s)")
    return CatalogueResult(folder, entries, processed, written, searchable)


def _shelf_list(folder: Path, environment, years: dict, name: str, language: str) -> Path:
    """catalogue.pdf: a printed shelf list, one A4 sheet a year of covers and titles."""
    from newsletter_pdf.render import engine
    from newsletter_pdf.resources import fonts_dir

    html = environment.get_template("shelf.html.j2").render(
        years=years, name=name, language=language, root=folder.as_uri() + "/", fonts=fonts_dir().as_uri()
    )
    rendered = engine.render(html, folder, [folder, fonts_dir()], output_intent="srgb")
    if rendered.refused or rendered.warnings:
        raise UserError("the shelf list could not be set:\n  " + "\n  ".join(rendered.refused + rendered.warnings))
    data, _ = engine.to_bytes(rendered, pdf_variant="pdf/a-3b")
    return write_atomically(folder / "catalogue.pdf", data)


def _site_dir() -> Path:
    return layouts_dir() / SITE_TEMPLATES


def _environment():
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(_site_dir())),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _write_if_changed(path: Path, text: str) -> Path:
    """Rewrite a page only when its text changed, so a web server's caches (and rsync) see what is new."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return path
    except OSError:
        pass
    return write_atomically(path, text)


def catalogue_json(entries: list[IssueEntry]) -> str:
    issues = [
        {
            "name": e.record.name,
            "title": e.record.title,
            "date": e.record.date,
            "volume": e.record.volume,
            "number": e.record.number,
            "language": e.record.language,
            "layout": e.record.layout,
            "pages": e.record.pages,
            "pdf": e.record.file,
            "sha256": e.record.sha256,
            "bytes": e.record.bytes,
            "revision": e.record.revision,
            "page": e.page,
            "cover": e.cover,
            "articles": [
                {
                    "title": a.title,
                    "author": a.author,
                    "page": a.page,
                    "first_sentence": a.first_sentence,
                    "link": a.link,
                }
                for a in e.contents.articles
            ],
        }
        for e in entries
    ]
    return json.dumps({"format": 1, "issues": issues}, indent=2, ensure_ascii=False) + "\n"


def atom_feed(entries: list[IssueEntry], name: str) -> str:
    """An Atom feed (RFC 4287) of the issues, newest first; dates from the issues, never the clock."""
    import xml.etree.ElementTree as ElementTree

    atom = "http://www.w3.org/2005/Atom"
    ElementTree.register_namespace("", atom)

    def sub(parent, tag: str, text: str | None = None, **attributes: str):
        element = ElementTree.SubElement(parent, f"{{{atom}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ElementTree.Element(f"{{{atom}}}feed")
    sub(feed, "title", f"{name}: back issues")
    sub(feed, "id", f"urn:newsletter-pdf:{entries[0].record.slug}:issues")
    sub(feed, "updated", f"{entries[0].record.published_at}T00:00:00Z")
    sub(feed, "link", rel="self", href="feed.xml")
    sub(sub(feed, "author"), "name", name)
    for entry in entries:
        record = entry.record
        item = sub(feed, "entry")
        sub(item, "title", record.title)
        sub(item, "id", f"urn:sha256:{record.sha256}")
        sub(item, "updated", f"{record.published_at}T00:00:00Z")
        sub(item, "link", rel="alternate", type="text/html", href=entry.page)
        sub(item, "link", rel="enclosure", type="application/pdf", href=record.file, length=str(record.bytes))
        titles = "; ".join(a.title for a in entry.contents.articles)
        sub(item, "summary", f"{record.pages} pages: {titles}")
    ElementTree.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="unicode") + "\n"


def _index_for_search(folder: Path, progress: Callable[[str], None]) -> bool:
    """Pagefind (the `pagefind` package's binary) indexes every page of the site; False when it is missing."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(folder), "--output-subdir", "pagefind", "--quiet"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        progress(f"Search index not made: {error}")
        return False
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        progress("Search index not made (pagefind: " + (message[-1] if message else f"exit {done.returncode}") + ")")
        return False
    return True
