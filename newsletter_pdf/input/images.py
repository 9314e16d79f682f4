"""Image safety: a named image exists, stays in the issue folder, is a real image and no bomb."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote

from newsletter_pdf.errors import Problem
from newsletter_pdf.input.paths import IMAGE_SUFFIXES, inside, is_, loops
from newsletter_pdf.input.yaml_source import Locator, field_path
from newsletter_pdf.messages import say, show, shown_path


def check_image(
    src: str,
    bases: Sequence[Path],
    folder: Path,
    loc: tuple,
    locator: Locator,
    problems: list[Problem],
    *,
    percent_encoded: bool = False,
) -> Path | None:
    """The image file src names, looked for from each base folder in turn, or None with a problem recorded.

    percent_encoded: a Markdown body's src ('my%20photo.jpg' for 'my photo.jpg').
    """
    location, _ = locator.locate(loc)
    where = field_path(loc)
    if "://" in src or src.startswith("//"):
        problems.append(Problem(location, say("remote_image", value=show(src)), where, show(src)))
        return None
    name = unquote(src) if percent_encoded else src
    candidates = list(dict.fromkeys(Path(os.path.normpath((base / name).absolute())) for base in bases))
    if any(loops(path) for path in candidates):
        problems.append(Problem(location, say("symlink_loop", path=name), where, show(src)))
        return None
    inside_folder = [path for path in candidates if inside(path, folder)]
    if not inside_folder:
        problems.append(Problem(location, say("outside_issue", path=name, folder=shown_path(folder)), where, show(src)))
        return None
    path = next((p for p in inside_folder if is_(Path.is_file, p)), None)
    if path is None:
        tried = " or ".join(shown_path(p) for p in inside_folder)
        message = say("missing_file", path=name, tried=tried) + _nearest(name, bases[0], folder)
        problems.append(Problem(location, message, where, show(src)))
        return None
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        problems.append(Problem(location, say("not_an_image", path=name), where, show(src)))
        return None
    check = _svg_problem if path.suffix.lower() == ".svg" else _raster_problem
    problem = check(path, folder)
    if problem is not None:
        key, values = problem
        problems.append(Problem(location, say(key, path=name, folder=shown_path(folder), **values), where, show(src)))
        return None
    return path


def _nearest(name: str, base: Path, folder: Path, limit: int = 5000) -> str:
    """' Did you mean ../images/x.jpg?': the existing file in the issue folder whose name is closest."""
    import difflib
    import itertools

    files = [p for p in itertools.islice(folder.rglob("*"), limit) if p.is_file() and not p.name.startswith(".")]
    by_name: dict[str, Path] = {}
    for path in sorted(files, key=lambda p: (len(p.parts), str(p))):
        by_name.setdefault(path.name.casefold(), path)
    close = difflib.get_close_matches(Path(name).name.casefold(), list(by_name), n=1, cutoff=0.6)
    if not close:
        return ""
    return " " + say("did_you_mean_file", path=Path(os.path.relpath(by_name[close[0]], base)).as_posix())


# Formats WeasyPrint can place; anything else Pillow might recognise (EPS, PSD, ...) is refused.
RASTER_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")


def _raster_problem(path: Path, folder: Path) -> tuple[str, dict] | None:
    return raster_data_problem(path.read_bytes())


def raster_data_problem(data: bytes) -> tuple[str, dict] | None:
    """Read a picture with Pillow: not an image, more pixels than Pillow's limit allows, or cut short.

    The same limits hold for a picture from a file, one inside an SVG and one in a data: URI.
    """
    import io
    import re
    import warnings

    from PIL import Image, ImageFile

    truncated_ok = ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint sets it (it draws what it can)
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # the same answer whether WeasyPrint was imported or not
    try:
        with warnings.catch_warnings():
            # Above Image.MAX_IMAGE_PIXELS Pillow only warns; a 12 KB PNG can then take 500 MB to decode.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=RASTER_FORMATS) as image:
                image.verify()
            # verify() reads a PNG's chunks but not a JPEG's picture data: decode it (a JPEG at an
            # eighth of its size, which still reads every byte) to find a file cut short.
            with Image.open(io.BytesIO(data), formats=RASTER_FORMATS) as image:
                if image.format == "JPEG":
                    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = f"{int(claimed.group(1)) / 1e6:.0f}" if claimed else "too many"
        return "image_too_large", {"pixels": pixels}
    except OSError as exc:
        if "truncated" in str(exc).lower() or "broken data stream" in str(exc):
            return "image_truncated", {}
        return "not_an_image", {}
    except Exception:  # unidentified or corrupt: Pillow raises many kinds
        return "not_an_image", {}
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok
    return None


SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


MAX_SVG_DEPTH = 4  # an SVG whose pictures are SVGs whose pictures are SVGs ...


def _svg_problem(path: Path, folder: Path, depth: int = 0) -> tuple[str, dict] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return "not_an_image", {}
    return _svg_data_problem(data, path.parent, folder, depth)


def _svg_data_problem(data: bytes, base: Path, folder: Path, depth: int = 0) -> tuple[str, dict] | None:
    """Parse the SVG (expat refuses entity bombs, never reads external entities) and check what it refers to.

    A picture inside it, from a file or a data: URI, passes the same checks as an article's image.
    """
    import re
    import xml.etree.ElementTree as ElementTree
    from urllib.parse import unquote, urlsplit

    if depth > MAX_SVG_DEPTH:
        return "not_an_image", {}
    try:
        root = ElementTree.fromstring(data)
    except Exception:  # not XML, not UTF-8, an entity bomb ...
        return "not_an_image", {}
    if root.tag not in (f"{SVG_NAMESPACE}svg", "svg"):
        return "not_an_image", {}
    references = []
    for element in root.iter():
        references += [element.get("href"), element.get(_XLINK_HREF)]
        texts = [*element.attrib.values(), element.text or ""]
        references += [m for text in texts for m in re.findall(r"""url\(\s*['"]?([^'")\s]*)""", text)]
        references += re.findall(r"""@import\s+['"]([^'"]*)""", element.text or "")
    for reference in filter(None, (r.strip() if r else r for r in references)):
        parts = urlsplit(reference)
        if reference.startswith("#"):
            continue
        if parts.scheme == "data":
            problem = _data_uri_problem(reference, base, folder, depth)
        else:
            target = Path(os.path.normpath(base / unquote(parts.path)))
            if parts.scheme or parts.netloc or not inside(target, folder):
                return "svg_outside", {"value": show(reference)}
            problem = _referenced_problem(target, folder, depth)
        if problem is not None:
            return problem
    return None


def _referenced_problem(target: Path, folder: Path, depth: int) -> tuple[str, dict] | None:
    """A file an SVG uses: a picture gets the checks of a picture (other files are WeasyPrint's to read)."""
    suffix = target.suffix.lower()
    if suffix not in IMAGE_SUFFIXES or loops(target) or not target.is_file():
        return None
    if suffix == ".svg":
        return _svg_problem(target, folder, depth + 1)
    return _raster_problem(target, folder)


def _data_uri_problem(uri: str, base: Path, folder: Path, depth: int) -> tuple[str, dict] | None:
    """A data: URI inside an SVG: an image in it is checked like an image file."""
    import base64
    import binascii
    from urllib.parse import unquote_to_bytes

    header, _, payload = uri[5:].partition(",")
    media = header.split(";")[0].strip().lower()
    if not media.startswith("image/"):
        return None  # a font or a style sheet: not a picture
    try:
        data = base64.b64decode(payload, validate=False) if header.endswith(";base64") else unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return "not_an_image", {}
    if media == "image/svg+xml":
        return _svg_data_problem(data, base, folder, depth + 1)
    return raster_data_problem(data)
