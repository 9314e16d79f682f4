"""Errors as data: located problems, user errors and internal errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file, and for YAML a 1-based line and column."""

    file: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = str(self.file)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with everything needed to find and fix it."""

    location: Location
    message: str
    field: str = ""
    value: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "file": str(self.location.file),
            "line": self.location.line,
            "column": self.location.column,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


class NewsletterError(Exception):
    """Base of every error this package raises on purpose."""


class UserError(NewsletterError):
    """A single problem the user can fix (bad option, missing folder, refused overwrite)."""


@dataclass
class ValidationProblems(NewsletterError):
    """Every problem found in the input files, reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the issue files"
        return head + "".join(f"\n  {p}" for p in self.problems)


class InternalError(NewsletterError):
    """A bug in newsletter-pdf, not in the input; reported as one."""
