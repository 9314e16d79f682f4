"""Pictures for the print pass: CMYK (or greyscale) copies made before WeasyPrint sees them.

WeasyPrint embeds a picture in the colour space it has, so an RGB photo would reach the press
as RGB. Each picture the print HTML names is converted once through the press profile (LittleCMS,
Pillow's ImageCms) into a cache folder, and the print HTML names the copy instead:
- colour pictures become CMYK JPEGs (WeasyPrint embeds CMYK only from JPEG), quality 95, no
  chroma subsampling, transparency flattened onto the white of the paper;
- greyscale stays greyscale (black ink only), 16-bit greys scaled to 8 bits rather than clipped;
- palette pictures are expanded first, so their colours convert like any other.
"""

from __future__ import annotations

import hashlib
import html as html_mod
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageOps

from newsletter_pdf.files import write_atomically
from newsletter_pdf.outputs.colour import PressColour, image_to_cmyk

CACHE_ENV = "NEWSLETTER_PDF_CACHE"
JPEG_QUALITY = 95
# Formats converted; SVG stays vector (its colours are converted in the PDF, see press.py).
RASTER_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp"}
_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")(file://[^"]+)(")')


def cache_dir() -> Path:
    """Where converted copies are kept (beside the page-fitting cache; a temp folder when caching is off)."""
    setting = os.environ.get(CACHE_ENV, "")
    if setting.lower() in ("0", "off", "no"):
        import tempfile

        return Path(tempfile.gettempdir()) / f"newsletter-pdf-print-images-{os.getuid()}"
    base = Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsletter-pdf" / "print-images"


def _greyscale(image: Image.Image) -> Image.Image | None:
    """The picture as 8-bit grey ('L' or 'LA') when it has no colour, else None."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grey: scale 0-65535 down to 0-255 (a plain convert would clip nearly all of it to white or black).
        wide = image.convert("I") if image.mode != "I" else image
        brightest = wide.getextrema()[1]
        top = 65535 if isinstance(brightest, (int, float)) and brightest > 255 else 255
        return wide.point(lambda v: v * (255 / top)).convert("L")
    if image.mode in ("1", "L", "LA"):
        return image.convert("L") if image.mode == "1" else image
    if image.mode == "P":
        palette = image.getpalette() or []
        colours = [tuple(palette[i : i + 3]) for i in range(0, len(palette), 3)]
        if all(c[0] == c[1] == c[2] for c in colours):
            return image.convert("LA" if "transparency" in image.info else "L")
    return None


def convert(image: Image.Image, press: PressColour) -> tuple[Image.Image, str]:
    """The picture ready for the press, and the format to save it in."""
    image = ImageOps.exif_transpose(image) or image  # WeasyPrint would turn it; the copy has no EXIF
    grey = _greyscale(image)
    if grey is not None:
        return grey, "PNG"
    if image.mode == "CMYK":
        return image, "JPEG"
    icc = image.info.get("icc_profile")
    if image.mode in ("P", "PA", "LA", "RGBA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, rgba).convert("RGB")
    elif image.mode != "RGB":
        image = image.convert("RGB")
    if icc:
        image.info["icc_profile"] = icc
    return image_to_cmyk(image, press), "JPEG"


def prepared_copy(source: Path, press: PressColour) -> Path:
    """The converted copy of one picture (made once, then reused while the picture and the press are the same)."""
    data = source.read_bytes()
    digest = hashlib.sha256(data + press.key.encode()).hexdigest()[:20]
    folder = cache_dir()
    for suffix in (".jpg", ".png"):
        existing = folder / f"{source.stem}-{digest}{suffix}"
        if existing.is_file():
            return existing
    with Image.open(source) as opened:
        opened.load()
        image, fmt = convert(opened, press)
    target = folder / f"{source.stem}-{digest}{'.jpg' if fmt == 'JPEG' else '.png'}"
    import io

    buffer = io.BytesIO()
    dpi = opened.info.get("dpi")
    options: dict = {"dpi": dpi} if dpi else {}
    if fmt == "JPEG":
        options.update(quality=JPEG_QUALITY, subsampling=0)
    image.save(buffer, fmt, **options)
    folder.mkdir(parents=True, exist_ok=True)
    return write_atomically(target, buffer.getvalue())


class PrintImages:
    """Rewrites the print HTML to name converted copies; remembers which copy stands for which original."""

    def __init__(self, press: PressColour, roots: list[Path] | None = None):
        self.press = press
        # Only pictures WeasyPrint could read itself are converted: a copy must never carry a
        # file out of the folders the sandbox allows (the fetcher then refuses the original, as before).
        self.roots = [Path(r).resolve() for r in roots or []]
        self.originals: dict[str, str] = {}  # copy path -> the editor's file

    @property
    def folder(self) -> Path:
        return cache_dir()

    def __call__(self, page_html: str) -> str:
        return _SRC.sub(self._replace, page_html)

    def _replace(self, match: re.Match) -> str:
        url = html_mod.unescape(match.group(2))
        parts = urlsplit(url)
        source = Path(unquote(parts.path))
        if source.suffix.lower() not in RASTER_SUFFIXES or not source.is_file() or not self._allowed(source):
            return match.group(0)
        copy = prepared_copy(source, self.press)
        self.originals[str(copy)] = str(source)
        return match.group(1) + html_mod.escape(copy.as_uri()) + match.group(3)

    def _allowed(self, source: Path) -> bool:
        resolved = source.resolve()
        return any(resolved.is_relative_to(root) for root in self.roots)

    def original(self, path: str) -> str:
        return self.originals.get(path, path)
