"""Image safety: a named image exists, stays in the issue folder, is a real image and no bomb."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote

from newsletter_pdf.errors import Problem
from newsletter_pdf.input.paths import IMAGE_SUFFIXES, inside, is_
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
    """Read the image's header with Pillow: not an image, or more pixels than Pillow's limit allows."""
    import re
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Above Image.MAX_IMAGE_PIXELS Pillow only warns; a 12 KB PNG can then take 500 MB to decode.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=RASTER_FORMATS) as image:
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = f"{int(claimed.group(1)) / 1e6:.0f}" if claimed else "too many"
        return "image_too_large", {"pixels": pixels}
    except Exception:  # unidentified, truncated or corrupt: Pillow raises many kinds
        return "not_an_image", {}
    return None


SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _svg_problem(path: Path, folder: Path) -> tuple[str, dict] | None:
    """Parse the SVG (expat refuses entity bombs, never reads external entities) and check what it refers to."""
    import re
    import xml.etree.ElementTree as ElementTree
    from urllib.parse import unquote, urlsplit

    try:
        root = ElementTree.parse(path).getroot()
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
        if reference.startswith("#") or parts.scheme == "data":
            continue
        target = Path(os.path.normpath(path.parent / unquote(parts.path)))
        if parts.scheme or parts.netloc or not inside(target, folder):
            return "svg_outside", {"value": show(reference)}
    return None
