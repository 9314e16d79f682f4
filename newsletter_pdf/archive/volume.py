"""`volume`: a year's published issues bound into one PDF, as published (nothing is typeset again).

The volume is a title page, the issues in date order, then a cumulative index of the articles
(title and author -> page in the volume), which comes last so that its length moves no page
number. Bookmarks lead to each issue and each article; PDF page labels give each page the
issue's own number ("2025-11 p. 3"). It is PDF/A-3b, carries every issue's attached sources,
and is reproducible: the same archive gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsletter_pdf.archive import contents as contents_mod
from newsletter_pdf.archive.catalogue import CACHE, latest_revisions
from newsletter_pdf.archive.record import Record, read_records
from newsletter_pdf.errors import UserError
from newsletter_pdf.files import write_atomically
from newsletter_pdf.messages import shown_path
from newsletter_pdf.resources import fonts_dir, layouts_dir

VOLUME_TEMPLATES = "volume"  # layouts/volume/: the title page and the index


@dataclass
class IndexEntry:
    title: str
    author: str | None
    issue: str  # the issue's month, YYYY-MM
    page: int  # in the volume, 1-based


@dataclass
class Volume:
    path: Path
    pages: int
    issues: list[Record]
    index: list[IndexEntry]
    first_pages: dict[str, int]  # issue month -> the volume page its page 1 is on


def volume(
    archive_dir: Path | str,
    year: int,
    out_dir: Path | str | None = None,
    *,
    progress: Callable[[str], None] = lambda message: None,
) -> Volume:
    """Bind the latest published revision of each issue of `year` into <slug>-<year>-volume.pdf."""
    import pikepdf

    folder = Path(archive_dir)
    if not folder.is_dir():
        raise UserError(f"{shown_path(folder)} is not a folder: publish an issue first (newsletter-pdf publish).")
    chosen = [r for r, _ in latest_revisions(read_records(folder)) if r.date.startswith(f"{year}-")]
    if not chosen:
        raise UserError(f"{shown_path(folder)} holds no issue published for {year}.")
    layouts = {r.layout for r in chosen}
    if len(layouts) > 1:  # several editions of a month (large print...): bind the most common layout
        common = max(sorted(layouts), key=lambda name: sum(r.layout == name for r in chosen))
        chosen = [r for r in chosen if r.layout == common]
    chosen.sort(key=lambda r: r.date)
    found = [contents_mod.cached(folder / r.file, r, folder / CACHE)[0] for r in chosen]

    title_pdf = _typeset("title.html.j2", records=chosen, year=year)
    with pikepdf.open(io.BytesIO(title_pdf)) as title:
        title_pages = len(title.pages)
    first_pages: dict[str, int] = {}
    index: list[IndexEntry] = []
    page = title_pages + 1
    for record, contents in zip(chosen, found, strict=True):
        first_pages[record.date] = page
        for article in contents.articles:
            index.append(IndexEntry(article.title, article.author, record.date, page + (article.page or 1) - 1))
        page += contents.pages
    index.sort(key=lambda e: (e.title.casefold(), e.page))
    index_pdf = _typeset("index.html.j2", entries=index, records=chosen, year=year, first_pages=first_pages)

    out = pikepdf.new()
    _append(out, title_pdf)
    sources = []
    for record in chosen:
        sources.append(pikepdf.open(folder / record.file))
        # (named destinations go along, renamed where two issues use the same: contents links keep working)
        out.add_pages_from(sources[-1], outlines="ignore")
    _append(out, index_pdf)
    _bookmarks(out, chosen, found, first_pages, title_pages, len(out.pages) - page + 1)
    _page_labels(out, chosen, found, title_pages)
    _attach_sources(out, chosen, sources)
    _archival(out, chosen, year, sources[0])
    name = f"{chosen[0].slug}-{year}-volume.pdf"
    target = Path(out_dir or folder) / name
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, min_version="1.7")
    for source in sources:
        source.close()
    write_atomically(target, buffer.getvalue())
    progress(f"Bound {len(chosen)} issue(s) of {year} into {shown_path(target)} ({len(out.pages)} pages)")
    return Volume(target, len(out.pages), chosen, index, first_pages)


def _typeset(template: str, **values) -> bytes:
    """A page of the volume's own (title, index), typeset with the bundled fonts, as PDF/A-3b bytes."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    from newsletter_pdf.render import engine

    folder = layouts_dir() / VOLUME_TEMPLATES
    environment = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, undefined=jinja2.StrictUndefined
    )
    html = environment.get_template(template).render(fonts=fonts_dir().as_uri(), **values)
    rendered = engine.render(html, folder, [folder, fonts_dir()], output_intent="srgb")
    data, _ = engine.to_bytes(rendered, pdf_variant="pdf/a-3b", pdf_tags=True)
    return data


