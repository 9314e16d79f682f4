"""The print, email and archive outputs, checked with what can be installed here (pikepdf/qpdf)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from decimal import Decimal

import pikepdf
import pytest

from newsletter_pdf.errors import UserError
from newsletter_pdf.outputs import profiles as outputs
from newsletter_pdf.pipeline import build

MM = Decimal(72) / Decimal("25.4")


@pytest.mark.parametrize("profile", ["print", "email", "archive"])
def test_every_output_opens_cleanly_in_qpdf(sample_build, profile):
    with pikepdf.open(sample_build.output(profile).path) as pdf:
        assert pdf.check_pdf_syntax() == []


def _xmp(path) -> str:
    with pikepdf.open(path) as pdf:
        return bytes(pdf.Root.Metadata.read_bytes()).decode("utf-8")


def test_archive_declares_pdfa_3b_in_its_xmp(sample_build):
    xmp = _xmp(sample_build.output("archive").path)
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert 'pdfaid:conformance="B"' in xmp or "<pdfaid:conformance>B</pdfaid:conformance>" in xmp


def test_archive_xmp_describes_the_issue(sample_build):
    xmp = _xmp(sample_build.output("archive").path)
    assert "The Millbrook Post — November 2025, Vol. 4 No. 23" in xmp  # dc:title
    assert "<prism:publicationName>The Millbrook Post</prism:publicationName>" in xmp
    assert "<prism:volume>4</prism:volume>" in xmp
    assert "<prism:number>23</prism:number>" in xmp
    assert "<prism:coverDate>2025-11</prism:coverDate>" in xmp
    assert "<rdf:li>en-GB</rdf:li>" in xmp
    assert "<prism:coverDisplayDate>November 2025</prism:coverDisplayDate>" in xmp


@pytest.mark.parametrize("profile, subtype", [("print", "/GTS_PDFX"), ("archive", "/GTS_PDFA1")])
def test_output_intent_has_the_right_subtype(sample_build, profile, subtype):
    with pikepdf.open(sample_build.output(profile).path) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        assert subtype == intents[0].S
        profile_stream = intents[0].DestOutputProfile
        assert int(profile_stream.N) == (4 if profile == "print" else 3)


def test_print_is_pdfx4_with_3mm_bleed_a_trimbox_of_the_page_and_a_slug_beyond(sample_build):
    assert "GTS_PDFXVersion>PDF/X-4<" in _xmp(sample_build.output("print").path)
    with pikepdf.open(sample_build.output("print").path) as pdf:
        for page in pdf.pages:
            trim = [Decimal(str(v)) for v in page.TrimBox]
            bleed = [Decimal(str(v)) for v in page.BleedBox]
            media = [Decimal(str(v)) for v in page.MediaBox]
            assert trim[2] - trim[0] == pytest.approx(Decimal(210) * MM, abs=Decimal("0.1"))
            assert trim[3] - trim[1] == pytest.approx(Decimal(297) * MM, abs=Decimal("0.1"))
            for side in range(4):
                outward = (trim[side] - bleed[side]) if side < 2 else (bleed[side] - trim[side])
                assert outward == pytest.approx(Decimal(3) * MM, abs=Decimal("0.05"))
                # The MediaBox reaches past the bleed: a slug for the crop marks (see tests/outputs/test_press.py).
                slug = (bleed[side] - media[side]) if side < 2 else (media[side] - bleed[side])
                assert slug >= 6 * MM


def test_print_keeps_images_at_full_resolution(sample_build):
    (image,) = sample_build.output("print").report.images
    assert image.pixels == (2400, 1600)
    assert image.dpi >= 300


def test_email_is_tagged_with_language_bookmarks_and_links(sample_build):
    with pikepdf.open(sample_build.output("email").path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "en-GB"
        assert "/Outlines" in pdf.Root
        assert pdf.Root.OutputIntents[0].DestOutputProfile.N == 3  # sRGB
        links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.Subtype == "/Link"]
        assert len(links) >= 20
    assert "pdfuaid:part" in _xmp(sample_build.output("email").path)


def test_email_images_are_downsampled_to_150_dpi(sample_build):
    with pikepdf.open(sample_build.output("email").path) as pdf:
        (image,) = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        # 86.5 mm wide at 150 dpi is about 511 px
        assert 480 <= int(image.Width) <= 540


def test_archive_carries_its_sources_as_source_attachments(sample_build):
    with pikepdf.open(sample_build.output("archive").path) as pdf:
        names = dict(pdf.attachments.items())
        assert {"newsletter.yaml", "2025-11/issue.yaml"} <= set(names)
        assert sum(1 for n in names if n.endswith(".md")) == 5
        for spec in pdf.Root.AF:
            assert spec.AFRelationship == "/Source"
        assert len(pdf.Root.AF) == len(names)
        assert names["2025-11/issue.yaml"].get_file().read_bytes().startswith(b"# yaml-language-server")


def test_archive_checksum_file_is_what_sha256sum_reads(sample_build):
    archive = sample_build.output("archive")
    line = archive.checksum.read_text()
    digest = hashlib.sha256(archive.path.read_bytes()).hexdigest()
    assert line == f"{digest}  {archive.path.name}\n"
    result = subprocess.run(["sha256sum", "-c", archive.checksum.name], cwd=archive.path.parent, capture_output=True)
    assert result.returncode == 0


def test_archive_is_byte_identical_under_another_clock_zone_folder_and_hash_seed(sample_build, tmp_path):
    """Built again years later (faketime, or a patched clock where faketime is missing), in another
    time zone, from a copy of the issue in another folder: the same bytes."""
    import os
    import shutil

    copy = tmp_path / "elsewhere" / "issues"
    shutil.copytree(sample_build.newsletter.issue_dir, copy / "2025-11")
    shutil.copy(sample_build.newsletter.publication_file, copy / "newsletter.yaml")
    code = (
        "import sys, time, datetime as dt\n"
        "if sys.argv[3] == 'patch':\n"
        "    later = dt.datetime(2031, 7, 4, 23, 30, tzinfo=dt.UTC).timestamp()\n"
        "    time.time = lambda: later; time.time_ns = lambda: int(later * 1e9)\n"
        "from newsletter_pdf.pipeline import build\n"
        "build(sys.argv[1], sys.argv[2], profiles=['archive'])\n"
        "print(dt.date.today())\n"
    )
    faketime = shutil.which("faketime")
    command = [
        sys.executable,
        "-c",
        code,
        str(copy / "2025-11"),
        str(tmp_path / "out"),
        "none" if faketime else "patch",
    ]
    if faketime:
        command = [faketime, "-f", "2031-07-04 23:30:00", *command]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "Pacific/Kiritimati", "SOURCE_DATE_EPOCH": "1956528000"}
    done = subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    if faketime:
        assert done.stdout.strip().startswith("2031-")  # the clock really was moved
    again = tmp_path / "out" / sample_build.output("archive").path.name
    assert again.read_bytes() == sample_build.output("archive").path.read_bytes()


def test_preflight_report_lists_pages_size_variant_fonts_and_images(sample_build):
    reports = {o.profile.name: o.report for o in sample_build.outputs}
    assert reports["print"].variant == "PDF/X-4"
    assert reports["email"].variant == "PDF/UA-1"
    assert reports["archive"].variant == "PDF/A-3b"
    for report in reports.values():
        assert report.pages == 4
        assert report.fonts_embedded
        assert report.size > 0
        assert [i.file.rsplit("/", 1)[-1] for i in report.images] == ["mill-yard-garden.jpg"]
        assert report.warnings == []
    assert reports["email"].images[0].dpi == 150


def test_email_of_an_issue_with_a_12_megapixel_photo_stays_under_1_mb(tmp_path):
    from support.stress_issue import write_stress_issue

    issue = write_stress_issue(tmp_path / "src", articles=3, photo_megapixels=12)
    photo = max((issue / "images").iterdir(), key=lambda p: p.stat().st_size)
    assert photo.stat().st_size > 5_000_000
    result = build(issue, tmp_path / "out", profiles=["email"])
    assert result.output("email").size < 1_000_000


def test_build_rewrites_its_archive_draft_after_an_edit_with_no_flag(editable_issue, tmp_path):
    """Protecting published copies is publish's job (archive/publish.py): a draft build always rewrites."""
    out = tmp_path / "out"
    first = build(editable_issue, out, profiles=["archive"]).output("archive").path
    before = first.read_bytes()
    issue_yaml = editable_issue / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("number: 23", "number: 24"))
    rebuilt = build(editable_issue, out, profiles=["archive"]).output("archive")
    assert rebuilt.path == first and first.read_bytes() != before
    assert (
        rebuilt.checksum is not None and hashlib.sha256(first.read_bytes()).hexdigest() in rebuilt.checksum.read_text()
    )


