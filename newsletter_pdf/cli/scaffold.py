"""`new`: the next issue folder, made from the latest one."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from newsletter_pdf.errors import UserError
from newsletter_pdf.files import write_atomically
from newsletter_pdf.input.loader import load
from newsletter_pdf.input.paths import ISSUE_FILE, inside
from newsletter_pdf.messages import messages

# The template article: its title and its first words are in messages.yaml (template:), so that
# `check` can tell an untouched template from the editor's own text.
TEMPLATE = """\
  - title: {title}
    date: {first_day}
    author: Your name
    body: |
      {marker} *emphasis*, **strong**, lists starting
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
    carried: list[str] = field(default_factory=list)  # titles of the recurring boxes carried over


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
    header += f"date: {date}\nvolume: {volume}\nnumber: {number}\n"
    if issue.pages:
        header += f"pages: {issue.pages}\n"
    if issue.layout:
        header += f"layout: {issue.layout}\n"
    template = messages()["template"]
    text = header + "articles:\n"
    text += TEMPLATE.format(
        title=template["title"],
        marker=template["marker"],
        first_day=f"{date}-01",
        website=publication.address.website or "https://example.org",
    )
    entries, copies, carried = _recurring(previous, newsletter)
    text += "".join(f"\n  # {_say_carried(previous)}\n{entry}" for entry in entries)

    folder.mkdir(parents=True)
    for sub in sorted(p for p in previous.rglob("*") if p.is_dir() and not p.name.startswith(".")):
        (folder / sub.relative_to(previous)).mkdir(parents=True, exist_ok=True)
    for name in ("articles", "images"):
        (folder / name).mkdir(exist_ok=True)
    for source in copies:
        target = folder / source.relative_to(previous)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    issue_file = write_atomically(folder / ISSUE_FILE, text)
    return NewIssue(folder, issue_file, previous, date, volume, number, carried)


def _say_carried(previous: Path) -> str:
    return f"a recurring box, carried over from {previous.name}: bring it up to date"


def _recurring(previous: Path, newsletter) -> tuple[list[str], list[Path], list[str]]:
    """The previous issue's boxes (kind: box) as issue.yaml entries, the files they need, and their titles."""
    from ruamel.yaml import YAML

    from newsletter_pdf import markdown as md

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    raw = yaml.load((previous / ISSUE_FILE).read_text(encoding="utf-8"))
    entries, copies, titles = [], [], []
    for entry, article, base in zip(
        raw.get("articles") or [], newsletter.issue.articles, newsletter.article_bases, strict=True
    ):
        if article.kind != "box":
            continue
        titles.append(article.title)
        if "file" in entry:
            copies.append(previous / entry["file"])
            text = f"  - file: {entry['file']}\n"
        else:
            stream = io.StringIO()
            yaml.dump([entry], stream)
            text = stream.getvalue()
        entries.append(text)
        pictures = [Path(article.image.src)] if article.image else []
        pictures += [Path(base) / unquote(src) for src in md.image_sources(article.body) if "://" not in src]
        copies += [p for p in pictures if inside(p, previous) and p.is_file()]
    return entries, copies, titles
