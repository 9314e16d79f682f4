"""Issue files -> validated models, keeping the file, line and column of every value."""

from __future__ import annotations

import difflib
import os
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, get_args

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from . import markdown as md
from .layouts import available
from .errors import Location, Problem, UserError, ValidationProblems
from .models import Article, ArticleFile, Image, Issue, Newsletter, Publication
from .resources import data_file

PUBLICATION_FILE = "newsletter.yaml"
ISSUE_FILE = "issue.yaml"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"}


@functools.cache
def messages() -> dict:
    """The message catalogue (messages.yaml), loaded once."""
    return YAML(typ="safe").load(data_file("messages.yaml").read_text(encoding="utf-8"))


def say(key: str, **values: Any) -> str:
    return messages()["loader"][key].format(**values)


def show(value: Any) -> str:
    """A bad value as the editor would recognise it, shortened."""
    if isinstance(value, (dict, list)):
        text = "a group of fields" if isinstance(value, dict) else "a list"
        return text
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- reading files ---------------------------------------------------------


@dataclass
class Source:
    """A parsed YAML document and where it came from (line_offset: lines before the YAML)."""

    path: Path
    data: Any
    line_offset: int = 0


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """Read a UTF-8 file, or record a problem pointing at the first bad byte."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            Problem(Location(path, line, column), say("not_utf8", byte=f"0x{raw[exc.start]:02x}", offset=exc.start))
        )
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


class _Constructor(RoundTripConstructor):
    """Dates stay text, so that the models parse them and a bad one gets a located message."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node))


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def parse_yaml(text: str, path: Path, problems: list[Problem], line_offset: int = 0) -> Source | None:
    """Parse YAML keeping positions; a syntax error becomes a located problem."""
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = (exc.problem or exc.context or "syntax error").strip()
        line = mark.line + 1 + line_offset if mark else None
        column = mark.column + 1 if mark else None
        problems.append(Problem(Location(path, line, column), say("yaml_syntax", reason=reason)))
        return None
    except YAMLError as exc:  # errors without a position
        problems.append(Problem(Location(path), say("yaml_syntax", reason=str(exc).strip())))
        return None
    except RecursionError:  # ruamel composes nested collections recursively
        problems.append(Problem(Location(path), say("yaml_syntax", reason="lists or groups are nested too deeply")))
        return None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        problems.append(Problem(Location(path), say("yaml_syntax", reason=str(exc).split(";")[0])))
        return None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        problems.append(Problem(Location(path, 1 + line_offset, 1), say("not_a_mapping", value=show(data))))
        return None
    source = Source(path, data, line_offset)
    bad = _lone_surrogate(data)
    if bad is not None:
        location, _ = Locator(source).locate(bad)
        problems.append(Problem(location, say("yaml_syntax", reason="an escape such as \\uD800 stands for half a character"), field_path(bad)))
        return None
    return source


def _lone_surrogate(node, at: tuple = ()) -> tuple | None:
    """The path to the first text holding a lone surrogate (only a YAML escape can make one), or None."""
    if isinstance(node, str):
        return at if any("\ud800" <= c <= "\udfff" for c in node) else None
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found = _lone_surrogate(key, at) if isinstance(key, str) else None
        found = found or _lone_surrogate(value, (*at, key))
        if found is not None:
            return found
    return None


def read_yaml(path: Path, problems: list[Problem]) -> Source | None:
    text = read_text(path, problems)
    return None if text is None else parse_yaml(text, path, problems)


