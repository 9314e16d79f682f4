"""Every word an issue prints that the editor did not write: labels per language, dates and numbers.

Labels come from newsletter_pdf/labels/<language>.yaml (English when a language has none, with
one warning) and the publication's `labels:` overrides. Month names, date formats, numbering
systems and writing direction come from CLDR through Babel, for any locale.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.dates import format_skeleton

from newsletter_pdf.errors import Location, Problem
from newsletter_pdf.fonts import describe, missing_characters
from newsletter_pdf.input.models import Newsletter, Publication
from newsletter_pdf.messages import label_catalogue, label_language, messages, say

_LINK_TEXT = re.compile(r"(<a\b[^>]*>)(.*?)(</a>)", re.DOTALL)
RTL_SCRIPTS = {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg"}
# CLDR numbering systems: the CSS counter style WeasyPrint knows (page numbers are counters),
# and the system's zero (its ten digits follow it). Babel formats symbols, not digits.
NUMBERING = {
    "latn": ("decimal", "0"),
    "arab": ("arabic-indic", "\u0660"),
    "arabext": ("persian", "\u06f0"),
    "beng": ("bengali", "\u09e6"),
    "deva": ("devanagari", "\u0966"),
    "gujr": ("gujarati", "\u0ae6"),
    "guru": ("gurmukhi", "\u0a66"),
    "khmr": ("khmer", "\u17e0"),
    "knda": ("kannada", "\u0ce6"),
    "laoo": ("lao", "\u0ed0"),
    "mlym": ("malayalam", "\u0d66"),
    "mymr": ("myanmar", "\u1040"),
    "orya": ("oriya", "\u0b66"),
    "telu": ("telugu", "\u0c66"),
    "thai": ("thai", "\u0e50"),
    "tibt": ("tibetan", "\u0f20"),
}
# Scripts whose letters join: a detached drop cap would break the first word apart.
JOINING_SCRIPTS = {"Arab", "Syrc", "Mong", "Nkoo", "Adlm", "Rohg", "Mand"}


@functools.cache
def parse_locale(language: str) -> Locale:
    return Locale.parse(language.replace("-", "_"))


@functools.cache
def script_of(language: str) -> str:
    """The writing system a language is usually written in (CLDR likely subtags): fa -> Arab."""
    locale = parse_locale(language)
    if locale.script:
        return locale.script
    likely = get_global("likely_subtags").get(locale.language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 1 and len(parts[1]) == 4 else "Latn"


@dataclass(frozen=True)
class Localiser:
    """The labels, dates and numbers of one publication's language."""

    language: str
    locale: Locale
    labels: dict[str, str]
    rtl: bool
    numbering: str  # a CLDR numbering system: latn, arabext, arab, ...
    warnings: tuple[str, ...] = field(default=())

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"

    @property
    def script(self) -> str:
        return script_of(self.language)

    @property
    def counter_style(self) -> str:
        """The CSS counter style for page numbers in this language's digits."""
        return NUMBERING.get(self.numbering, NUMBERING["latn"])[0]

    @property
    def joining(self) -> bool:
        """Whether the script's letters join (Arabic): no drop cap, no letter spacing, deeper lines."""
        return self.script in JOINING_SCRIPTS

    @property
    def drop_caps(self) -> bool:
        return not self.joining

    def digits(self, text: str) -> str:
        """Western digits in text written in the language's digits (as chosen by `digits:`)."""
        zero = ord(NUMBERING.get(self.numbering, NUMBERING["latn"])[1])
        if zero == ord("0"):
            return text
        return text.translate(str.maketrans("0123456789", "".join(chr(zero + d) for d in range(10))))

    def isolate(self, text: str) -> str:
        """Text that reads left to right (a web address, a phone number) kept whole in a right-to-left
        line: Unicode isolates (LRI ... PDI), since WeasyPrint has no CSS unicode-bidi."""
        return f"\u2066{text}\u2069" if self.rtl and text else text

    def isolate_links(self, html: str) -> str:
        """The text of every link in rendered Markdown isolated the same way (right-to-left pages only)."""
        return _LINK_TEXT.sub(lambda m: m[1] + self.isolate(m[2]) + m[3], html) if self.rtl else html

    def number(self, value: int) -> str:
        return self.digits(str(value))

    def label(self, key: str, **values: object) -> str:
        shown = {k: self.number(v) if isinstance(v, int) else v for k, v in values.items()}
        return self.labels[key].format(**shown)

    def split(self, key: str, placeholder: str) -> tuple[str, str]:
        """A label's text before and after one placeholder, for numbers the layout engine fills in."""
        before, _, after = self.labels[key].partition("{" + placeholder + "}")
        return before, after

    def counters(self, key: str, prefix: str) -> tuple[list[str], str]:
        """A label with counters in it ('Page {page} of {pages}') as CSS: the text pieces, and a
        content value naming them as strings (`string(prefix-0) counter(page) ...`) so no text
        reaches the CSS itself; the pieces are set from attributes (string-set)."""
        pieces: list[str] = []
        content: list[str] = []
        for text, name, _, _ in string.Formatter().parse(self.labels[key]):
            content.append(f"string({prefix}-{len(pieces)})")
            pieces.append(text)
            if name:
                content.append(f"counter({name}, {self.counter_style})")
        return pieces, " ".join(content)

    def month(self, year: int, month: int) -> str:
        """The issue's month and year, in the language's words: 'nëntor 2025', 'نوامبر ۲۰۲۵'."""
        return self.digits(format_skeleton("yMMMM", dt.date(year, month, 1), locale=self.locale))

    def date(self, day: dt.date) -> str:
        return self.digits(format_skeleton("yMMMMd", day, locale=self.locale))


