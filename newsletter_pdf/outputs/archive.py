"""What makes the archive output archival: its sources attached, PRISM XMP, and WeasyPrint's /AF fixed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.sax.saxutils import escape

from newsletter_pdf.input.models import Newsletter
from newsletter_pdf.render.labels import localiser


def write_options(newsletter: Newsletter) -> dict:
    """What an archival write adds: the sources attached, the /AF fix, and PRISM XMP."""
    return {
        "attachments": source_attachments(newsletter),
        "finisher": one_af_entry_per_file,
        "xmp_extra": [issue_xmp(newsletter)],
    }


def one_af_entry_per_file(document, pdf) -> None:
    """WeasyPrint 70 lists each PDF/A-3 attachment twice in the catalog's /AF array."""
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)


def source_attachments(newsletter: Newsletter) -> list:
    """The files the issue was made from, dated by the issue, so that the bytes are reproducible."""
    from newsletter_pdf.render import engine

    base = Path(newsletter.publication_file).parent
    stamp = dt.datetime(newsletter.issue.year, newsletter.issue.month, 1, tzinfo=dt.UTC)
    attachments = []
    # Sorted by name: the PDF's name tree of embedded files must be in key order.
    for name in sorted(newsletter.source_files, key=lambda n: _attachment_label(Path(n), base)):
        path = Path(name)
        label = _attachment_label(path, base)
        attachments.append(engine.attachment(path.read_bytes(), label, f"Source of this issue: {label}", stamp))
    return attachments


def _attachment_label(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.name


def issue_xmp(newsletter: Newsletter) -> bytes:
    """PRISM (the periodicals' XMP vocabulary): publication, volume, number, cover date, language."""
    issue, publication = newsletter.issue, newsletter.publication
    return (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<prism:publicationName>{escape(publication.name)}</prism:publicationName>"
        f"<prism:volume>{issue.volume}</prism:volume>"
        f"<prism:number>{issue.number}</prism:number>"
        f"<prism:coverDate>{issue.date}</prism:coverDate>"
        f"<prism:coverDisplayDate>{escape(localiser(publication).month(issue.year, issue.month))}</prism:coverDisplayDate>"
        f"<dc:language><rdf:Bag><rdf:li>{escape(publication.language)}</rdf:li></rdf:Bag></dc:language>"
        "</rdf:Description></rdf:RDF>"
    ).encode()
