"""PNG pages and a cover thumbnail of a built PDF (pypdfium2)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsletter_pdf.files import atomic_writer

THUMBNAIL_WIDTH = 600  # px: fits the body of a distribution email


@dataclass
class Preview:
    pages: list[Path]
    thumbnail: Path


def _save(image, target: Path) -> Path:
    with atomic_writer(target) as stream:
        image.save(stream, format="PNG", optimize=True)
    return target


def write_preview(pdf_path: Path, out_dir: Path, dpi: int = 100) -> Preview:
    """One PNG per page at dpi, and page 1 as a THUMBNAIL_WIDTH px wide cover thumbnail."""
    import pypdfium2 as pdfium

    stem = pdf_path.stem
    for suffix in ("-email", "-print", "-archive"):  # one profile suffix: '-large-print-email' keeps its layout
        if stem.endswith(suffix):
            stem = stem.removesuffix(suffix)
            break
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        pages = []
        for index in range(len(document)):
            image = document[index].render(scale=dpi / 72).to_pil()
            pages.append(_save(image, out_dir / f"{stem}-page{index + 1}.png"))
        first = document[0]
        width_pt = first.get_width()
        cover = first.render(scale=THUMBNAIL_WIDTH / width_pt).to_pil()
        if cover.width != THUMBNAIL_WIDTH:  # rounding of the scale
            cover = cover.resize((THUMBNAIL_WIDTH, round(cover.height * THUMBNAIL_WIDTH / cover.width)))
        thumbnail = _save(cover, out_dir / f"{stem}-cover.png")
    finally:
        document.close()
    # The folder is reused: pages left from a longer earlier preview would pass for this issue's.
    for stale in out_dir.glob(f"{stem}-page*.png"):
        if stale not in pages and stale.stem.removeprefix(f"{stem}-page").isdigit():
            stale.unlink()
    return Preview(pages, thumbnail)
