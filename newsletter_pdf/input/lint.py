"""Content checks that are not errors: alt text, image resolution, long contents lines, empty or template text,
http:// links."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from newsletter_pdf import markdown as md
from newsletter_pdf.errors import Location, Problem
from newsletter_pdf.input.models import Newsletter
from newsletter_pdf.limits import PRINT_MIN_DPI
from newsletter_pdf.messages import label_catalogue, label_language, messages

if TYPE_CHECKING:  # the layout is passed in; input/ never imports render/ at run time
    from newsletter_pdf.render.layouts import Layout

PAGE_WIDTHS_MM = {"A4": 210.0, "A5": 148.0, "Letter": 215.9, "Legal": 215.9}
_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": 25.4 / 96}


def _mm(length: str, font_size_mm: float = 3.5) -> float:
    match = re.match(r"^([\d.]+)([a-z]+)$", length)
    if match is None:
        raise ValueError(f"not a CSS length: {length!r}")
    number, unit = match.groups()
    if unit in ("em", "rem"):
        return float(number) * font_size_mm
    return float(number) * _MM[unit]


def column_width_mm(newsletter: Newsletter, layout: Layout) -> float:
    """The width of one text column, where an in-column picture is placed full width."""
    page = PAGE_WIDTHS_MM[newsletter.publication.page_size.value]
    text = page - _mm(layout.margins.inside) - _mm(layout.margins.outside)
    return (text - (layout.columns - 1) * _mm(layout.column_gap)) / layout.columns


def _say(key: str, **values) -> str:
    return messages()["lint"][key].format(**values)


def lint(newsletter: Newsletter, layout: Layout, locator_for) -> list[Problem]:
    """Warnings about the content of a valid issue, each located like an error."""
    from PIL import Image

    from newsletter_pdf.input.content import content_warnings

    found: list[Problem] = content_warnings(newsletter, locator_for)
    column_mm = column_width_mm(newsletter, layout)
    for index, article in enumerate(newsletter.issue.articles):
        loc = ("articles", index)
        where = locator_for(loc)
        if article.image is not None:
            image_where = locator_for((*loc, "image"))
            if not article.image.alt.strip():
                found.append(
                    Problem(
                        image_where, _say("no_alt", src=Path(article.image.src).name), f"articles[{index}].image.alt"
                    )
                )
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    with Image.open(article.image.src) as picture:
                        width_px = picture.width
            except Exception:  # the loader reports unreadable images
                width_px = None
            if width_px:
                dpi = width_px / (column_mm / 25.4)
                if dpi < PRINT_MIN_DPI:
                    found.append(
                        Problem(
                            image_where,
                            _say(
                                "low_dpi",
                                src=Path(article.image.src).name,
                                dpi=math.floor(dpi),  # 299.8 is under 300: never "300 dpi, under 300"
                                width=round(column_mm),
                                need=round(PRINT_MIN_DPI * column_mm / 25.4),
                            ),
                            f"articles[{index}].image",
                        )
                    )
        line = article.short_title or article.title
        if len(line) > layout.contents_line_max:
            field = "short_title" if article.short_title else "title"
            found.append(
                Problem(
                    locator_for((*loc, field)),
                    _say("long_contents_line", length=len(line), max=layout.contents_line_max),
                    f"articles[{index}].{field}",
                    repr(line),
                )
            )
        found += _missing_characters(newsletter, index, where)
        if not article.body.strip():
            found.append(Problem(where, _say("empty_body", title=article.title), f"articles[{index}].body"))
        for href in dict.fromkeys(md.link_targets(article.body)):
            if href.startswith("http://"):
                found.append(
                    Problem(
                        locator_for((*loc, "body")), _say("insecure_link", href=href), f"articles[{index}].body", href
                    )
                )
        template = messages()["template"]
        if article.title == template["title"] or template["marker"] in article.body:
            found.append(Problem(where, _say("template_text", title=article.title), f"articles[{index}]"))
        if article.source and article.source.startswith("http://"):
            found.append(
                Problem(
                    locator_for((*loc, "source")), _say("insecure_source"), f"articles[{index}].source", article.source
                )
            )
    found.extend(untranslated_labels(newsletter))
    pages = newsletter.issue.pages
    if pages and pages % 4 and layout.fit.honour_pages:
        found.append(
            Problem(
                locator_for(("pages",)), _say("pages_not_folded", pages=pages, blank=4 - pages % 4), "pages", str(pages)
            )
        )
    leads = [index for index, article in enumerate(newsletter.issue.articles) if article.lead]
    for index in leads[1:]:
        first = newsletter.issue.articles[leads[0]].title
        found.append(
            Problem(
                locator_for(("articles", index, "lead")), _say("second_lead", first=first), f"articles[{index}].lead"
            )
        )
    return found


def untranslated_labels(newsletter: Newsletter) -> list[Problem]:
    """A language without translated labels: they print in English unless the editor wrote them all."""
    publication = newsletter.publication
    if label_language(publication.language) is not None:
        return []
    own: dict[str, str] = publication.labels.model_dump(exclude_none=True) if publication.labels else {}
    if set(own) >= set(label_catalogue("en") or {}):
        return []
    path = Path(newsletter.publication_file)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if text.startswith("language:")), None)
    return [
        Problem(
            Location(path, line, 1 if line else None),
            _say("untranslated_labels", language=publication.language),
            "language",
            publication.language,
        )
    ]


def _missing_characters(newsletter: Newsletter, index: int, where) -> list[Problem]:
    """Characters an article uses that the publication's own body or heading font lacks (another font would
    draw them)."""
    from newsletter_pdf.input.brand_fonts import missing_characters

    brand, article = newsletter.brand, newsletter.issue.articles[index]
    found = []
    texts = {"body": article.body + (article.pull_quote or ""), "headings": article.title + (article.short_title or "")}
    for role, family in (("body", brand.body_family), ("headings", brand.heading_family)):
        missing = missing_characters(brand.faces, family or "", texts[role])
        if missing:
            shown = " ".join(missing[:12]) + (" ..." if len(missing) > 12 else "")
            message = _say("missing_glyphs", family=family, role=role, chars=shown)
            found.append(Problem(where, message, f"articles[{index}]"))
    return found
