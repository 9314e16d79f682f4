"""Models + layout -> one HTML document (Jinja2, autoescaped)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from newsletter_pdf import __version__
from newsletter_pdf import markdown as md
from newsletter_pdf.fonts import FontFace, family_stack, font_faces
from newsletter_pdf.input.models import Article, Image, Newsletter
from newsletter_pdf.render.labels import localiser
from newsletter_pdf.render.layouts import Layout
from newsletter_pdf.render.templates import render_template, sandboxed_environment

__all__ = ["FontFace", "font_faces", "render_html"]

ENTRY_TEMPLATE = "issue.html.j2"
QUOTE_AFTER_BLOCKS = 2
PAGE_SIZES = {"A4": "A4", "A5": "A5", "Letter": "letter", "Legal": "legal"}


@dataclass(frozen=True)
class PlacedImage:
    src: str
    alt: str
    caption: str | None
    credit: str | None

    @property
    def uri(self) -> str:
        return Path(self.src).as_uri()


@dataclass(frozen=True)
class ArticleView:
    """What a template needs of one article, with its Markdown already rendered."""

    id: str
    number: int
    article: Article
    body_html: str
    image: PlacedImage | None
    # The part after a jump, printed after the other articles ("Continued from page N").
    continuation_html: str = ""
    # With a pull quote: the body after it (body_html is the part before).
    after_quote_html: str = ""
    # The article's date in the publication's language ('3 nëntor 2025').
    date_text: str = ""

    @property
    def continuation_id(self) -> str:
        return f"{self.id}-continued"

    def __getattr__(self, name: str):
        return getattr(self.article, name)

    @property
    def contents_title(self) -> str:
        return self.article.short_title or self.article.title


_FIRST_LETTER = re.compile(r"^(\s*<p>)([“‘\"']?[^\W\d_])", re.UNICODE)


def drop_cap(body_html: str) -> Markup:
    """Wrap the first letter of the first paragraph (with an opening quote) for a drop cap."""
    return Markup(_FIRST_LETTER.sub(r'\1<span class="drop-cap-letter">\2</span>', body_html, count=1))


@functools.lru_cache(maxsize=256)
def qr_code(url: str) -> str:
    """A QR code of the URL as an SVG data URI, printed beside 'read more' links (paper has no links).

    '' for an address too long for any QR code: the address is printed alone.
    """
    import segno
    from segno import DataOverflowError

    try:
        return segno.make(url, error="m").svg_data_uri(border=0, dark="#000000")
    except DataOverflowError:
        return ""


def display_url(url: str) -> str:
    """https://example.org/ -> example.org: how a web address reads in print."""
    parts = urlsplit(url)
    text = parts.netloc + parts.path.rstrip("/")
    return text + (f"?{parts.query}" if parts.query else "")


def environment(search_path: tuple[str, ...]) -> jinja2.Environment:
    """The sandboxed Jinja2 environment over the layout's search path (own folder, layout, base)."""
    env = sandboxed_environment(search_path)
    env.filters["display_url"] = display_url
    env.filters["drop_cap"] = drop_cap
    env.filters["qr_code"] = qr_code
    return env


def _image(image: Image | None) -> PlacedImage | None:
    if image is None:
        return None
    return PlacedImage(src=image.src, alt=image.alt, caption=image.caption, credit=image.credit)


def article_views(newsletter: Newsletter, jumps: dict[int, int] | None = None) -> list[ArticleView]:
    """Each article ready for the templates; `jumps` (article index -> blocks kept) adds to jump_after."""
    t = localiser(newsletter.publication)
    views = []
    pairs = zip(newsletter.issue.articles, newsletter.article_bases, strict=True)
    for index, (article, base) in enumerate(pairs):
        keep = article.jump_after or (jumps or {}).get(index)
        first, rest = md.split_blocks(article.body, keep) if keep else (article.body, "")
        before, after = first, ""
        if article.pull_quote:
            # After the second block, where a reader is drawn into the story (or the last one).
            before, after = md.split_blocks(first, min(QUOTE_AFTER_BLOCKS, max(1, md.block_count(first) - 1)))
        views.append(
            ArticleView(
                id=f"article-{index + 1}",
                number=index + 1,
                article=article,
                body_html=t.isolate_links(md.render(before, Path(base))),
                image=_image(article.image),
                continuation_html=t.isolate_links(md.render(rest, Path(base))) if rest.strip() else "",
                after_quote_html=t.isolate_links(md.render(after, Path(base))) if after.strip() else "",
                date_text=t.date(article.date) if article.date else "",
            )
        )
    return views


def render_html(newsletter: Newsletter, layout: Layout, jumps: dict[int, int] | None = None, fit=None) -> str:
    """The whole issue as one HTML string, ready for WeasyPrint.

    jumps: articles the layout decided to continue later (index -> blocks kept);
    fit: adjustments made to reach the issue's page count (see fitting.py).
    """
    from newsletter_pdf.distribute.panel import panel_context

    publication, issue = newsletter.publication, newsletter.issue
    t = localiser(publication)
    month = t.month(issue.year, issue.month)
    folio_pieces, folio_content = t.counters("page_of", "folio")
    return render_template(
        environment(layout.search_path),
        ENTRY_TEMPLATE,
        t=t,
        month=month,
        folio_pieces=folio_pieces,
        folio_content=folio_content,
        body_fonts=css_families(family_stack(layout.fonts.body, "serif", t.script)),
        heading_fonts=css_families(family_stack(layout.fonts.headings, "sans", t.script)),
        hyphenate=hyphenates(publication.language),
        publication=publication,
        brand=newsletter.brand,
        issue=issue,
        articles=article_views(newsletter, jumps),
        fit=fit,
        about_html=t.isolate_links(md.render(publication.about.body, Path(newsletter.publication_file).parent)),
        layout=layout,
        fonts=font_faces(),
        page_size=PAGE_SIZES[publication.page_size.value],
        title=t.label("title", name=publication.name, month=month, volume=issue.volume, number=issue.number),
        issue_timestamp=f"{issue.date}-01T00:00:00Z",
        version=__version__,
        mailing_panel=panel_context(publication, layout),
    )


def css_families(families: Iterable[str]) -> Markup:
    """Family names as a CSS list ("Noto Naskh Arabic", "Noto Serif"); names are validated words."""
    return Markup(", ".join(f'"{family}"' for family in families))


@functools.cache
def hyphenates(language: str) -> bool:
    """Whether words of this language can be hyphenated (pyphen, WeasyPrint's hyphenator, has a dictionary)."""
    import pyphen

    return pyphen.language_fallback(language.replace("-", "_")) is not None


def render_print_css(layout: Layout, cmyk_profile_uri: str, bleed: str, **press) -> str:
    """The stylesheet added to the print pass: bleed, CMYK output intent, and `press` values
    (cmyk_colors, reach: see outputs/print_job.py)."""
    return render_template(
        environment(layout.search_path),
        "print.css.j2",
        layout=layout,
        cmyk_profile_uri=cmyk_profile_uri,
        bleed=bleed,
        **{"cmyk_colors": {}, "reach": {}, **press},
    )
