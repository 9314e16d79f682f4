"""Render page 1 of the sample issue in every layout to docs/<layout>-page1.png (for the README),
and page 1 of the Persian sample (right to left) to docs/persian-page1.png."""

import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from newsletter_pdf.pipeline import build
from newsletter_pdf.render.layouts import available

ROOT = Path(__file__).resolve().parent.parent


def picture(issue: Path, layout: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as out:
        result = build(issue, out, layout_name=layout, profiles=["email"])
        document = pdfium.PdfDocument(str(result.pdf))
        image = document[0].render(scale=100 / 72).to_pil().convert("RGB")
        document.close()
    image = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    image.save(target, optimize=True)
    print(target)


for name in available():
    picture(ROOT / "issues" / "2025-11", name, ROOT / "docs" / f"{name}-page1.png")
picture(ROOT / "issues" / "persian" / "2025-11", "classic", ROOT / "docs" / "persian-page1.png")
