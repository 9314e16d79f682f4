"""The words the email edition prints around the content, and the month, in the issue's language.

The words come from the label catalogue (newsletter_pdf/labels/<language>.yaml, through
render/labels.py), so a publication's `labels:` overrides them too; months come from Babel (CLDR).
"""

from __future__ import annotations

import datetime as dt

from newsletter_pdf.input.models import Issue, Publication


def words(publication: Publication) -> dict[str, str]:
    """Every label of the email in the publication's language (its `labels:` overrides included)."""
    from newsletter_pdf.render.labels import localiser

    labels = localiser(publication).labels
    return {
        "in_this_issue": labels["contents_title"],
        "read_more": labels["read_more"].rstrip(" :：").rstrip("\u00a0"),
        "read_the_issue": labels["email_attached"],
        "cover_alt": labels["email_cover_alt"],
        "volume_number": labels["issue_number"],
        "unsubscribe": labels["email_unsubscribe"],
        "why_received": labels["email_why"],
        "contact": labels["contact_us"],
        "preheader": "{month}: {titles}",
    }


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
