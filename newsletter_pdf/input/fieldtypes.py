"""Field types every input model shares: strict models, non-empty text, web and email addresses."""

from __future__ import annotations

import re
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


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


WebUrl = Annotated[str, AfterValidator(_web_url)]
Email = Annotated[str, AfterValidator(_email)]
Text = Annotated[str, AfterValidator(_not_blank)]


class Strict(BaseModel):
    """Base for every input model: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