def split_front_matter(text: str, path: Path, problems: list[Problem]) -> tuple[Source | None, str]:
    """Split an article file into its front matter (YAML) and its Markdown body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(Location(path, 1, 1), say("front_matter_missing")))
        return None, ""
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return parse_yaml(front, path, problems, line_offset=1), body
    problems.append(Problem(Location(path, 1, 1), say("front_matter_open")))
    return None, ""


# --- mapping validation errors back to lines ---------------------------------


@dataclass
class Locator:
    """Turns a path into the data (('articles', 3, 'date')) into a file, line and column."""

    root: Source
    # Sub-trees read from other files: path prefix -> the source they came from.
    grafts: dict[tuple, Source] = field(default_factory=dict)
    # Errors of a nested model come with paths relative to it: this is where it sits.
    prefix: tuple = ()

    def locate(self, loc: Iterable) -> tuple[Location, tuple]:
        loc = (*self.prefix, *loc)
        source = self.root
        node: Any = source.data
        line, column = 1 + source.line_offset, 1
        walked: tuple = ()
        for part in loc:
            if isinstance(node, dict) and part in node:
                if isinstance(node, CommentedMap) and part in node.lc.data:
                    # (keys the loader added itself, like an article file's body, have no position)
                    key_line, key_col = node.lc.key(part)
                    line, column = key_line + 1 + source.line_offset, key_col + 1
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                if isinstance(node, CommentedSeq):
                    item_line, item_col = node.lc.item(part)
                    line, column = item_line + 1 + source.line_offset, item_col + 1
                node = node[part]
            else:
                continue  # a union member's tag, or a field that is missing: stay at the parent
            walked += (part,)
            if walked in self.grafts:
                source = self.grafts[walked]
                node = source.data
                line, column = 1 + source.line_offset, 1
        return Location(source.path, line, column), walked[len(self.prefix) :]


def field_path(loc: Iterable) -> str:
    """('articles', 3, 'date') -> 'articles[3].date'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that holds the last part of loc, for did-you-mean suggestions."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current = _inner_model(current.model_fields[part].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def problems_from(exc: ValidationError, model: type[BaseModel], locator: Locator) -> list[Problem]:
    """Every Pydantic error as a located, plain-English problem."""
    catalogue = messages()
    known = _field_names(model)
    found: list[Problem] = []
    seen: set[tuple] = set()
    for error in exc.errors(include_url=False):
        kind, loc = error["type"], tuple(error["loc"])
        location, _ = locator.locate(loc)
        # Drop the tags Pydantic adds for union members ('Image', 'function-after[...]').
        parts = [p for p in loc if isinstance(p, int) or p in known]
        if kind == "extra_forbidden":
            parts = [*[p for p in loc[:-1] if isinstance(p, int) or p in known], loc[-1]]
        names = [p for p in parts if isinstance(p, str)]
        name = names[-1] if names else "this file"
        ctx = dict(error.get("ctx") or {})
        did_you_mean = ". Remove it, or check its spelling."
        if kind == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            close = difflib.get_close_matches(name, list(parent.model_fields), n=1, cutoff=0.6) if parent else []
            if close:
                did_you_mean = f": did you mean '{close[0]}'?"
        if kind == "value_error":
            ctx["reason"] = str(ctx.get("error", error["msg"]))
        template = catalogue["fields"].get(name, {}).get(kind) or catalogue["types"].get(kind)
        shown = None if kind == "missing" else show(error.get("input"))
        try:
            message = template.format(field=name, value=shown, did_you_mean=did_you_mean, **ctx)
        except (AttributeError, KeyError, IndexError):  # no template, or one needing other context
            message = f"{name}: {error['msg']}; got {shown}."
        path = field_path(parts)
        key = (str(location), path)
        if key in seen:  # a union reports one error per member: keep the first
            continue
        seen.add(key)
        found.append(Problem(location, message, path, shown))
    return found


def _field_names(model: type[BaseModel]) -> set[str]:
    """Every field name of a model and the models inside it."""
    names: set[str] = set()
    stack: list[Any] = [model]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            for fname, info in current.model_fields.items():
                if fname not in names:
                    names.add(fname)
                    stack.append(_inner_model(info.annotation))
    return names


# --- the loader ------------------------------------------------------------


def find_publication_file(issue_dir: Path) -> Path | None:
    """newsletter.yaml in the issue folder, else in the nearest folder above it."""
    for folder in (issue_dir, *issue_dir.parents):
        candidate = folder / PUBLICATION_FILE
        if candidate.is_file():
            return candidate
    return None


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def load(issue_dir: Path | str) -> Newsletter:
    """Read and validate one issue folder; raise ValidationProblems listing every problem."""
    issue_dir = Path(issue_dir).absolute()
    if not issue_dir.is_dir():
        raise UserError(say("not_a_folder", folder=issue_dir))
    issue_path = issue_dir / ISSUE_FILE
    if not issue_path.is_file():
        raise UserError(say("no_issue_yaml", folder=issue_dir))
    publication_path = find_publication_file(issue_dir)
    if publication_path is None:
        raise UserError(say("no_newsletter_yaml", folder=issue_dir))

    problems: list[Problem] = []
    publication = _load_publication(publication_path, problems)
    issue, article_sources, bases = _load_issue(issue_path, problems)
    if problems or publication is None or issue is None:
        problems.sort(key=lambda p: (str(p.location.file) != str(publication_path), str(p.location.file), p.location.line or 0))
        raise ValidationProblems(problems)
    return Newsletter(
        publication=publication,
        issue=issue,
        issue_dir=str(issue_dir),
        publication_file=str(publication_path),
        source_files=(str(publication_path), str(issue_path), *article_sources),
        article_bases=tuple(str(b) for b in bases),
    )


