"""archive/volume.py: a year bound as published, its index read back against the pages it names."""

from __future__ import annotations

import shutil

import pikepdf
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from newsletter_pdf.archive.publish import publish
from newsletter_pdf.archive.volume import volume
from newsletter_pdf.cli.app import app
from newsletter_pdf.errors import UserError
from support.paths import SAMPLE_ISSUE

MONTHS = ("2025-09", "2025-10", "2025-11")


@pytest.fixture(scope="module")
def bound(tmp_path_factory):
    """Three copies of the sample (4 pages, 11 articles each) published as three months, then bound."""
    root = tmp_path_factory.mktemp("publication")
    shutil.copy(SAMPLE_ISSUE.parent / "newsletter.yaml", root / "newsletter.yaml")
    for number, month in enumerate(MONTHS, start=21):
        issue = root / month
        shutil.copytree(SAMPLE_ISSUE, issue)
        text = (issue / "issue.yaml").read_text(encoding="utf-8")
        text = text.replace("date: 2025-11\n", f"date: {month}\n").replace("number: 23\n", f"number: {number}\n")
        (issue / "issue.yaml").write_text(text, encoding="utf-8")
        publish(issue, root / "archive")
    made = volume(root / "archive", 2025, tmp_path_factory.mktemp("volume"))
    return root, made


def _page_text(reader: PdfReader, number: int) -> str:
    return " ".join(reader.pages[number - 1].extract_text().split())


def test_the_issues_are_bound_in_order_after_a_title_page(bound):
    _, made = bound
    reader = PdfReader(made.path)
    assert [r.date for r in made.issues] == list(MONTHS)
    issue_pages = sum(r.pages for r in made.issues)
    assert len(reader.pages) == made.pages > issue_pages + 1
    assert "The Millbrook Post" in _page_text(reader, 1) and "2025" in _page_text(reader, 1)
    for record in made.issues:
        first = _page_text(reader, made.first_pages[record.date])
        assert "Page 1 of 4" in first and "The Millbrook Post" in first


def test_every_index_entry_leads_to_the_page_of_its_article(bound):
    _, made = bound
    reader = PdfReader(made.path)
    assert len(made.index) == 3 * 11
    for entry in made.index:
        words = entry.title.replace("’", "'").split()[:3]
        text = _page_text(reader, entry.page).replace("’", "'")
        assert all(word in text for word in words), f"{entry.title!r} is not on page {entry.page}"
    index_text = " ".join(_page_text(reader, n) for n in range(made.pages - 1, made.pages + 1))
    assert "Index of articles" in index_text and str(made.index[0].page) in index_text


def test_a_bookmark_per_issue_and_per_article(bound):
    _, made = bound
    with pikepdf.open(made.path) as pdf, pdf.open_outline() as outline:
        top = list(outline.root)
        issues = [item for item in top if "Vol." in item.title]
        assert len(issues) == 3
        assert all(len(item.children) == 11 for item in issues)


def test_page_labels_give_each_issue_its_own_numbers(bound):
    _, made = bound
    reader = PdfReader(made.path)
    labels = reader.page_labels
    for record in made.issues:
        start = made.first_pages[record.date] - 1
        assert labels[start] == f"{record.date} p. 1"
        assert labels[start + 3] == f"{record.date} p. 4"
    assert labels[0] == "i" and labels[-1].startswith("Index ")


def test_it_is_pdf_a_3b_with_every_issue_s_sources_attached(bound):
    _, made = bound
    with pikepdf.open(made.path) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        names = list(pdf.attachments)
        assert pdf.pdf_version >= "1.7"
        assert "/OutputIntents" in pdf.Root
        for month in MONTHS:
            assert f"{month}/issue.yaml" in names and f"{month}/newsletter.yaml" in names
        assert names == sorted(names)
        assert len(pdf.Root.AF) == len(names)
        for spec in pdf.Root.AF:
            assert spec.AFRelationship == pikepdf.Name.Source


def test_binding_again_gives_the_same_bytes(bound, tmp_path):
    root, made = bound
    again = volume(root / "archive", 2025, tmp_path)
    assert again.path.read_bytes() == made.path.read_bytes()


def test_ghostscript_and_poppler_read_it_without_complaint(bound):
    import subprocess

    _, made = bound
    for command in (
        ["pdfinfo", str(made.path)],
        ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage", str(made.path)],
    ):
        if shutil.which(command[0]) is None:
            pytest.skip(f"{command[0]} is not installed (scripts/setup.sh --test installs it)")
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "rror" not in done.stderr, done.stderr


def test_a_year_without_issues_is_a_plain_message(bound):
    root, _ = bound
    with pytest.raises(UserError, match="no issue published for 1999"):
        volume(root / "archive", 1999)


def test_the_commands_exit_1_on_a_missing_archive_and_2_on_a_bad_year(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["volume", str(tmp_path / "nowhere"), "--year", "2025"]).exit_code == 1
    assert runner.invoke(app, ["volume", str(tmp_path), "--year", "next"]).exit_code == 2
    assert runner.invoke(app, ["catalogue", str(tmp_path / "nowhere")]).exit_code == 1
