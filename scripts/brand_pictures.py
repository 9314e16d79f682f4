"""README pictures for "Make it yours": page 1 of the sample before and after a brand, and each theme.

Writes docs/brand-before.png, docs/brand-after.png and docs/themes.png (page 1 in every theme, side by side).
"""

import shutil
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from newsletter_pdf.pipeline import build
from newsletter_pdf.resources import theme_names

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def logo(path: Path) -> None:
    """An example logo: a disc and two bars, on a transparent ground."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGBA", (720, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, 228, 228), fill=(0x7A, 0x1F, 0x5C, 255))
    draw.polygon([(60, 170), (120, 70), (180, 170)], fill=(255, 255, 255, 255))
    draw.rectangle((264, 60, 700, 104), fill=(0x7A, 0x1F, 0x5C, 255))
    draw.rectangle((264, 136, 600, 180), fill=(0x2B, 0x2B, 0x2B, 255))
    image.save(path)


def page_one(brand_yaml: str, dpi: int) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        issues = Path(tmp) / "issues"
        shutil.copytree(ROOT / "issues", issues)
        logo(issues / "brand" / "logo.png")
        (issues / "newsletter.yaml").write_text(
            (issues / "newsletter.yaml").read_text(encoding="utf-8") + brand_yaml, encoding="utf-8"
        )
        result = build(issues / "2025-11", Path(tmp) / "out", profiles=["email"])
        document = pdfium.PdfDocument(str(result.pdf))
        image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
        document.close()
    return image


def save(image: Image.Image, name: str) -> None:
    target = DOCS / name
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    print(target)


save(page_one("", 60), "brand-before.png")
save(page_one('brand:\n  logo: brand/logo.png\n  accent: "#7a1f5c"\n  theme: meadow\n', 60), "brand-after.png")
pages = [(name, page_one(f"brand:\n  theme: {name}\n", 40)) for name in theme_names()]
width, height = pages[0][1].size
sheet = Image.new("RGB", (len(pages) * (width + 16) + 16, height + 44), "white")
draw = ImageDraw.Draw(sheet)
for index, (name, image) in enumerate(pages):
    x = 16 + index * (width + 16)
    sheet.paste(image, (x, 36))
    draw.rectangle((x - 1, 35, x + width, 36 + height), outline=(160, 160, 160))
    draw.text((x, 12), name, fill=(0, 0, 0), font_size=18)
save(sheet, "themes.png")