def _load_publication(path: Path, problems: list[Problem]) -> Publication | None:
    source = read_yaml(path, problems)
    if source is None:
        return None
    locator = Locator(source)
    try:
        publication = Publication.model_validate(source.data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, Publication, locator))
        return None
    names = available()
    if publication.layout not in names:
        location, _ = locator.locate(("layout",))
        problems.append(
            Problem(
                location,
                say("unknown_layout", value=show(publication.layout), available=", ".join(names)),
                "layout",
                show(publication.layout),
            )
        )
    if publication.layout_dir and not _inside(path.parent / publication.layout_dir, path.parent):
        # Its folder becomes one WeasyPrint may read from: it must not open the rest of the disk.
        location, _ = locator.locate(("layout_dir",))
        problems.append(
            Problem(
                location,
                say("layout_dir_outside", path=publication.layout_dir, folder=path.parent),
                "layout_dir",
                show(publication.layout_dir),
            )
        )
    elif publication.layout_dir and not _is(Path.is_dir, path.parent / publication.layout_dir):
        location, _ = locator.locate(("layout_dir",))
        problems.append(
            Problem(
                location,
                say("missing_file", path=publication.layout_dir, tried=path.parent / publication.layout_dir),
                "layout_dir",
                show(publication.layout_dir),
            )
        )
    return publication


def _load_issue(path: Path, problems: list[Problem]) -> tuple[Issue | None, list[str], list[Path]]:
    """issue.yaml with its article files; also each article's base folder for relative paths."""
    source = read_yaml(path, problems)
    if source is None:
        return None, [], []
    data = source.data
    locator = Locator(source)
    article_sources: list[str] = []
    folder = path.parent
    raw_articles = data.get("articles")
    # Where each article's relative paths start from.
    bases: dict[int, Path] = {}
    if isinstance(raw_articles, list):
        for index, entry in enumerate(raw_articles):
            bases[index] = folder
            if isinstance(entry, dict) and "file" in entry:
                loaded = _load_article_file(entry, ("articles", index), folder, locator, problems)
                if loaded is None:
                    raw_articles[index] = None  # already reported; keep other errors coming
                    continue
                article_path, front = loaded
                raw_articles[index] = front.data
                locator.grafts[("articles", index)] = front
                bases[index] = article_path.parent
                article_sources.append(str(article_path))
    failed = {i for i, a in enumerate(raw_articles) if a is None} if isinstance(raw_articles, list) else set()
    try:
        issue = Issue.model_validate(data)
    except ValidationError as exc:
        # Articles whose file could not be read are reported already.
        problems.extend(
            p for p in problems_from(exc, Issue, locator) if not any(p.field.startswith(f"articles[{i}]") for i in failed)
        )
        # Still check the files named by the articles that are valid, so every problem shows at once.
        for index, raw in enumerate(raw_articles if isinstance(raw_articles, list) else []):
            try:
                article = Article.model_validate(raw)
            except ValidationError:
                continue
            _check_article(article, index, bases[index], folder, locator, problems)
        return None, article_sources, []
    articles = [
        _check_article(article, index, bases[index], folder, locator, problems)
        for index, article in enumerate(issue.articles)
    ]
    _check_duplicate_titles(issue, locator, problems)
    if problems:
        return None, article_sources, []
    return issue.model_copy(update={"articles": articles}), article_sources, [bases[i] for i in range(len(articles))]