def test_rebuilding_an_unchanged_archive_is_allowed(sample_build, tmp_path):
    archive = sample_build.output("archive").path
    assert (
        build(sample_build.newsletter.issue_dir, archive.parent, profiles=["archive"]).output("archive").path == archive
    )


def test_unknown_profile_is_a_user_error():
    with pytest.raises(UserError, match="unknown profile 'poster'"):
        outputs.select(["poster"])


def test_print_without_a_cmyk_profile_says_how_to_get_one(monkeypatch, tmp_path):
    monkeypatch.setattr(outputs, "CMYK_PROFILE_PLACES", ())
    monkeypatch.delenv(outputs.CMYK_PROFILE_ENV, raising=False)
    with pytest.raises(UserError, match="libgs-common"):
        outputs.cmyk_profile()


def test_print_has_a_qr_code_beside_each_read_more_link(sample_build):
    import pdfplumber

    def module_runs(path):  # segno draws a code as short horizontal strokes, one per run of dark modules
        with pdfplumber.open(path) as pdf:
            return [sum(1 for line in page.lines if line["top"] == line["bottom"]) for page in pdf.pages]

    sources = sum(1 for a in sample_build.newsletter.issue.articles if a.source)
    on_paper, on_screen = module_runs(sample_build.output("print").path), module_runs(sample_build.output("email").path)
    assert sum(on_paper) - sum(on_screen) >= sources * 100
    assert sum(on_screen) == 0
