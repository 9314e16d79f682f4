"""The validated shape of a publication, an issue and its articles (strict, self-describing)."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import string
import unicodedata
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model

from newsletter_pdf.input.brand import BrandAssets
from newsletter_pdf.input.fieldtypes import Email, Strict, Text, Title, WebUrl, isolate_bidi
from newsletter_pdf.input.settings import Brand, BrandFonts, Distribution, PrintSettings, RenderingIntent, Smtp
from newsletter_pdf.messages import label_catalogue

__all__ = ["Brand", "BrandFonts", "Distribution", "PrintSettings", "RenderingIntent", "Smtp", "Strict"]

_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _language(value: str) -> str:
    if not _LANG.match(value):
        raise ValueError("must be a language tag such as en, de or pt-BR")
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ValueError("is not a language CLDR knows; use a tag such as en, fa, sq or pt-BR") from None
    return value


def _label_placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"{"}


def _label_check(key: str, english: str):
    wanted = _label_placeholders(english)

    def check(value: str | None) -> str | None:
        if value is None:
            return None
        found = _label_placeholders(value)
        if found != wanted:
            names = ", ".join("{" + n + "}" for n in sorted(wanted)) or "no {placeholders}"
            raise ValueError(f"must keep {names}, as in the English label {english!r}")
        return value

    return check


def _labels_model() -> type[BaseModel]:
    """labels: in newsletter.yaml: one optional text per label of labels/en.yaml (unknown keys are errors)."""
    english = label_catalogue("en") or {}
    fields: dict[str, Any] = {
        key: (
            Annotated[str | None, AfterValidator(_label_check(key, text))],
            Field(default=None, description=f"Replaces the label {text!r}."),
        )
        for key, text in english.items()
    }
    return create_model("Labels", __base__=Strict, __doc__="Labels printed in every issue, in your words.", **fields)


def slug_of(name: str) -> str:
    """A file-name-safe form of a name in any script: transliterated (Le Petit Écho -> le-petit-echo,
    خبرنامه -> khbrnmh), else its letters and digits kept as they are, never a generic word."""
    from anyascii import anyascii

    ascii_name = anyascii(unicodedata.normalize("NFC", name))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if slug:
        return slug
    kept = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", name).casefold()).strip("-")
    return kept or "u" + "-".join(f"{ord(c):x}" for c in name.strip())[:40]


Labels = _labels_model()


class PageSize(str, Enum):
    A4 = "A4"
    A5 = "A5"
    Letter = "Letter"
    Legal = "Legal"


class About(Strict):
    """The About box: who publishes the newsletter and why."""

    title: Title = Field(description="Heading of the About box, e.g. 'About the Riverside Society'.")
    body: Text = Field(description="Markdown: paragraphs, emphasis and lists (e.g. the society's aims).")


class Address(Strict):
    """The address block that closes every issue."""

    lines: list[Text] = Field(min_length=1, description="Postal address, one line per item.")
    email: Email | None = Field(default=None, description="Contact email address.")
    phone: str | None = Field(default=None, description="Contact telephone number, as it should be printed.")
    website: WebUrl | None = Field(default=None, description="Web site, starting with https://.")


class Publication(Strict):
    """newsletter.yaml: the publication every issue belongs to."""

    name: Title = Field(description="Name of the newsletter, printed in the masthead and footer.")
    tagline: str | None = Field(default=None, description="One line under the name in the masthead.")
    language: Annotated[str, AfterValidator(_language)] = Field(
        default="en",
        description="BCP 47 language tag: the language of labels, dates and digits, hyphenation and, "
        "for fa, ar, he and ur, right-to-left pages.",
    )
    direction: Literal["ltr", "rtl"] | None = Field(
        default=None, description="ltr or rtl: overrides the direction the language is written in."
    )
    digits: Literal["latin", "native"] | None = Field(
        default=None,
        description="latin (0-9) or native (e.g. Persian ۰-۹) digits in dates and page numbers; "
        "default: the language's custom (CLDR).",
    )
    labels: Labels | None = Field(  # type: ignore[valid-type]
        default=None, description="Your own words for any printed label (e.g. contents_title: What's on)."
    )
    layout: str = Field(default="classic", description="Layout used for the issues unless a build names another.")
    layout_dir: str | None = Field(
        default=None,
        description="A folder (relative to newsletter.yaml) whose templates and CSS override the layout's.",
    )
    page_size: PageSize = Field(default=PageSize.A4, description="Paper size: A4, A5, Letter or Legal.")
    slug: str | None = Field(
        default=None,
        pattern=_SLUG.pattern,
        description="Short lowercase name used in output file names; derived from the name when absent.",
    )
    new_volume_each_year: bool = Field(
        default=True, description="`newsletter-pdf new`: start a new volume with the first issue of a year."
    )
    restart_numbers_each_volume: bool = Field(
        default=False, description="`newsletter-pdf new`: number issues from 1 again in each new volume."
    )
    brand: Brand = Field(
        default_factory=Brand, description="Logo, accent colour, fonts and theme: make the newsletter yours."
    )
    about: About = Field(description="The About box printed in every issue.")
    address: Address = Field(description="The address block printed at the end of every issue.")
    distribution: Distribution | None = Field(
        default=None, description="The email edition (`newsletter-pdf mail`): headers and the mail server."
    )
    print: PrintSettings = Field(
        default_factory=PrintSettings,
        description="How the print PDF is prepared for the press: colour profile, ink limit, bleed, crop marks.",
    )


class Image(Strict):
    """A picture placed with an article."""

    src: Text = Field(description="Path of the image file, relative to the file that names it.")
    alt: str = Field(default="", description="Text read aloud in place of the picture (accessibility).")
    caption: str | None = Field(default=None, description="Caption printed under the picture.")
    credit: str | None = Field(default=None, description="Photographer or source, printed after the caption.")


def _image_shorthand(value: object) -> object:
    """`image: x.jpg` is short for `image: {src: x.jpg}`."""
    return {"src": value} if isinstance(value, str) else value


class ArticleFields(Strict):
    """The fields of an article that can stand in YAML front matter."""

    title: Title = Field(description="Headline of the article.")
    short_title: Annotated[str | None, AfterValidator(isolate_bidi)] = Field(
        default=None, description="Shorter line shown in the 'Inside this issue' box instead of the title."
    )
    date: dt.date | None = Field(default=None, description="Date of the article, YYYY-MM-DD.")
    author: str | None = Field(default=None, description="Byline: who wrote it.")
    source: WebUrl | None = Field(
        default=None, description="Web address of the full story, printed as a 'read more' link."
    )
    image: Annotated[Image | None, BeforeValidator(_image_shorthand, json_schema_input_type=Image | str | None)] = (
        Field(default=None, description="A picture: a path, or {src, alt, caption, credit}.")
    )

    kind: Literal["article", "box"] = Field(
        default="article", description="'box' sets the article apart in a tinted sidebar box (notices, diaries)."
    )
    lead: bool = Field(
        default=False,
        description="The lead story: opens page 1 with the largest headline (otherwise the first article leads).",
    )
    pull_quote: str | None = Field(
        default=None, description="A line from the article, printed large inside it to catch the eye."
    )
    jump_after: int | None = Field(
        default=None,
        ge=1,
        description="Print only the first N blocks (paragraphs, lists, quotes) here, with 'Continued on page N', "
        "and the rest after the other articles.",
    )


class Article(ArticleFields):
    """One article, in reading order."""

    body: str = Field(default="", description="Markdown: subheadings, emphasis, lists, block quotes, links.")


class ArticleFile(Strict):
    """An article kept in its own Markdown file with YAML front matter."""

    file: Text = Field(description="Path of the Markdown file, relative to issue.yaml.")


def _month(value: object) -> str:
    if isinstance(value, dt.date):
        raise ValueError("must be a month, written YYYY-MM (e.g. 2025-11), not a full date")
    if not isinstance(value, str) or not _MONTH.match(value):
        raise ValueError("must be a month, written YYYY-MM (e.g. 2025-11)")
    return value


class IssueHeader(Strict):
    date: Annotated[str, BeforeValidator(_month, json_schema_input_type=str)] = Field(
        description="Month of the issue, YYYY-MM (e.g. 2025-11)."
    )
    volume: int = Field(ge=1, strict=True, description="Volume number, a whole number from 1.")
    number: int = Field(ge=1, strict=True, description="Issue number, a whole number from 1.")
    layout: str | None = Field(
        default=None,
        description="Layout of this issue, instead of the publication's; its output names then carry the layout.",
    )


class Issue(IssueHeader):
    """issue.yaml after every article file has been read: one issue of the publication."""

    pages: int | None = Field(
        default=None,
        ge=1,
        description="Number of pages the issue must fill exactly (print shops fold sheets in fours: 4, 8, 12).",
    )

    articles: list[Article] = Field(min_length=1, description="The articles, in reading order.")

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def month(self) -> int:
        return int(self.date[5:7])

    @property
    def month_name(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"


class IssueFile(IssueHeader):
    """issue.yaml as the editor writes it: articles inline or as files."""

    pages: int | None = Field(
        default=None,
        ge=1,
        description="Number of pages the issue must fill exactly (print shops fold sheets in fours: 4, 8, 12).",
    )

    articles: list[Article | ArticleFile] = Field(
        min_length=1, description="The articles in reading order: inline, or {file: articles/x.md}."
    )


class Newsletter(BaseModel):
    """Everything one build needs: the publication, the issue and where they came from."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    publication: Publication
    issue: Issue
    issue_dir: str = Field(description="Absolute path of the issue folder.")
    publication_file: str
    source_files: tuple[str, ...] = Field(description="Every file the issue was read from.")
    article_bases: tuple[str, ...] = Field(description="For each article, the folder its relative paths start from.")
    brand: BrandAssets = Field(default_factory=BrandAssets, description="The brand resolved: colours, fonts, logo.")

    @property
    def publication_dir(self) -> str:
        return os.path.dirname(self.publication_file)

    notices: tuple = Field(default=(), description="Located warnings from reading the files (Problem each).")

    def watched_paths(self) -> tuple[str, ...]:
        """Files and folders whose change changes this issue: its folder, its sources, images, layout_dir."""
        paths = [self.issue_dir, *self.source_files]
        paths += [a.image.src for a in self.issue.articles if a.image is not None]
        paths += list(self.brand.files)
        if self.publication.layout_dir:
            paths.append(os.path.join(os.path.dirname(self.publication_file), self.publication.layout_dir))
        return tuple(dict.fromkeys(paths))

    @property
    def slug(self) -> str:
        if self.publication.slug:
            return self.publication.slug
        return slug_of(self.publication.name)

    @property
    def title(self) -> str:
        i = self.issue
        return f"{self.publication.name} — {i.month_name}, Vol. {i.volume} No. {i.number}"
