"""members.csv: who gets the newsletter, by email or by post. Every problem is located at row and column."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from newsletter_pdf.errors import Location, Problem, UserError, ValidationProblems

ADDRESS_COLUMNS = ("name", "address1", "address2", "address3", "address4", "address5", "city", "postcode", "country")
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z0-9-]{2,}$")


@dataclass(frozen=True)
class Row:
    line: int  # the file's line where the row starts (1 is the header)
    values: dict[str, str]


@dataclass(frozen=True)
class Postal:
    """One label: the lines to print, blank columns left out."""

    line: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Recipient:
    line: int
    email: str
    name: str


def _problem(path: Path, line: int, column: int | None, field: str, message: str) -> Problem:
    return Problem(Location(path, line, column), message, field)


def read_rows(path: Path | str, required: tuple[str, ...]) -> tuple[list[str], list[Row]]:
    """The header and the rows, trimmed; a missing column, a ragged row or bad encoding is a located problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{path} does not exist; give the members list as a CSV file.") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ValidationProblems(
            [_problem(path, line, None, "", "is not UTF-8 text; save the spreadsheet as 'CSV UTF-8'.")]
        ) from None
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    problems: list[Problem] = []
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValidationProblems([_problem(path, 1, None, "", "is empty; the first row names the columns.")]) from None
    for name in required:
        if name not in header:
            problems.append(
                _problem(path, 1, None, name, f"the header row has no '{name}' column (it has {', '.join(header)}).")
            )
    rows: list[Row] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                if len(record) > len(header):
                    problems.append(
                        _problem(
                            path,
                            line,
                            len(header) + 1,
                            "",
                            f"has {len(record)} cells but the header names {len(header)}.",
                        )
                    )
                rows.append(
                    Row(line, {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(header)})
                )
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(_problem(path, reader.line_num, None, "", f"is not valid CSV: {exc}."))
    if problems:
        raise ValidationProblems(problems)
    return header, rows


def _column(header: list[str], name: str) -> int:
    return header.index(name) + 1


def read_postal(path: Path | str) -> list[Postal]:
    """Labels: name, address1..address5, city, postcode, country; blank ones left out; a name is needed."""
    path = Path(path)
    header, rows = read_rows(path, ("name",))
    problems = [
        _problem(path, row.line, _column(header, "name"), "name", "is empty; every label needs a name.")
        for row in rows
        if not row.values.get("name")
    ]
    problems += [
        _problem(path, row.line, None, "address1", "has no address: fill address1 or city at least.")
        for row in rows
        if row.values.get("name") and not any(row.values.get(c) for c in ADDRESS_COLUMNS[1:])
    ]
    if problems:
        raise ValidationProblems(problems)
    return [Postal(row.line, tuple(v for c in ADDRESS_COLUMNS if (v := row.values.get(c, "")))) for row in rows]


def read_recipients(path: Path | str) -> list[Recipient]:
    """Email: an `email` column (and `name`, optional); each address once, in file order."""
    path = Path(path)
    header, rows = read_rows(path, ("email",))
    problems, found, seen = [], [], set()
    for row in rows:
        email = row.values["email"]
        if not _EMAIL.match(email):
            problems.append(
                _problem(
                    path,
                    row.line,
                    _column(header, "email"),
                    "email",
                    f"{email!r} is not an email address." if email else "is empty.",
                )
            )
        elif email.lower() not in seen:
            seen.add(email.lower())
            found.append(Recipient(row.line, email, row.values.get("name", "")))
    if problems:
        raise ValidationProblems(problems)
    return found
