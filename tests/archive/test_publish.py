"""publish: files the archive PDF once; the same bytes are 'already published', other bytes need --revise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsletter_pdf.archive.publish import publish
from newsletter_pdf.archive.record import Record, read_records
from newsletter_pdf.cli.app import app
from newsletter_pdf.errors import UserError
from support.bad_inputs import MINIMAL

runner = CliRunner()


def _invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def issue(tmp_path) -> Path:
    shutil.copytree(MINIMAL, tmp_path / "pub")
    return tmp_path / "pub" / "2025-11"


def test_publish_files_the_pdf_its_checksum_and_a_record_then_says_already_published(issue):
    first = _invoke("publish", issue)
    assert first.exit_code == 0, first.output
    archive = issue.parent / "archive"
    stem = "the-test-bulletin-2025-11-archive"
    assert sorted(p.name for p in archive.iterdir()) == [f"{stem}.json", f"{stem}.pdf", f"{stem}.pdf.sha256"]
    pdf = (archive / f"{stem}.pdf").read_bytes()
    record = json.loads((archive / f"{stem}.json").read_text())
    import hashlib

    assert record["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert (archive / f"{stem}.pdf.sha256").read_text() == f"{record['sha256']}  {stem}.pdf\n"
    assert record["format"] == 1 and record["revision"] == 1 and record["previous"] is None
    assert (record["name"], record["slug"], record["date"], record["volume"], record["number"]) == (
        "The Test Bulletin",
        "the-test-bulletin",
        "2025-11",
        1,
        2,
    )
    assert record["published_at"] == "2025-11-01" and record["language"] == "en" and record["layout"] == "classic"
    assert record["pages"] == 1 and record["bytes"] == len(pdf)
    assert record["articles"] == [
        {"title": "First article", "author": "A. Writer"},
        {"title": "Second article", "author": None},
    ]
    before = _snapshot(archive)

    again = _invoke("publish", issue)
    assert again.exit_code == 0, again.output
    assert "already published" in again.output
    assert _snapshot(archive) == before


def test_a_changed_issue_is_refused_saying_what_changed_and_revise_keeps_both(issue, tmp_path):
    archive = tmp_path / "store"
    assert _invoke("publish", issue, "--archive", archive).exit_code == 0
    before = _snapshot(archive)
    issue_yaml = issue / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("title: First article", "title: Opening article"))

    refused = _invoke("publish", issue, "--archive", archive)
    assert refused.exit_code == 1, refused.output
    assert "Traceback" not in refused.output
    assert "title of article 1 'First article' -> 'Opening article'" in refused.output
    assert "--revise" in refused.output
    assert _snapshot(archive) == before, "a refused publication changed the archive"

    revised = _invoke("publish", issue, "--archive", archive, "--revise")
    assert revised.exit_code == 0, revised.output
    after = _snapshot(archive)
    assert {k: after[k] for k in before} == before, "an earlier revision was replaced"
    stem = "the-test-bulletin-2025-11-archive"
    assert set(after) - set(before) == {f"{stem}-r2.pdf", f"{stem}-r2.pdf.sha256", f"{stem}-r2.json"}
    records = read_records(archive)
    assert [r.revision for r in records] == [1, 2]
    assert records[1].previous == f"{stem}.pdf" and records[1].articles[0].title == "Opening article"
    assert records[1].changes == ("title of article 1 'First article' -> 'Opening article'",)

    # Revision 2, published again unchanged, is 'already published' too.
    assert "already published" in _invoke("publish", issue, "--archive", archive).output
    assert _snapshot(archive) == after


def test_a_file_already_at_the_revisions_name_is_never_replaced(issue, tmp_path):
    archive = tmp_path / "store"
    publish(issue, archive)
    stray = archive / "the-test-bulletin-2025-11-archive-r2.pdf"
    stray.write_bytes(b"someone else's file")
    issue_yaml = issue / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("number: 2", "number: 3"))
    with pytest.raises(UserError, match="exists already; nothing published is replaced"):
        publish(issue, archive, revise=True)
    assert stray.read_bytes() == b"someone else's file"


def test_a_record_reads_back_as_it_was_written_and_ignores_fields_of_a_later_format():
    record = Record.from_json(
        json.dumps(
            {
                "format": 1,
                "name": "N",
                "slug": "n",
                "title": "N — May 2025",
                "date": "2025-05",
                "volume": 2,
                "number": 7,
                "language": "de",
                "layout": "classic",
                "pages": 8,
                "articles": [{"title": "A", "author": None}],
                "file": "n-2025-05-archive.pdf",
                "sha256": "0" * 64,
                "bytes": 10,
                "revision": 1,
                "published_at": "2025-05-01",
                "previous": None,
                "changes": [],
                "a_later_field": True,
            }
        )
    )
    assert Record.from_json(record.to_json()) == record
    assert record.articles[0].title == "A" and record.volume == 2


def test_an_issue_still_holding_the_template_article_is_not_published(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "issues")
    assert _invoke("new", tmp_path / "issues").exit_code == 0
    result = _invoke("publish", tmp_path / "issues" / "2025-12")
    assert result.exit_code == 1, result.output
    assert "still the template that `new` wrote" in result.output and "Nothing was published" in result.output
    assert not (tmp_path / "issues" / "archive").exists()
