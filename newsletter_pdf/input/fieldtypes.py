"""Field types every input model shares: strict models, non-empty text, web and email addresses."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}$")


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError("must be a web address starting with http:// or https://")
    return value


def _email(value: str) -> str:
    if not EMAIL.match(value):
        raise ValueError("must be an email address such as info@example.org")
    return value


# Characters that print nothing: format controls (zero-width space, joiners, bidi controls, BOM),
# and a few letters and symbols drawn blank (Hangul fillers, the blank Braille pattern).
_BLANK_CATEGORIES = ("Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me")
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Embeddings, overrides and isolates: an RLO (U+202E) reverses everything after it.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FSI, _PDI = "\u2068", "\u2069"


def invisible(value: str) -> bool:
    """True for text that prints nothing: empty, spaces, or only zero-width and control characters."""
    return all(c in _BLANK_CHARACTERS or unicodedata.category(c) in _BLANK_CATEGORIES for c in value)


def _not_blank(value: str) -> str:
    if invisible(value):
        raise ValueError("must not be empty (it holds no visible character)" if value.strip() else "must not be empty")
    return value.strip()


def isolate_bidi(value: str | None) -> str | None:
    """A title carrying bidi controls is isolated (FSI ... PDI): an override or embedding in it
    then ends with it, and cannot reverse the contents line, the footer or the text around it."""
    if value is None or not _BIDI_CONTROLS.intersection(value):
        return value
    return _FSI + value + _PDI


WebUrl = Annotated[str, AfterValidator(_web_url)]
Email = Annotated[str, AfterValidator(_email)]
Text = Annotated[str, AfterValidator(_not_blank)]
Title = Annotated[str, AfterValidator(_not_blank), AfterValidator(isolate_bidi)]


class Strict(BaseModel):
    """Base for every input model: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
