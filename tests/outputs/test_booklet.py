"""outputs/booklet.py: saddle-stitch order, sheet size, padding, creep and marks, read back from the PDF."""

from __future__ import annotations

import io
import shutil

import pikepdf
import pytest
from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from newsletter_pdf.errors import UserError
from newsletter_pdf.outputs.booklet import MM, SLUG, Side, creep_points, impose, mark_lines, saddle_order
from support.bad_inputs import MINIMAL

A4 = (595.28, 841.89)
A5 = (419.53, 595.28)


def numbered_pdf(pages: int, size=A4, bleed: float = 0.0) -> bytes:
    """A PDF whose page k shows only the text 'Pk' (base-14 Helvetica), with a TrimBox inside a bleed."""
    pdf = pikepdf.new()
    width, height = size
    for number in range(1, pages + 1):
        page = pdf.add_blank_page(page_size=(width + 2 * bleed, height + 2 * bleed))
        page.obj.MediaBox = pikepdf.Array([-bleed, -bleed, width + bleed, height + bleed])
        page.obj.TrimBox = pikepdf.Array([0, 0, width, height])
        font = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
        )
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(
            f"BT /F1 40 Tf {width / 2 - 20:.1f} {height / 2:.1f} Td (P{number}) Tj ET".encode()
        )
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def halves(data: bytes) -> list[tuple[str, str]]:
    """For each sheet side, the text on its left and right halves (pdfplumber crops)."""
    import pdfplumber

    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            middle = page.width / 2
            left = page.crop((0, 0, middle, page.height)).extract_text().strip()
            right = page.crop((middle, 0, page.width, page.height)).extract_text().strip()
            found.append((left, right))
    return found


def test_four_pages_fold_as_4_1_then_2_3():
    assert saddle_order(4) == [Side(1, True, 4, 1), Side(1, False, 2, 3)]
    assert halves(impose(numbered_pdf(4)).data) == [("P4", "P1"), ("P2", "P3")]


def test_eight_pages_nest_two_sheets():
    sides = [(s.left, s.right) for s in saddle_order(8)]
    assert sides == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert halves(impose(numbered_pdf(8)).data) == [("P8", "P1"), ("P2", "P7"), ("P6", "P3"), ("P4", "P5")]


@pytest.mark.parametrize("pages", [4, 8, 12, 16, 20])
def test_every_page_appears_once_and_facing_pages_add_up(pages):
    sides = saddle_order(pages)
    numbers = sorted(n for side in sides for n in (side.left, side.right))
    assert numbers == list(range(1, pages + 1))
    # On every side of a saddle-stitched sheet, the two page numbers add up to pages + 1.
    assert all(side.left + side.right == pages + 1 for side in sides)


@pytest.mark.parametrize(("size", "sheet"), [(A4, (1190.55, 841.89)), (A5, (839.06, 595.28))])
def test_the_sheet_is_twice_the_page(size, sheet):
    data = impose(numbered_pdf(4, size)).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            box = [float(v) for v in page.mediabox]
            assert box[2] - box[0] == pytest.approx(sheet[0], abs=0.1)
            assert box[3] - box[1] == pytest.approx(sheet[1], abs=0.1)


def test_a_six_page_issue_is_padded_to_eight_and_says_so():
    booklet = impose(numbered_pdf(6))
    assert (booklet.pages, booklet.padded, booklet.sheets) == (8, 2, 2)
    assert any("added 2 blank page(s)" in note for note in booklet.notes)
    sides = halves(booklet.data)
    # Pages 7 and 8 are the blanks: the outer sheet's front has nothing on its left, its back nothing on its right.
    assert sides == [("", "P1"), ("P2", ""), ("P6", "P3"), ("P4", "P5")]


def test_no_padding_message_for_a_multiple_of_four():
    booklet = impose(numbered_pdf(4))
    assert booklet.padded == 0 and not any("blank" in n for n in booklet.notes)


def test_only_the_trim_area_is_placed():
    """A press file's bleed and marks must not reach the booklet: each form XObject is clipped to the TrimBox."""
    data = impose(numbered_pdf(4, bleed=25)).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, 2 * A4[0], A4[1]], abs=0.1)
        for form in page.obj.Resources.XObject.values():
            assert [float(v) for v in form.BBox] == pytest.approx([0, 0, *A4], abs=0.01)