def _load_article_file(entry: dict, loc: tuple, folder: Path, locator: Locator, problems: list[Problem]):
    try:
        ref = ArticleFile.model_validate(entry)
    except ValidationError as exc:
        problems.extend(problems_from(exc, ArticleFile, _sub_locator(locator, loc)))
        return None
    article_path = folder / ref.file
    location, _ = locator.locate((*loc, "file"))
    if not _inside(article_path, folder):
        problems.append(Problem(location, say("outside_issue", path=ref.file, folder=folder), field_path((*loc, "file")), ref.file))
        return None
    if not _is(Path.is_file, article_path):
        problems.append(
            Problem(location, say("missing_file", path=ref.file, tried=article_path), field_path((*loc, "file")), ref.file)
        )
        return None
    text = read_text(article_path, problems)
    if text is None:
        return None
    front, body = split_front_matter(text, article_path, problems)
    if front is None:
        return None
    if "body" in front.data:
        line, column = front.data.lc.key("body")
        problems.append(Problem(Location(article_path, line + 2, column + 1), say("body_twice"), "body"))
        return None
    front.data["body"] = body.strip("\n")
    return article_path, front


def _is(test, path: Path) -> bool:
    """Path.is_file / is_dir, False where they raise (a name longer than the file system allows)."""
    try:
        return test(path)
    except OSError:
        return False


def _sub_locator(locator: Locator, loc: tuple) -> Locator:
    """A locator for a value nested at loc, so that its own errors get the right lines."""
    return Locator(locator.root, locator.grafts, prefix=loc)


def _check_article(
    article: Article, index: int, base: Path, folder: Path, locator: Locator, problems: list[Problem]
) -> Article:
    """Files named by an article exist, stay inside the issue folder and are images."""
    loc = ("articles", index)
    image = article.image
    if image is not None:
        resolved = _check_image(image.src, base, folder, (*loc, "image"), locator, problems)
        if resolved is not None:
            image = image.model_copy(update={"src": str(resolved)})
    for src in md.image_sources(article.body):
        if "://" in src or src.startswith(("//", "data:")):
            location, _ = locator.locate((*loc, "body"))
            problems.append(Problem(location, say("remote_image", value=show(src)), field_path((*loc, "body")), show(src)))
        else:
            _check_image(src, base, folder, (*loc, "body"), locator, problems)
    return article.model_copy(update={"image": image})


def _check_image(src: str, base: Path, folder: Path, loc: tuple, locator: Locator, problems: list[Problem]) -> Path | None:
    location, _ = locator.locate(loc)
    where = field_path(loc)
    if "://" in src or src.startswith("//"):
        problems.append(Problem(location, say("remote_image", value=show(src)), where, show(src)))
        return None
    path = Path(os.path.normpath((base / src).absolute()))
    if not _inside(path, folder):
        problems.append(Problem(location, say("outside_issue", path=src, folder=folder), where, show(src)))
        return None
    try:
        found = path.is_file()
    except OSError:  # e.g. a name longer than the file system allows (is_file raises, not False)
        found = False
    if not found:
        problems.append(Problem(location, say("missing_file", path=src, tried=path), where, show(src)))
        return None
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        problems.append(Problem(location, say("not_an_image", path=src), where, show(src)))
        return None
    check = _svg_problem if path.suffix.lower() == ".svg" else _raster_problem
    found = check(path, folder)
    if found is not None:
        key, values = found
        problems.append(Problem(location, say(key, path=src, folder=folder, **values), where, show(src)))
        return None
    return path


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
        if parts.scheme or parts.netloc or not _inside(target, folder):
            return "svg_outside", {"value": show(reference)}
    return None


def _check_duplicate_titles(issue: Issue, locator: Locator, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for index, article in enumerate(issue.articles):
        key = " ".join(article.title.casefold().split())
        if key in seen:
            location, _ = locator.locate(("articles", index, "title"))
            problems.append(
                Problem(
                    location,
                    say("duplicate_title", value=show(article.title), other=seen[key]),
                    f"articles[{index}].title",
                    show(article.title),
                )
            )
        else:
            seen[key] = index


def locator_for(newsletter: Newsletter):
    """A function mapping ('articles', 3, 'image') to its file, line and column in a loaded issue.

    For advice about a valid issue (check): the files are read again for their positions.
    """
    issue_path = Path(newsletter.issue_dir) / ISSUE_FILE
    source = parse_yaml(issue_path.read_text(encoding="utf-8"), issue_path, [])
    locator = Locator(source)
    for index, entry in enumerate(source.data.get("articles") or []):
        if isinstance(entry, dict) and "file" in entry:
            path = Path(newsletter.issue_dir) / entry["file"]
            front, _ = split_front_matter(path.read_text(encoding="utf-8"), path, [])
            if front is not None:
                locator.grafts[("articles", index)] = front

    def locate(loc: tuple) -> Location:
        return locator.locate(loc)[0]

    return locate
