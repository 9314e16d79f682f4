"""The one WeasyPrint adapter: sandboxed fetching, layout, writing, and every use of its private API.

WeasyPrint is pinned (70.0). Everything that reaches into its internals (page boxes, box
classes, RasterImage._dpi, the FontConfiguration.__del__ patch) lives here, so an upgrade
touches this file alone.
"""

from __future__ import annotations

import atexit
import contextvars
import hashlib
import logging
import os
import shutil
import uuid
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

import weasyprint
from weasyprint import images as weasyprint_images
from weasyprint import urls as weasyprint_urls
from weasyprint.pdf import metadata as weasyprint_metadata
from weasyprint.text.fonts import FontConfiguration

LOGGER = logging.getLogger(__name__)


# --- reproducible bytes: every name and ID derived from content, never from paths or chance ----------

# While to_bytes writes, WeasyPrint's XMP writer (PDF/X-4's xmpMM:DocumentID, uuid4 in WeasyPrint 70)
# gets this placeholder; the written bytes then replace it with a UUID derived from themselves.
_PLACEHOLDER = uuid.UUID(int=0)
_WRITING: contextvars.ContextVar[bool] = contextvars.ContextVar("writing", default=False)


def _placeholder_uuid() -> uuid.UUID:
    return _PLACEHOLDER if _WRITING.get() else uuid.uuid4()


weasyprint_metadata.uuid4 = _placeholder_uuid


def _content_document_id(data: bytes) -> bytes:
    """The PDF with its placeholder document ID replaced by one derived from its content.

    The replacement has the same length, so no offset in the cross-reference table moves
    (the XMP of PDF/X-4 is written uncompressed, where the placeholder can be found).
    """
    placeholder = f"xmp.did:{_PLACEHOLDER}".encode()
    if placeholder not in data:
        return data
    derived = uuid.UUID(bytes=hashlib.sha256(data).digest()[:16], version=4)
    return data.replace(placeholder, f"xmp.did:{derived}".encode())


class _ContentNamedRasterImage(weasyprint_images.RasterImage):
    """WeasyPrint 70 names an image's XObject after an MD5 of its URL: an absolute file path, so
    the archive's bytes changed when the issue folder moved. Name it after its bytes instead
    (and the orientation asked for, which changes what is drawn)."""

    def __init__(self, pillow_image, image_id, image_data, *args, **kwargs):
        if image_data:
            orientation = args[2] if len(args) > 2 else kwargs.get("orientation", "none")
            digest = hashlib.md5(bytes(image_data), usedforsecurity=False)
            digest.update(repr(orientation).encode())
            image_id = digest.hexdigest()
        super().__init__(pillow_image, image_id, image_data, *args, **kwargs)


weasyprint_images.RasterImage = _ContentNamedRasterImage