def _placements(data: bytes) -> list[dict[str, float]]:
    """Per sheet side, each placed page's x translation (from the cm operator before its Do)."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            side: dict[str, float] = {}
            x = None
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "cm":
                    x = float(operands[4])
                elif str(operator) == "Do":
                    side[str(operands[0])] = x
            found.append(side)
    return found


def test_creep_grows_towards_the_centre_sheets():
    creep = creep_points("0.3mm")
    assert creep == pytest.approx(0.3 * MM)
    plain, crept = _placements(impose(numbered_pdf(8)).data), _placements(impose(numbered_pdf(8), creep).data)
    width = A4[0]
    # Outer sheet (sides 0 and 1): no shift. Inner sheet: left pages move right, right pages left, by one creep.
    for side in (0, 1):
        for name, x in crept[side].items():
            assert x == pytest.approx(plain[side][name])
    for side in (2, 3):
        for name, x in crept[side].items():
            moved = x - plain[side][name]
            on_left = plain[side][name] < width / 2
            assert moved == pytest.approx(creep if on_left else -creep, abs=0.002)


@pytest.mark.parametrize("bad", ["0.3", "three mm", "-1mm", "9mm"])
def test_a_creep_that_is_no_length_is_refused_in_plain_words(bad):
    with pytest.raises(UserError, match="creep"):
        creep_points(bad)


def _drawn_points(data: bytes) -> list[tuple[float, float]]:
    """The end points of every line drawn (m/l operators) on the first sheet side."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            (float(operands[0]), float(operands[1]))
            for operands, operator in pikepdf.parse_content_stream(pdf.pages[0])
            if str(operator) in ("m", "l")
        ]


def test_marks_sit_in_a_slug_outside_the_pages():
    data = impose(numbered_pdf(4), marks=True).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    assert box[2] == pytest.approx(2 * A4[0] + 2 * SLUG, abs=0.1)
    points = _drawn_points(data)
    assert len(points) >= 20, "8 crop-mark lines and 2 fold marks, two points each"
    area = (SLUG, SLUG, SLUG + 2 * A4[0], SLUG + A4[1])
    for x, y in points:
        assert not (area[0] < x < area[2] and area[1] < y < area[3]), f"a mark at {x:.1f},{y:.1f} is on the pages"
        assert 0 <= x <= box[2] and 0 <= y <= box[3], "a mark is off the sheet"
    assert len(points) == 2 * len(mark_lines(A4[0], A4[1], SLUG))


def test_no_marks_unless_asked():
    assert _drawn_points(impose(numbered_pdf(4)).data) == []


def test_duplex_guidance_travels_with_the_file():
    with pikepdf.open(io.BytesIO(impose(numbered_pdf(4)).data)) as pdf:
        assert pdf.Root.ViewerPreferences.Duplex == pikepdf.Name.DuplexFlipShortEdge


def test_the_booklet_is_reproducible():
    source = numbered_pdf(8)
    assert impose(source, creep_points("0.2mm")).data == impose(source, creep_points("0.2mm")).data


def test_the_sample_print_pdf_imposes_as_4_1_and_2_3(sample_build):
    """The real print output (bleed, marks, PDF/X) imposes from its finished pages."""
    data = sample_build.output("print").path.read_bytes()
    booklet = impose(data)
    assert (booklet.pages, booklet.sheets, booklet.padded) == (4, 1, 0)
    sides = halves(booklet.data)
    assert "Page 4 of 4" in sides[0][0] and "Page 1 of 4" in sides[0][1]
    assert "Page 2 of 4" in sides[1][0] and "Page 3 of 4" in sides[1][1]


def test_build_profile_booklet_is_a_fourth_output_and_pads_with_a_message(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "src")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(tmp_path / "src" / "2025-11"), "-o", str(out), "-p", "booklet"])
    assert result.exit_code == 0, result.output
    made = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert len(made) == 1 and made[0].endswith("-booklet.pdf")
    assert "blank page" in result.output
    with pikepdf.open(out / made[0]) as pdf:
        assert len(pdf.pages) % 2 == 0


def test_a_plain_build_makes_no_booklet(sample_build):
    assert not any(o.profile.name == "booklet" for o in sample_build.outputs)


def test_a_bad_creep_on_the_command_line_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["build", str(MINIMAL / "2025-11"), "-o", str(tmp_path), "--creep", "lots"])
    assert result.exit_code == 2
    assert "creep" in result.output and not list(tmp_path.iterdir())


def test_print_creep_in_newsletter_yaml_reaches_the_booklet(tmp_path, monkeypatch):
    """print: {creep: ...} is used when --creep is not given (the pass reads it from the publication)."""
    from newsletter_pdf.outputs import booklet as booklet_mod

    seen: list[float] = []
    real = booklet_mod.impose
    monkeypatch.setattr(
        booklet_mod, "impose", lambda data, creep=0.0, marks=False: seen.append(creep) or real(data, creep, marks)
    )
    shutil.copytree(MINIMAL, tmp_path / "src")
    publication = tmp_path / "src" / "newsletter.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "print:\n  creep: 0.25mm\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["build", str(tmp_path / "src" / "2025-11"), "-o", str(tmp_path / "o"), "-p", "booklet"]
    )
    assert result.exit_code == 0, result.output
    assert seen == [pytest.approx(0.25 * MM)]
