"""Issue files -> validated models: the publication, the issue and its article files, every problem located."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from newsletter_pdf import markdown as md
from newsletter_pdf.errors import Location, Problem, UserError, ValidationProblems
from newsletter_pdf.input import content
from newsletter_pdf.input.brand import BrandAssets, check_brand
from newsletter_pdf.input.glyphs import article_texts, check_glyphs, publication_texts
from newsletter_pdf.input.images import check_image
from newsletter_pdf.input.models import Article, ArticleFile, Issue, Newsletter, Publication
from newsletter_pdf.input.paths import ISSUE_FILE, find_publication_file, inside, is_, loops
from newsletter_pdf.input.problems import problems_from
from newsletter_pdf.input.yaml_source import Locator, field_path, parse_yaml, read_text, read_yaml, split_front_matter
from newsletter_pdf.messages import say, show, shown_path
from newsletter_pdf.resources import layout_names


def load(issue_dir: Path | str) -> Newsletter:
    """Read and validate one issue folder; raise ValidationProblems listing every problem."""
    issue_dir = Path(issue_dir).absolute()
    if not issue_dir.is_dir():
        raise UserError(say("not_a_folder", folder=shown_path(issue_dir)))
    issue_path = issue_dir / ISSUE_FILE
    if not issue_path.is_file():
        raise UserError(say("no_issue_yaml", folder=shown_path(issue_dir)))
    publication_path = find_publication_file(issue_dir)
    if publication_path is None:
        raise UserError(say("no_newsletter_yaml", folder=shown_path(issue_dir)))

    problems: list[Problem] = []
    notices: list[Problem] = []
    publication, brand = _load_publication(publication_path, problems, notices)
    issue, article_sources, bases = _load_issue(issue_path, problems, notices)
    if problems or publication is None or issue is None:
        problems.sort(
            key=lambda p: (str(p.location.file) != str(publication_path), str(p.location.file), p.location.line or 0)
        )
        raise ValidationProblems(problems)
    return Newsletter(
        publication=publication,
        issue=issue,
        issue_dir=str(issue_dir),
        publication_file=str(publication_path),
        source_files=(str(publication_path), str(issue_path), *article_sources),
        article_bases=tuple(str(b) for b in bases),
        brand=brand,
        notices=tuple(notices),
    )


def _load_publication(
    path: Path, problems: list[Problem], notices: list[Problem]
) -> tuple[Publication | None, BrandAssets]:
    source = read_yaml(path, problems)
    if source is None:
        return None, BrandAssets()
    locator = Locator(source)
    notices += content.strip_controls(source.data, locator)
    try:
        publication = Publication.model_validate(source.data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, Publication, locator))
        return None, BrandAssets()
    check_glyphs(publication_texts(publication), locator, problems)
    _check_about_images(publication, path.parent, locator, problems)
    _check_layout(publication.layout, locator, problems)
    if publication.layout_dir and loops(path.parent / publication.layout_dir):
        location, _ = locator.locate(("layout_dir",))
        problems.append(
            Problem(
                location, say("symlink_loop", path=publication.layout_dir), "layout_dir", show(publication.layout_dir)
            )
        )
    elif publication.layout_dir and not inside(path.parent / publication.layout_dir, path.parent):
        # Its folder becomes one WeasyPrint may read from: it must not open the rest of the disk.
        location, _ = locator.locate(("layout_dir",))
        problems.append(
            Problem(
                location,
                say("layout_dir_outside", path=publication.layout_dir, folder=shown_path(path.parent)),
                "layout_dir",
                show(publication.layout_dir),
            )
        )
    elif publication.layout_dir and not is_(Path.is_dir, path.parent / publication.layout_dir):
        location, _ = locator.locate(("layout_dir",))
        problems.append(
            Problem(
                location,
                say(
                    "missing_file", path=publication.layout_dir, tried=shown_path(path.parent / publication.layout_dir)
                ),
                "layout_dir",
                show(publication.layout_dir),
            )
        )
    _check_print_profile(publication, path, locator, problems)
    return publication, check_brand(publication, path, locator, problems)


def _check_layout(name: str | None, locator: Locator, problems: list[Problem]) -> None:
    """A layout named in newsletter.yaml or issue.yaml exists; if not, list those that do."""
    names = layout_names()
    if name is not None and name not in names:
        location, _ = locator.locate(("layout",))
        problems.append(
            Problem(location, say("unknown_layout", value=show(name), available=", ".join(names)), "layout", show(name))
        )


def _check_print_profile(publication: Publication, path: Path, locator: Locator, problems: list[Problem]) -> None:
    """print.profile must name a CMYK ICC profile beside newsletter.yaml (LittleCMS reads it to be sure)."""
    name = publication.print.profile
    if not name:
        return
    loc = ("print", "profile")
    target = path.parent / name
    if not is_(Path.is_file, target):
        message = say("missing_file", path=name, tried=target)
    else:
        from PIL import ImageCms

        try:
            space = ImageCms.getOpenProfile(str(target)).profile.xcolor_space.strip()
        except (OSError, ImageCms.PyCMSError):
            space = None
        if space == "CMYK":
            return
        message = say("not_cmyk_profile", path=name, space=space or "not an ICC profile")
    location, _ = locator.locate(loc)
    problems.append(Problem(location, message, "print.profile", show(name)))


def _check_about_images(publication: Publication, folder: Path, locator: Locator, problems: list[Problem]) -> None:
    """A picture in the About box: beside newsletter.yaml, checked and located like an article's."""
    loc = ("about", "body")
    problems += content.markdown_problems(publication.about.body, locator.locate(loc)[0], field_path(loc))
    for src in md.image_sources(publication.about.body):
        if "://" in src or src.startswith(("//", "data:")):
            location, _ = locator.locate(loc)
            problems.append(Problem(location, say("remote_image", value=show(src)), field_path(loc), show(src)))
        else:
            check_image(src, [folder], folder, loc, locator, problems, percent_encoded=True)


