"""The words the email edition prints around the content, and the month, in the issue's language.

Labels are English for now, kept in this one table; when the shared label catalogue of the
languages issue (render/labels.py) is on main, `words` reads from it instead. Months come from
Babel (CLDR), so they follow the publication's `language:` already.
"""

from __future__ import annotations

import datetime as dt

from newsletter_pdf.input.models import Issue

ENGLISH = {
    "in_this_issue": "In this issue",
    "read_more": "Read more",
    "read_the_issue": "The whole issue is attached as a PDF.",
    "cover_alt": "Cover of {name}, {month}",
    "volume_number": "Vol. {volume} No. {number}",
    "unsubscribe": "Unsubscribe",
    "why_received": "You receive this email as a member or subscriber of {name}.",
    "contact": "Contact us",
    "preheader": "{month}: {titles}",
}


def words(language: str) -> dict[str, str]:
    """Every label of the email in `language` (English until the label catalogue lands)."""
    return dict(ENGLISH)


def _locale(language: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def month_year(issue: Issue, language: str) -> str:
    """'November 2025' in English, 'novembre 2025' in French, 'novembro 2025' in Portuguese (CLDR)."""
    from babel.dates import format_date

    return format_date(dt.date(issue.year, issue.month, 1), "LLLL y", locale=_locale(language))


def direction(language: str) -> str:
    """'rtl' for right-to-left languages (Arabic, Hebrew, Persian...), else 'ltr' (CLDR)."""
    return "rtl" if _locale(language).character_order == "right-to-left" else "ltr"