def unprintable_language(newsletter: Newsletter) -> list[Problem]:
    """The month, dates and labels the build writes in the issue's language must be printable too
    (CLDR writes Japanese dates with 年, which no bundled font has): a problem at `language:`."""
    t = localiser(newsletter.publication)
    issue = newsletter.issue
    texts = [t.month(issue.year, issue.month), *(t.date(a.date) for a in issue.articles if a.date)]
    texts += list(t.labels.values())
    missing = missing_characters("".join(texts))
    if not missing:
        return []
    path = Path(newsletter.publication_file)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if text.startswith("language:")), None)
    language = newsletter.publication.language
    return [
        Problem(
            Location(path, line, 1 if line else None),
            say("unprintable_language", language=language, chars=describe(missing)),
            "language",
            language,
        )
    ]


def localiser(publication: Publication) -> Localiser:
    """The labels, dates and digits of a publication (its language, `direction`, `digits`, `labels`)."""
    language = publication.language
    locale = parse_locale(language)
    translated = label_language(language)
    labels = dict(label_catalogue("en") or {})
    warnings: tuple[str, ...] = ()
    if translated is None:
        warnings = (messages()["lint"]["untranslated_labels"].format(language=language),)
    else:
        labels.update(label_catalogue(translated) or {})
    overrides: dict[str, str] = publication.labels.model_dump(exclude_none=True) if publication.labels else {}
    labels.update(overrides)
    if translated is None and set(overrides) >= set(labels):
        warnings = ()  # every label is the editor's own
    if publication.direction is not None:
        rtl = publication.direction == "rtl"
    else:
        rtl = locale.character_order == "right-to-left" or script_of(language) in RTL_SCRIPTS
    numbering = locale.default_numbering_system
    if publication.digits == "latin":
        numbering = "latn"
    elif publication.digits == "native":
        numbering = locale.other_numbering_systems.get("native", numbering)
    if numbering not in NUMBERING:
        numbering = "latn"
    return Localiser(language, locale, labels, rtl, numbering, warnings)