def _load_issue(
    path: Path, problems: list[Problem], notices: list[Problem]
) -> tuple[Issue | None, list[str], list[Path]]:
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
    notices += content.strip_controls(data, locator)
    failed = {i for i, a in enumerate(raw_articles) if a is None} if isinstance(raw_articles, list) else set()
    try:
        issue = Issue.model_validate(data)
    except ValidationError as exc:
        # Articles whose file could not be read are reported already.
        problems.extend(
            p
            for p in problems_from(exc, Issue, locator)
            if not any(p.field.startswith(f"articles[{i}]") for i in failed)
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
    _check_layout(issue.layout, locator, problems)
    for index, article in enumerate(articles):
        check_glyphs(article_texts(index, article), locator, problems)
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
    refusal = None
    if loops(article_path):
        refusal = say("symlink_loop", path=ref.file)
    elif not inside(article_path, folder):
        refusal = say("outside_issue", path=ref.file, folder=shown_path(folder))
    elif not is_(Path.is_file, article_path):
        refusal = say("missing_file", path=ref.file, tried=shown_path(article_path))
    if refusal is not None:
        problems.append(Problem(location, refusal, field_path((*loc, "file")), ref.file))
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


def _sub_locator(locator: Locator, loc: tuple) -> Locator:
    """A locator for a value nested at loc, so that its own errors get the right lines."""
    return Locator(locator.root, locator.grafts, prefix=loc)


def _check_article(
    article: Article, index: int, base: Path, folder: Path, locator: Locator, problems: list[Problem]
) -> Article:
    """Files named by an article exist, stay inside the issue folder and are images."""
    loc = ("articles", index)
    problems += content.markdown_problems(article.body, locator.locate((*loc, "body"))[0], field_path((*loc, "body")))
    image = article.image
    if image is not None:
        # From the article's folder, then the issue's: images/ beside issue.yaml works from articles/x.md too.
        resolved = check_image(image.src, [base, folder], folder, (*loc, "image"), locator, problems)
        if resolved is not None:
            image = image.model_copy(update={"src": str(resolved)})
    for src in md.image_sources(article.body):
        if "://" in src or src.startswith(("//", "data:")):
            location, _ = locator.locate((*loc, "body"))
            problems.append(
                Problem(location, say("remote_image", value=show(src)), field_path((*loc, "body")), show(src))
            )
        else:
            check_image(src, [base], folder, (*loc, "body"), locator, problems, percent_encoded=True)
    return article.model_copy(update={"image": image})


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
    assert source is not None, "a loaded issue parses again"
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
