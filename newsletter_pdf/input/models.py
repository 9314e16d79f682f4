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
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model

from newsletter_pdf.messages import label_catalogue

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError("must be a web address starting with http:// or https://")
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("must be an email address such as info@example.org")
    return value


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


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


WebUrl = Annotated[str, AfterValidator(_web_url)]
Email = Annotated[str, AfterValidator(_email)]
Text = Annotated[str, AfterValidator(_not_blank)]


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


class Strict(BaseModel):
    """Base for every input model: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


Labels = _labels_model()


class PageSize(str, Enum):
    A4 = "A4"
    A5 = "A5"
    Letter = "Letter"
    Legal = "Legal"


class About(Strict):
    """The About box: who publishes the newsletter and why."""

    title: Text = Field(description="Heading of the About box, e.g. 'About the Riverside Society'.")
    body: Text = Field(description="Markdown: paragraphs, emphasis and lists (e.g. the society's aims).")


class Address(Strict):
    """The address block that closes every issue."""

    lines: list[Text] = Field(min_length=1, description="Postal address, one line per item.")
    email: Email | None = Field(default=None, description="Contact email address.")
    phone: str | None = Field(default=None, description="Contact telephone number, as it should be printed.")
    website: WebUrl | None = Field(default=None, description="Web site, starting with https://.")


_BLEED = re.compile(r"^(\d+(\.\d+)?)(mm|pt|in)$")
POINTS_PER = {"mm": 72 / 25.4, "pt": 1.0, "in": 72.0}
MAX_BLEED_PT = 10 * 72 / 25.4


def _bleed(value: str) -> str:
    match = _BLEED.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError("must be a length such as 3mm, 8.5pt or 0.125in")
    if float(match.group(1)) * POINTS_PER[match.group(3)] > MAX_BLEED_PT:
        raise ValueError("must be at most 10mm (printers ask for 3mm to 5mm)")
    return value.strip()


class RenderingIntent(str, Enum):
    relative = "relative-colorimetric"
    perceptual = "perceptual"


class PrintSettings(Strict):
    """newsletter.yaml `print:`: how the print PDF is finished for the press (colour, ink, bleed, marks).

    Every field has a default, so `print:` may be left out; further finishing settings join here.
    """

    profile: str | None = Field(
        default=None,
        description="CMYK ICC profile of the press (relative to newsletter.yaml), used for the PDF/X output "
        "intent and to convert colours and pictures; Ghostscript's default CMYK profile when absent.",
    )
    ink_limit: int = Field(
        default=300,
        ge=200,
        le=400,
        description="Highest total area coverage (C+M+Y+K, in %) the printer accepts; pictures are held under it "
        "and every page is measured against it.",
    )
    rendering_intent: RenderingIntent = Field(
        default=RenderingIntent.relative,
        description="How colours are mapped into the press's gamut: relative-colorimetric (with black-point "
        "compensation; keeps in-gamut colours exact) or perceptual (often better for photographs).",
    )
    bleed: Annotated[str, AfterValidator(_bleed)] = Field(
        default="3mm", description="How far backgrounds and pictures that touch the trim edge run past it."
    )
    marks: bool = Field(default=True, description="Crop marks in a slug outside the bleed.")
    mailing_panel: bool = Field(
        default=False,
        description="Reserve the lower third of the back page for a return address, a postage box and "
        "the recipient's address (a self-mailer).",
    )

    @property
    def bleed_pt(self) -> float:
        match = _BLEED.match(self.bleed)
        assert match is not None  # validated
        return float(match.group(1)) * POINTS_PER[match.group(3)]


def _mailbox(value: str) -> str:
    """'Name <address>' or a bare address."""
    from email.utils import parseaddr

    _, address = parseaddr(value)
    if not address or not _EMAIL.match(address) or value.count("@") != 1:
        raise ValueError("must be an email address, alone or as 'Name <info@example.org>'")
    return value


def _unsubscribe(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme == "mailto" and _EMAIL.match(parts.path):
        return value
    if parts.scheme == "https" and parts.netloc and " " not in value:
        return value
    raise ValueError("must be a web address starting with https:// or a mailto: address")


SUBJECT_FIELDS = ("name", "month", "volume", "number")


def _subject(value: str) -> str:
    import string

    try:
        names = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
    except ValueError as exc:
        raise ValueError(f"is not a valid template ({exc}); write placeholders as {{name}} or {{month}}") from None
    unknown = sorted(names - set(SUBJECT_FIELDS))
    if unknown:
        raise ValueError(f"may use only {', '.join('{' + f + '}' for f in SUBJECT_FIELDS)}, not {{{unknown[0]}}}")
    return value


Mailbox = Annotated[str, AfterValidator(_mailbox)]


class Smtp(Strict):
    """The mail server `newsletter-pdf mail --send` sends through. The password never stands in a file."""

    host: Text = Field(description="Name of the mail server, e.g. smtp.example.org.")
    port: int | None = Field(
        default=None, ge=1, le=65535, description="Port; 587 for starttls, 465 for tls, 25 for none when absent."
    )
    security: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description="starttls or tls (required), or none, which is accepted only for a server on this machine.",
    )
    username: str | None = Field(default=None, description="Login name; the password comes from password_env.")
    password_env: str = Field(
        default="NEWSLETTER_PDF_SMTP_PASSWORD",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable holding the password (never the password itself).",
    )
    per_minute: int = Field(default=30, ge=1, le=6000, description="Rate limit: most messages sent a minute.")

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "tls": 465, "none": 25}[self.security]


class Distribution(Strict):
    """newsletter.yaml `distribution:`: the email edition's headers, and the mail server for sending it."""

    model_config = ConfigDict(populate_by_name=True)

    sender: Annotated[Mailbox, Field(alias="from")] = Field(
        description="From: 'Name <address>' or an address.",
    )
    reply_to: Mailbox | None = Field(default=None, description="Reply-To: where replies go, when not to From.")
    unsubscribe: Annotated[str, AfterValidator(_unsubscribe)] | None = Field(
        default=None, description="List-Unsubscribe: an https:// address or a mailto: address."
    )
    subject: Annotated[str, AfterValidator(_subject)] = Field(
        default="{name}, {month}",
        description="Subject line; may use {name}, {month} (e.g. November 2025), {volume} and {number}.",
    )
    smtp: Smtp | None = Field(default=None, description="The mail server for `mail --send`.")




class Publication(Strict):
    """newsletter.yaml: the publication every issue belongs to."""

    name: Text = Field(description="Name of the newsletter, printed in the masthead and footer.")
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

    title: Text = Field(description="Headline of the article.")
    short_title: str | None = Field(
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

    def watched_paths(self) -> tuple[str, ...]:
        """Files and folders whose change changes this issue: its folder, its sources, images, layout_dir."""
        paths = [self.issue_dir, *self.source_files]
        paths += [a.image.src for a in self.issue.articles if a.image is not None]
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
