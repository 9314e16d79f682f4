"""`new`: the next issue folder, made from the latest one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsletter_pdf.errors import UserError
from newsletter_pdf.files import write_atomically
from newsletter_pdf.input.loader import load
from newsletter_pdf.input.paths import ISSUE_FILE

TEMPLATE = """\
{header}date: {date}
volume: {volume}
number: {number}
articles:
  - title: Your first article
    date: {first_day}
    author: Your name
    body: |
      Write the article here in Markdown: *emphasis*, **strong**, lists starting
      with "- ", and links like [our website]({website}).

      Leave a blank line between paragraphs.
"""


@dataclass
class NewIssue:
    folder: Path
    issue_file: Path
    previous: Path
    date: str
    volume: int
    number: int


def latest_issue(issues_dir: Path) -> Path:
    """The issue folder with the latest date (read from each issue.yaml)."""
    candidates = []
    for folder in sorted(p for p in issues_dir.iterdir() if (p / ISSUE_FILE).is_file()):
        newsletter = load(folder)
        candidates.append((newsletter.issue.date, newsletter.issue.number, folder))
    if not candidates:
        raise UserError(f"no issue folder (a folder holding {ISSUE_FILE}) in {issues_dir} to start from.")
    return max(candidates)[2]


def next_month(date: str) -> tuple[str, bool]:
    """'2025-12' -> ('2026-01', True): the next month, and whether a new year starts."""
    year, month = int(date[:4]), int(date[5:7])
    if month == 12:
        return f"{year + 1}-01", True
    return f"{year}-{month + 1:02d}", False


def new_issue(issues_dir: Path | str = "issues") -> NewIssue:
    """Scaffold the issue after the latest one: next month, number + 1, a new volume per the rule."""
    issues_dir = Path(issues_dir)
    if not issues_dir.is_dir():
        raise UserError(f"{issues_dir} is not a folder of issues.")
    previous = latest_issue(issues_dir)
    newsletter = load(previous)
    issue, publication = newsletter.issue, newsletter.publication
    date, new_year = next_month(issue.date)
    volume, number = issue.volume, issue.number + 1
    if new_year and publication.new_volume_each_year:
        volume += 1
        if publication.restart_numbers_each_volume:
            number = 1
    folder = issues_dir / date
    if folder.exists():
        raise UserError(f"{folder} exists already; nothing was changed.")
    # Keep the editor's schema hint: the new folder sits beside the previous one.
    first_line = (previous / ISSUE_FILE).read_text(encoding="utf-8").split("\n", 1)[0]
    header = first_line + "\n" if first_line.startswith("# yaml-language-server:") else ""
    text = TEMPLATE.format(
        header=header,
        date=date,
        volume=volume,
        number=number,
        first_day=f"{date}-01",
        website=publication.address.website or "https://example.org",
    )
    folder.mkdir(parents=True)
    (folder / "articles").mkdir()
    (folder / "images").mkdir()
    issue_file = write_atomically(folder / ISSUE_FILE, text)
    return NewIssue(folder, issue_file, previous, date, volume, number)
