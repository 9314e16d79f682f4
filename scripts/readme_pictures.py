"""Render page 1 of the sample issue in every layout to docs/<layout>-page1.png (for the README)."""

import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from newsletter_pdf.pipeline import build
from newsletter_pdf.render.layouts import available

ROOT = Path(__file__).resolve().parent.parent

for name in available():
    with tempfile.TemporaryDirectory() as out:
        result = build(ROOT / "issues" / "2025-11", out, layout_name=name, profiles=["email"])
        document = pdfium.PdfDocument(str(result.pdf))
        image = document[0].render(scale=100 / 72).to_pil().convert("RGB")
        document.close()
    image = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    target = ROOT / "docs" / f"{name}-page1.png"
    image.save(target, optimize=True)
    print(target)