class SandboxFetcher(weasyprint.URLFetcher):
    """Fetches only local files inside the allowed folders, and data: URLs. Nothing from the network."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [Path(r).resolve() for r in roots]
        self.refused: list[str] = []

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        try:
            path = file_path(url).resolve()
        except (OSError, RuntimeError):  # a symlink loop: nothing to read
            return False
        return any(path.is_relative_to(root) for root in self.roots)

    def fetch(self, url, headers=None):
        if not self.allows(url):
            self.refused.append(url)
            # WeasyPrint logs this and skips the resource; the build turns it into a problem.
            raise ValueError(f"newsletter-pdf fetches nothing outside the issue, layout and font folders: {url}")
        if urlsplit(url).scheme == "file":
            # Read here rather than by urllib, which decodes %FF in a folder name that is not
            # UTF-8 into U+FFFD and then finds no file.
            import mimetypes

            path = file_path(url)
            try:
                data = path.read_bytes()
            except OSError as error:
                raise ValueError(f"cannot read {path}: {error.strerror}") from error
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return weasyprint_urls.URLFetcherResponse(url, data, {"Content-Type": mime})
        return super().fetch(url, headers)


def file_path(url: str) -> Path:
    """The path a file: URL names, bytes that are not UTF-8 included (Path.as_uri writes them as %XX)."""
    return Path(os.fsdecode(unquote_to_bytes(urlsplit(url).path)))


def base_uri(folder: Path) -> str:
    """The folder as a file: URL ending in '/' (WeasyPrint's own conversion fails on a name that is not UTF-8)."""
    return Path(folder).absolute().as_uri().rstrip("/") + "/"


class SandboxedCache(dict):
    """The shared image cache as one render sees it: WeasyPrint looks an image up by URL before it
    calls the fetcher, so a URL this render's fetcher refuses is never served from (or stored in)
    the cache. It reaches the fetcher, which refuses it and records the refusal, every time.
    Keys without a scheme (WeasyPrint's own image-data slots) pass through."""

    def __init__(self, shared: dict, fetcher: SandboxFetcher):
        super().__init__()
        self._shared, self._fetcher = shared, fetcher

    def _visible(self, key) -> bool:
        return not (isinstance(key, str) and ":" in key) or self._fetcher.allows(key)

    def __contains__(self, key) -> bool:
        return self._visible(key) and key in self._shared

    def __getitem__(self, key):
        if not self._visible(key):
            raise KeyError(key)
        return self._shared[key]

    def __setitem__(self, key, value) -> None:
        if self._visible(key):
            self._shared[key] = value

    def get(self, key, default=None):
        return self[key] if key in self else default  # noqa: SIM401 (self.get would recurse)


@dataclass
class Rendered:
    """A laid-out document and what WeasyPrint said while laying it out."""

    document: weasyprint.Document
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    html: str = ""  # the HTML it was laid out from

    @property
    def page_count(self) -> int:
        return len(self.document.pages)

    def placed_images(self):
        """(image, width_pt, height_pt, page, source path) for every raster image drawn on the pages."""
        for number, page in enumerate(self.document.pages, start=1):
            for box in page._page_box.descendants():
                image = getattr(box, "replacement", None)
                if image is not None and hasattr(image, "width") and hasattr(image, "_dpi"):
                    src = box.element.get("src", "") if box.element is not None else ""
                    path = str(file_path(src)) if src.startswith("file:") else src
                    yield image, box.width * 0.75, box.height * 0.75, number, path  # CSS px -> pt


@contextmanager
def _image_resolution(rendered: Rendered, dpi: int | None):
    """Downsample images to dpi for one write of a shared layout.

    WeasyPrint reads the `dpi` option when it loads images during layout, but applies it
    when it draws them; setting it per write lets email (150 dpi) and archive (full
    resolution) share one layout pass. Relies on RasterImage._dpi (WeasyPrint 70). Downsampling
    also replaces the image's data with the smaller copy, so the data is restored afterwards,
    or the next output written from the same layout would get the small image too.
    """
    images = list({id(image): image for image, *_ in rendered.placed_images()}.values())
    saved = [(image._dpi, image.image_data) for image in images]
    for image in images:
        image._dpi = dpi
    try:
        yield
    finally:
        for image, (old_dpi, old_data) in zip(images, saved):
            image._dpi, image.image_data = old_dpi, old_data


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def captured_warnings():
    """Collect WeasyPrint's warnings and errors instead of letting them pass unseen."""
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def harfbuzz_subsetting() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (libharfbuzz-subset0): about 2.5x faster
    than its fontTools fallback, and byte-reproducible."""
    from weasyprint.text import ffi

    return bool(getattr(ffi, "harfbuzz_subset", None))


_FONT_CONFIG: FontConfiguration | None = None
# Decoded images by URL, shared by the layout passes of a build and by watch rebuilds,
# so a large photo is read and decoded once. Cleared when an image file changes.
_IMAGE_CACHE: dict = {}


def forget_images() -> None:
    _IMAGE_CACHE.clear()


def font_config() -> FontConfiguration:
    """One font configuration per process: @font-face files are loaded once, then reused."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
        # Release it while the interpreter is still whole (its __del__ fails at shutdown otherwise).
        atexit.register(_release_font_config)
    return _FONT_CONFIG


def _release_font_config() -> None:
    global _FONT_CONFIG
    _FONT_CONFIG = None


def _font_config_cleanup(self, _rmtree=shutil.rmtree) -> None:
    """FontConfiguration.__del__ that still works while the interpreter shuts down.

    WeasyPrint 70's own looks `rmtree` up as a module global, which is None by then, so
    every font configuration alive at exit printed an 'Exception ignored' traceback.
    """
    if getattr(self, "_folder", None):
        _rmtree(self._folder, ignore_errors=True)


FontConfiguration.__del__ = _font_config_cleanup


def render(html: str, base_url: Path, roots: list[Path], extra_css: Sequence[str] = (), **options) -> Rendered:
    """Lay out the HTML into pages (extra_css: more stylesheets, e.g. the print pass's bleed)."""
    fetcher = SandboxFetcher(roots)
    color_profiles: dict = {}  # filled by @color-profile rules, read when writing the output intent
    with captured_warnings() as warnings:
        stylesheets = [
            weasyprint.CSS(string=css, url_fetcher=fetcher, font_config=font_config(), color_profiles=color_profiles)
            for css in extra_css
        ]
        document = weasyprint.HTML(string=html, base_url=base_uri(base_url), url_fetcher=fetcher).render(
            font_config=font_config(),
            stylesheets=stylesheets,
            color_profiles=color_profiles,
            cache=SandboxedCache(_IMAGE_CACHE, fetcher),
            **options,
        )
    return Rendered(document, warnings, fetcher.refused)


def to_bytes(
    rendered: Rendered, xmp_extra: Sequence[bytes] = (), dpi: int | None = None, **options
) -> tuple[bytes, list[str]]:
    """The PDF as bytes, and WeasyPrint's warnings while writing it.

    xmp_extra and dpi apply to this output only (the laid-out document is shared between outputs).
    """
    metadata = rendered.document.metadata
    saved = list(metadata.xmp_metadata)
    metadata.xmp_metadata.extend(xmp_extra)
    token = _WRITING.set(True)
    try:
        with captured_warnings() as warnings, _image_resolution(rendered, dpi):
            data = rendered.document.write_pdf(**options)
    finally:
        _WRITING.reset(token)
        metadata.xmp_metadata[:] = saved
    data = _content_document_id(data)
    return data, warnings


# --- the laid-out pages, for fitting and jumps (WeasyPrint's box tree) -----------------------


def page_box(page):
    """The page's root box (content_box_y(), height, children)."""
    return page._page_box


def flow_boxes(page) -> list:
    """The page's flow content, without its margin boxes (footer, page number)."""
    from weasyprint.formatting_structure.boxes import MarginBox

    return [child for child in page._page_box.children if not isinstance(child, MarginBox)]


def line_boxes(boxes) -> list:
    """Every line of text set inside the given boxes."""
    from weasyprint.formatting_structure.boxes import LineBox

    return [child for box in boxes for child in box.descendants() if isinstance(child, LineBox)]


def page_lines(page) -> int:
    """How many lines of text the page's flow content holds."""
    return len(line_boxes(flow_boxes(page)))


def element_boxes(page, tag: str, element_id: str) -> list:
    """The boxes of the element <tag id=element_id> on a page (an element split across pages has boxes on each)."""
    found = []
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", None) == tag and element.get("id") == element_id:
            found.append(box)
    return found


def attachment(data: bytes, name: str, description: str, stamp) -> weasyprint.Attachment:
    """An embedded file for PDF/A-3, marked as a source of the document, dated `stamp` (reproducible)."""
    import io

    return weasyprint.Attachment(
        file_obj=io.BytesIO(data),
        name=name,
        description=description,
        created=stamp,
        modified=stamp,
        relationship="Source",
    )


def extents(rendered: Rendered, attribute: str) -> dict[str, tuple[float, float]]:
    """Width and height (CSS px) of each element carrying `attribute`, by its value (e.g. a label's text block)."""
    found: dict[str, tuple[float, float]] = {}
    for page in rendered.document.pages:
        for box in _boxes_with_positioned(page._page_box):
            element = getattr(box, "element", None)
            key = element.get(attribute) if element is not None else None
            if key is not None and hasattr(box, "margin_width"):
                width, height = found.get(key, (0.0, 0.0))
                found[key] = (max(width, box.width), max(height, box.height))
    return found


def _boxes_with_positioned(root):
    """Every box under root, including those of absolutely positioned elements (behind their placeholders)."""
    for box in root.descendants():
        inner = getattr(box, "_box", None)  # AbsolutePlaceholder
        if inner is not None:
            yield from _boxes_with_positioned(inner)
        else:
            yield box
