"""Models + layout -> one HTML document (Jinja2, autoescaped)."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import smartypants
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
# A contents entry needs room for a gap, three leader dots and the page number.
CONTENTS_ENTRY_EXTRA = 5
# A link or unbroken run this long leaves wide gaps in a justified line: its paragraph is set ragged.
RAGGED_RUN = 28


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
    # A box that runs on: the part set as a second box, under its heading again.
    box_rest_html: str = ""
    # Boxes may split where they fall (the layout pass that finds where they would run on).
    box_open: bool = False

    @property
    def continuation_id(self) -> str:
        return f"{self.id}-continued"

    def __getattr__(self, name: str):
        return getattr(self.article, name)

    @property
    def contents_title(self) -> str:
        return self.article.short_title or self.article.title

    def contents_lines(self, line_max: int) -> int:
        """Lines this entry takes in the contents box (an estimate from its length)."""
        return math.ceil((len(self.contents_title) + CONTENTS_ENTRY_EXTRA) / line_max)


@dataclass(frozen=True)
class ContentsView:
    """The entries the 'Inside this issue' box lists, and how many more it only counts."""

    entries: list[ArticleView]
    more: int


def contents_view(views: list[ArticleView], layout: Layout) -> ContentsView:
    """All entries when they fit the layout's contents.max_lines, else the leading ones and a count."""
    budget, line_max = layout.contents.max_lines, layout.contents_line_max
    if sum(view.contents_lines(line_max) for view in views) <= budget:
        return ContentsView(views, 0)
    kept: list[ArticleView] = []
    used = 1  # the "and N more inside" line
    for view in views:
        used += view.contents_lines(line_max)
        if used > budget:
            break
        kept.append(view)
    return ContentsView(kept, len(views) - len(kept))


