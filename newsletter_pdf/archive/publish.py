"""`publish`: file an issue's archive PDF, its .sha256 and its record; nothing published is replaced.

The archive folder (default: archive/ beside newsletter.yaml) holds, per published copy:

  <slug>-<YYYY-MM>[-<layout>]-archive.pdf           revision 1
  <slug>-<YYYY-MM>[-<layout>]-archive.pdf.sha256
  <slug>-<YYYY-MM>[-<layout>]-archive.json          its record (see archive/record.py)
  <slug>-<YYYY-MM>[-<layout>]-archive-r2.pdf        revision 2 (publish --revise), and so on

Every file is created, never overwritten: a name that exists already stops the publication.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsletter_pdf.archive.record import ArticleEntry, Record, differences, read_records
from newsletter_pdf.errors import UserError
from newsletter_pdf.files import atomic_writer
from newsletter_pdf.messages import shown_path

ARCHIVE_FOLDER = "archive"


@dataclass
class Published:
    """What publish did: filed a new copy, or found the same bytes already there."""

    record: Record
    pdf: Path
    filed: bool  # False: these bytes were published already
    files: list[Path]


class PublishRefused(UserError):
    """The new build differs from the published copy and --revise was not given."""


def _revision_name(stem: str, revision: int, suffix: str) -> str:
    return f"{stem}{suffix}" if revision == 1 else f"{stem}-r{revision}{suffix}"


def _create(target: Path, data: bytes | str) -> Path:
    """Write a new file under target's name, never replacing one (a hard link fails if the name exists)."""
    scratch = target.with_name(f".{target.name}.new")
    with atomic_writer(scratch) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)
    try:
        os.link(scratch, target)
    except FileExistsError:
        raise UserError(f"{shown_path(target)} exists already; nothing published is replaced.") from None
    finally:
        scratch.unlink(missing_ok=True)
    return target


def _refuse_template_text(issue_dir: Path | str) -> None:
    """An issue still holding the template article `new` wrote is not ready to publish."""
    from newsletter_pdf.input.loader import load
    from newsletter_pdf.messages import messages

    template = messages()["template"]
    for article in load(issue_dir).issue.articles:
        if article.title == template["title"] or template["marker"] in article.body:
            raise UserError(messages()["lint"]["template_text"].format(title=article.title) + " Nothing was published.")


def publish(
    issue_dir: Path | str,
    archive_dir: Path | str | None = None,
    *,
    revise: bool = False,
    layout_name: str | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> Published:
    """Build the archive PDF and file it; the same bytes again are 'already published'.

    Different bytes from the latest published revision raise PublishRefused saying what changed,
    unless revise: then the new copy is filed as the next revision and every earlier one stays.
    """
    from newsletter_pdf.pipeline import build, chosen_layout

    _refuse_template_text(issue_dir)
    with tempfile.TemporaryDirectory(prefix="newsletter-pdf-publish-") as scratch:
        # (the scratch copy is not worth a line of its own: the filed one is reported)
        steps = lambda message: None if message.startswith("Wrote ") else progress(message)  # noqa: E731
        result = build(issue_dir, scratch, profiles=["archive"], layout_name=layout_name, progress=steps)
        output = result.output("archive")
        data = output.path.read_bytes()
        stem = output.path.stem
    newsletter = result.newsletter
    folder = Path(archive_dir) if archive_dir else Path(newsletter.publication_file).parent / ARCHIVE_FOLDER
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{shown_path(folder)} exists and is not a folder; choose another with --archive.")
    issue = newsletter.issue
    candidate = Record(
        name=newsletter.publication.name,
        slug=newsletter.slug,
        title=newsletter.title,
        date=issue.date,
        volume=issue.volume,
        number=issue.number,
        language=newsletter.publication.language,
        layout=chosen_layout(newsletter, layout_name),
        pages=output.pages,
        articles=tuple(ArticleEntry(a.title, a.author) for a in issue.articles),
        file=f"{stem}.pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
        published_at=f"{issue.date}-01",
    )
    earlier = [r for r in read_records(folder) if r.edition == candidate.edition] if folder.is_dir() else []
    if earlier:
        latest = earlier[-1]
        if latest.sha256 == candidate.sha256:
            return Published(latest, folder / latest.file, False, [])
        changes = differences(latest, candidate)
        if not revise:
            raise PublishRefused(
                f"{shown_path(folder / latest.file)} is published already (revision {latest.revision}) and the new "
                f"build differs: {'; '.join(changes)}. Nothing was changed. To file the new copy as revision "
                f"{latest.revision + 1} and keep the published one, run publish again with --revise."
            )
        revision = latest.revision + 1
        candidate = Record(
            **{
                **candidate.__dict__,
                "revision": revision,
                "file": _revision_name(stem, revision, ".pdf"),
                "previous": latest.file,
                "changes": tuple(changes),
            }
        )
    pdf = folder / candidate.file
    files = [
        _create(pdf, data),
        _create(pdf.with_name(pdf.name + ".sha256"), f"{candidate.sha256}  {pdf.name}\n"),
        _create(folder / _revision_name(stem, candidate.revision, ".json"), candidate.to_json()),
    ]
    return Published(candidate, pdf, True, files)