def _append(out, data: bytes) -> None:
    import pikepdf

    source = pikepdf.open(io.BytesIO(data))
    out.add_pages_from(source, outlines="ignore")


def _bookmarks(out, records, found, first_pages, title_pages: int, index_pages: int) -> None:
    from pikepdf import OutlineItem

    with out.open_outline() as outline:
        outline.root.clear()
        outline.root.append(OutlineItem("Title page", 0))
        for record, contents in zip(records, found, strict=True):
            start = first_pages[record.date] - 1
            item = OutlineItem(record.title, start)
            for article in contents.articles:
                item.children.append(OutlineItem(article.title, start + (article.page or 1) - 1))
            outline.root.append(item)
        outline.root.append(OutlineItem("Index of articles", len(out.pages) - index_pages))


def _page_labels(out, records, found, title_pages: int) -> None:
    """Roman numerals for the title page, each issue's own numbers with its month, 'Index' after."""
    import pikepdf

    nums: list = [0, pikepdf.Dictionary(S=pikepdf.Name.r)]
    page = title_pages
    for record, contents in zip(records, found, strict=True):
        nums += [page, pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String(f"{record.date} p. "), St=1)]
        page += contents.pages
    nums += [page, pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String("Index "), St=1)]
    out.Root.PageLabels = out.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))


def _attach_sources(out, records, sources) -> None:
    """Every issue's attached sources, filed under its month, related to the volume as its sources."""
    import pikepdf

    specs = []
    for record, source in zip(records, sources, strict=True):
        for name, spec in sorted(source.attachments.items()):
            data = spec.get_file().read_bytes()
            name = Path(str(name)).as_posix()
            label = name if name.startswith(f"{record.date}/") else f"{record.date}/{name}"
            stamp = f"D:{record.date.replace('-', '')}01000000Z"
            stream = pikepdf.Stream(out, data)
            stream.Type = pikepdf.Name.EmbeddedFile
            stream.Params = pikepdf.Dictionary(Size=len(data), ModDate=pikepdf.String(stamp))
            filespec = out.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Filespec,
                    F=pikepdf.String(label),
                    UF=pikepdf.String(label),
                    Desc=pikepdf.String(f"Source of {record.title}"),
                    AFRelationship=pikepdf.Name.Source,
                    EF=pikepdf.Dictionary(F=stream, UF=stream),
                )
            )
            specs.append((label, filespec))
    specs.sort(key=lambda item: item[0])
    names = pikepdf.Array()
    for label, filespec in specs:
        names.append(pikepdf.String(label))
        names.append(filespec)
    out.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=names))
    out.Root.AF = pikepdf.Array([filespec for _, filespec in specs])


def _archival(out, records, year: int, first_source) -> None:
    """PDF/A-3b: the issues' sRGB output intent, XMP saying so, and dates from the year, not the clock."""
    import pikepdf

    if "/OutputIntents" in first_source.Root:
        intents = first_source.Root.OutputIntents
        out.Root.OutputIntents = out.copy_foreign(first_source.make_indirect(intents))
    out.Root.Lang = pikepdf.String(records[0].language)
    title = f"{records[0].name}: {year}"
    stamp = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    out.docinfo = out.make_indirect(
        pikepdf.Dictionary(
            Title=pikepdf.String(title),
            Author=pikepdf.String(records[0].name),
            Creator=pikepdf.String("newsletter-pdf volume"),
            CreationDate=pikepdf.String(f"D:{year + 1}0101000000Z"),
            ModDate=pikepdf.String(f"D:{year + 1}0101000000Z"),
        )
    )
    with out.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["pdfaid:part"] = "3"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = title
        meta["dc:creator"] = [records[0].name]
        meta["dc:language"] = [records[0].language]
        meta["xmp:CreateDate"] = stamp
        meta["xmp:ModifyDate"] = stamp
        meta["xmp:MetadataDate"] = stamp
        meta["xmp:CreatorTool"] = "newsletter-pdf volume"