_SMART = smartypants.Attr.q | smartypants.Attr.u  # quotes and apostrophes only, as Unicode characters
_NOT_PROSE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|[/#.]|\S*@\S*$)", re.IGNORECASE)


def smart_quotes(text: str) -> str:
    """Straight quotes and apostrophes in a plain text field -> curly ones (bodies get them from Markdown)."""
    if ("'" not in text and '"' not in text) or _NOT_PROSE.match(text):
        return text
    return smartypants.smartypants(text, _SMART)


def _finalize(value):
    """Every plain string a template prints gets curly quotes (Markup, numbers and addresses are left as they are)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return smart_quotes(value)
    return value


_TAG = re.compile(r"(<[^>]*>)")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
# A paragraph of bold words only ("**December**") reads as a subheading: it keeps with what follows.
_BOLD_LINE = re.compile(r"<p>(<strong>[^<]*</strong>)</p>")
_LINK = re.compile(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_LONG_RUN = re.compile(r"\S{" + str(RAGGED_RUN) + ",}")


def _is_ragged(paragraph: str) -> bool:
    links = _LINK.findall(paragraph)
    if any(len(href) >= RAGGED_RUN or len(_TAG.sub("", text)) >= RAGGED_RUN for href, text in links):
        return True
    return bool(_LONG_RUN.search(_TAG.sub(" ", paragraph)))


def typeset(body_html: str) -> str:
    """Body HTML made ready for justified columns: bold-only lines marked as subheadings, and
    paragraphs carrying a long address set ragged.

    (Capitalised words are not wrapped to keep them unhyphenated: in WeasyPrint 70 an inline
    element in a justified, hyphenated paragraph can leave a line holding one word, measured on
    generated issues. hyphenate-limit-chars in base.css.j2 keeps short names and acronyms whole.)
    """
    html = _BOLD_LINE.sub(r'<p class="heading-line">\1</p>', body_html)
    return _PARAGRAPH.sub(
        lambda m: f'<p class="ragged">{m.group(1)}</p>' if _is_ragged(m.group(1)) else m.group(0), html
    )


_FIRST_LETTER = re.compile(r"^(\s*<p[^>]*>)([“‘\"']?[^\W\d_])", re.UNICODE)


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


def no_lone_last_word(title: str) -> str:
    """Tie a headline's last two words together, so it never ends on a single short word."""
    words = title.split(" ")
    if len(words) < 3 or len(words[-1]) > 12 or len(words[-2]) > 12:
        return title
    return " ".join(words[:-1]) + "\u00a0" + words[-1]


def display_url(url: str) -> str:
    """https://example.org/ -> example.org: how a web address reads in print."""
    parts = urlsplit(url)
    text = parts.netloc + parts.path.rstrip("/")
    return text + (f"?{parts.query}" if parts.query else "")


def environment(search_path: tuple[str, ...]) -> jinja2.Environment:
    """The sandboxed Jinja2 environment over the layout's search path (own folder, layout, base)."""
    env = sandboxed_environment(search_path)
    env.finalize = _finalize  # curly quotes in every plain field (SmartyPants)
    env.filters["display_url"] = display_url
    env.filters["no_lone_last_word"] = no_lone_last_word
    env.filters["drop_cap"] = drop_cap
    env.filters["qr_code"] = qr_code
    return env


def _image(image: Image | None) -> PlacedImage | None:
    if image is None:
        return None
    return PlacedImage(src=image.src, alt=image.alt, caption=image.caption, credit=image.credit)


def reading_order(articles: list[Article]) -> list[int]:
    """Article indexes in print order: the lead story (`lead: true`, else the first) opens the issue."""
    lead = next((index for index, article in enumerate(articles) if article.lead), 0)
    return [lead, *(index for index in range(len(articles)) if index != lead)]


def article_views(
    newsletter: Newsletter,
    jumps: dict[int, int] | None = None,
    layout: Layout | None = None,
    boxes: dict[int, int] | None = None,
    open_boxes: bool = False,
) -> list[ArticleView]:
    """Each article ready for the templates, lead first; `jumps` (article index -> blocks kept) adds to jump_after.

    A single-column layout never jumps: "Continued on page 13" on page 7 of one column only sends the
    reader past text they were about to read anyway.
    """
    t = localiser(newsletter.publication)
    views = []
    articles, bases = newsletter.issue.articles, newsletter.article_bases
    jumping = layout is None or layout.columns > 1
    for number, index in enumerate(reading_order(articles), start=1):
        article, base = articles[index], bases[index]
        keep = (article.jump_after or (jumps or {}).get(index)) if jumping else None
        box_keep = (boxes or {}).get(index) if article.kind == "box" and not keep else None
        cut = keep or box_keep
        first, rest = md.split_blocks(article.body, cut) if cut else (article.body, "")
        box_rest, rest = (rest, "") if box_keep else ("", rest)
        before, after = first, ""
        if article.pull_quote:
            # After the second block, where a reader is drawn into the story (or the last one).
            before, after = md.split_blocks(first, min(QUOTE_AFTER_BLOCKS, max(1, md.block_count(first) - 1)))
        views.append(
            ArticleView(
                id=f"article-{index + 1}",
                number=number,
                article=article,
                body_html=typeset(t.isolate_links(md.render(before, Path(base)))),
                image=_image(article.image),
                continuation_html=typeset(t.isolate_links(md.render(rest, Path(base)))) if rest.strip() else "",
                after_quote_html=typeset(t.isolate_links(md.render(after, Path(base)))) if after.strip() else "",
                date_text=t.date(article.date) if article.date else "",
                box_rest_html=typeset(t.isolate_links(md.render(box_rest, Path(base)))) if box_rest.strip() else "",
                box_open=open_boxes,
            )
        )
    return views


def render_html(
    newsletter: Newsletter,
    layout: Layout,
    jumps: dict[int, int] | None = None,
    fit=None,
    boxes: dict[int, int] | None = None,
    open_boxes: bool = False,
) -> str:
    """The whole issue as one HTML string, ready for WeasyPrint.

    jumps: articles the layout decided to continue later (index -> blocks kept);
    fit: adjustments made to reach the issue's page count (see fitting.py);
    boxes: boxes that run on, set as two (index -> blocks in the first);
    open_boxes: let boxes split where they fall, to find where they would run on (jumps.decide_boxes).
    """
    from newsletter_pdf.distribute.panel import panel_context

    publication, issue = newsletter.publication, newsletter.issue
    t = localiser(publication)
    month = t.month(issue.year, issue.month)
    folio_pieces, folio_content = t.counters("page_of", "folio")
    views = article_views(newsletter, jumps, layout, boxes, open_boxes)
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
        articles=views,
        contents=contents_view(views, layout),
        fit=fit,
        about_html=typeset(
            t.isolate_links(md.render(publication.about.body, Path(newsletter.publication_file).parent))
        ),
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
