"""The print PDF read the way a press reads it: page boxes, marks in the slug, no RGB, ink under the limit.

One print build per layout, shared by the module, on the sample issue plus a palette PNG, a 16-bit
greyscale PNG and a transparent PNG (the sample brings a large RGB photograph and tinted boxes).
Ghostscript and poppler are the outside readers.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from newsletter_pdf.errors import UserError
from newsletter_pdf.outputs import press, press_check
from newsletter_pdf.render.layouts import available
from support.paths import ROOT

MM = 72 / 25.4
LAYOUTS = sorted(available())
gs_missing = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (scripts/setup.sh) is needed")


def _press_issue(root: Path) -> Path:
    """The sample issue, without its page count (one layout per build), with three awkward PNGs added."""
    shutil.copytree(ROOT / "issues", root / "issues")
    issue = root / "issues" / "2025-11"
    images = issue / "images"
    ramp = np.tile(np.linspace(0, 65535, 600, dtype=np.uint16), (300, 1))
    Image.fromarray(ramp).save(images / "grey16.png")  # 16-bit greyscale: must print as a grey ramp
    palette = Image.new("RGB", (600, 300), (200, 40, 40))
    palette.paste((30, 90, 200), (300, 0, 600, 300))
    palette.quantize(8).save(images / "chart.png")  # palette PNG in strong colours
    rgba = Image.new("RGBA", (600, 300), (0, 0, 0, 0))
    rgba.paste((20, 140, 60, 255), (100, 50, 500, 250))
    rgba.save(images / "logo.png")  # transparency around a green block
    text = (issue / "issue.yaml").read_text(encoding="utf-8").replace("pages: 4\n", "")
    text += (
        "  - title: Three charts for the press\n"
        "    body: |\n"
        "      A ramp of greys.\n\n      ![A grey ramp](images/grey16.png)\n\n"
        "      Two colours.\n\n      ![Red and blue](images/chart.png)\n\n"
        "      A green block.\n\n      ![A green block](images/logo.png)\n"
    )
    (issue / "issue.yaml").write_text(text, encoding="utf-8")
    return issue


@pytest.fixture(scope="module")
def press_builds(tmp_path_factory):
    """layout -> the build of the print PDF (one per layout, with preflight)."""
    from newsletter_pdf.pipeline import build

    issue = _press_issue(tmp_path_factory.mktemp("press"))
    out = tmp_path_factory.mktemp("press-out")
    logger = logging.getLogger("weasyprint")
    handler = logging.Handler(logging.WARNING)
    records: list = []
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        builds = {name: build(issue, out / name, profiles=["print"], layout_name=name) for name in LAYOUTS}
    finally:
        logger.removeHandler(handler)
    assert not records, [r.getMessage() for r in records]
    return builds


def _pdf(builds, layout) -> Path:
    return builds[layout].output("print").path


def _boxes(page):
    return {name: [float(v) for v in page.obj[name]] for name in ("/MediaBox", "/BleedBox", "/TrimBox")}


# --- page boxes and marks ---------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_trim_is_the_page_bleed_is_3mm_beyond_and_the_media_leaves_a_slug(press_builds, layout):
    with pikepdf.open(_pdf(press_builds, layout)) as pdf:
        for page in pdf.pages:
            boxes = _boxes(page)
            trim, bleed, media = boxes["/TrimBox"], boxes["/BleedBox"], boxes["/MediaBox"]
            assert trim == pytest.approx([0, 0, 210 * MM, 297 * MM], abs=0.1)
            assert bleed == pytest.approx([-3 * MM, -3 * MM, 213 * MM, 300 * MM], abs=0.05)
            for side in range(4):
                assert abs(media[side] - bleed[side]) >= 6 * MM  # the slug


def _strokes(pdf, page) -> list[tuple[float, float, float, float]]:
    """Every straight line stroked on the page in the page's own coordinates (no transform in force)."""
    lines, path, stack, transformed = [], [], [], False
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(transformed)
        elif op == "Q" and stack:
            transformed = stack.pop()
        elif op == "cm":
            transformed = True
        elif op == "m":
            path = [tuple(map(float, operands))]
        elif op == "l" and path:
            path.append(tuple(map(float, operands)))
            if not transformed:
                lines.append((*path[-2], *path[-1]))
    return lines


def _outside(box, x, y) -> bool:
    return x < box[0] - 0.01 or y < box[1] - 0.01 or x > box[2] + 0.01 or y > box[3] + 0.01


@pytest.mark.parametrize("layout", LAYOUTS)
def test_at_least_eight_crop_marks_lie_in_the_slug_outside_the_bleed(press_builds, layout):
    with pikepdf.open(_pdf(press_builds, layout)) as pdf:
        for page in pdf.pages:
            boxes = _boxes(page)
            marks = [
                line
                for line in _strokes(pdf, page)
                if _outside(boxes["/TrimBox"], line[0], line[1]) and _outside(boxes["/TrimBox"], line[2], line[3])
            ]
            assert len(marks) >= 8
            for x1, y1, x2, y2 in marks:
                assert _outside(boxes["/BleedBox"], x1, y1) and _outside(boxes["/BleedBox"], x2, y2)
                assert not _outside(boxes["/MediaBox"], x1, y1) and not _outside(boxes["/MediaBox"], x2, y2)
                # Each continues a trim edge, so the guillotine can follow it.
                trim = boxes["/TrimBox"]
                assert (x1 == x2 and min(abs(x1 - trim[0]), abs(x1 - trim[2])) < 0.01) or (
                    y1 == y2 and min(abs(y1 - trim[1]), abs(y1 - trim[3])) < 0.01
                )


def test_the_mark_lines_are_eight_and_start_beyond_the_bleed():
    trim, bleed = [0, 0, 595.28, 841.89], 3 * MM
    lines = press.mark_lines(trim, bleed)
    assert len(lines) == 8
    outer = [-bleed, -bleed, trim[2] + bleed, trim[3] + bleed]
    assert all(_outside(outer, x1, y1) and _outside(outer, x2, y2) for x1, y1, x2, y2 in lines)


def _render(pdf: Path, folder: Path, *options: str) -> list[Path]:
    subprocess.run(
        ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", *options, f"-sOutputFile={folder}/p%03d.tif", str(pdf)],
        check=True,
        capture_output=True,
    )
    return sorted(folder.glob("p*.tif"))


@gs_missing
@pytest.mark.parametrize("layout", LAYOUTS)
def test_what_touches_the_trim_edge_runs_on_into_the_bleed(press_builds, layout, tmp_path):
    """Along each trim edge: wherever the page is inked at the edge, the bleed 2 mm beyond is inked too."""
    dpi = 50
    for number, tif in enumerate(
        _render(_pdf(press_builds, layout), tmp_path, "-sDEVICE=tiffgray", "-r50", "-dUseBleedBox"), start=1
    ):
        grey = np.asarray(Image.open(tif), dtype=np.int16)
        bleed_px = round(3 / 25.4 * dpi)
        inner, outer = bleed_px + 1, bleed_px - 4  # 0.5 mm inside the trim; 2 mm out in the bleed
        edges = {
            "top": (grey[inner, bleed_px:-bleed_px], grey[outer, bleed_px:-bleed_px]),
            "bottom": (grey[-inner - 1, bleed_px:-bleed_px], grey[-outer - 1, bleed_px:-bleed_px]),
            "left": (grey[bleed_px:-bleed_px, inner], grey[bleed_px:-bleed_px, outer]),
            "right": (grey[bleed_px:-bleed_px, -inner - 1], grey[bleed_px:-bleed_px, -outer - 1]),
        }
        for side, (at_trim, in_bleed) in edges.items():
            stops = np.count_nonzero((at_trim < 200) & (in_bleed > 245))
            assert stops <= 2, f"page {number}: {stops} px of ink stop at the {side} trim edge"


def test_the_modern_colour_band_bleeds(press_builds, tmp_path):
    (first, *_) = _render(
        _pdf(press_builds, "modern"),
        tmp_path,
        "-sDEVICE=tiffgray",
        "-r50",
        "-dUseBleedBox",
        "-dFirstPage=1",
        "-dLastPage=1",
    )
    grey = np.asarray(Image.open(first))
    assert grey[1, grey.shape[1] // 2] < 150 and grey[10, 1] < 150  # the band reaches the bleed's corner


# --- colour -----------------------------------------------------------------------------------


def _text_fills(page) -> list[tuple[str, tuple]]:
    """The fill colour (operator, values) in force at every text-showing operator of the page."""
    fills, fill, stack = [], ("g", (0.0,)), []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(fill)
        elif op == "Q" and stack:
            fill = stack.pop()
        elif op in ("rg", "k", "g", "sc", "scn"):
            fill = (op, tuple(round(float(v), 3) for v in operands if not isinstance(v, pikepdf.Name)))
        elif op in ("Tj", "TJ", "'", '"'):
            fills.append(fill)
    return fills


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_rgb_operator_and_black_text_in_black_ink_alone(press_builds, layout):
    with pikepdf.open(_pdf(press_builds, layout)) as pdf:
        for page in pdf.pages:
            raw = b"".join(pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page)).splitlines(keepends=True))
            assert not re.search(rb"(^|\s)(rg|RG)\s", raw), "RGB colour left in a content stream"
            fills = _text_fills(page)
            if not fills:
                continue
            assert (0.0, 0.0, 0.0, 1.0) in {values for _, values in fills}  # body text: solid black ink alone
            for op, values in fills:
                assert op != "rg"
                if len(values) == 4 and values[3] >= 0.9:
                    assert values[:3] == (0.0, 0.0, 0.0), f"rich black text {values}"


def _images(pdf):
    """Every picture in the file (soft masks, the transparency of a picture, left out)."""
    streams = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
    masks = {s.SMask.objgen for s in streams if "/SMask" in s}
    return [(s.objgen, s) for s in streams if s.objgen not in masks]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_picture_is_cmyk_or_grey_and_16_bit_grey_stays_a_ramp(press_builds, layout):
    with pikepdf.open(_pdf(press_builds, layout)) as pdf:
        images = _images(pdf)
        spaces = [str(x.get("/ColorSpace")) for _, x in images if not x.get("/ImageMask")]
        assert set(spaces) <= {"/DeviceCMYK", "/DeviceGray"}, spaces
        assert spaces.count("/DeviceCMYK") >= 3  # the photograph, the palette chart, the green block
        greys = [x for _, x in images if str(x.get("/ColorSpace")) == "/DeviceGray" and int(x.Width) == 600]
        (ramp,) = [x for x in greys if int(x.Height) == 300]
        pixels = np.asarray(pikepdf.PdfImage(ramp).as_pil_image(), dtype=float)
        assert pixels[:, :20].mean() < 20 and pixels[:, -20:].mean() > 235 and 100 < pixels.mean() < 155


def test_the_printer_summary_lists_each_page(press_builds):
    report = press_builds["classic"].output("print").report
    summary = report.printer
    assert summary.ink_limit == 300 and summary.bleed_mm == 3.0 and summary.marks
    assert [p.page for p in summary.pages] == list(range(1, report.pages + 1))
    for page in summary.pages:
        assert page.text_colour and not any("RGB" in s for s in page.text_colour + page.image_colour)
        assert page.ink_max is not None and 0 < page.ink_max <= summary.ink_limit
    named = [i for p in summary.pages for i in p.images]
    assert any(i.startswith("mill-yard-garden.jpg: ") for i in named), named  # the editor's names, not the copies
    assert not [w for w in report.warnings if "RGB" in w or "ink" in w]


# --- ink --------------------------------------------------------------------------------------


def _tiffsep_ink(pdf: Path, folder: Path) -> list[float]:
    """Total ink per page from Ghostscript's separations (each plate a greyscale TIFF, 255 = no ink)."""
    _render(pdf, folder, "-sDEVICE=tiffsep", "-r50", "-dUseBleedBox")
    totals = []
    for composite in sorted(folder.glob("p[0-9][0-9][0-9].tif")):
        plates = [folder / f"{composite.stem}({ink}).tif" for ink in ("Cyan", "Magenta", "Yellow", "Black")]
        ink = sum(255 - np.asarray(Image.open(p), dtype=np.int32) for p in plates)
        totals.append(float(ink.max()) / 2.55)
    return totals


@gs_missing
@pytest.mark.parametrize("layout", LAYOUTS)
def test_ghostscript_separations_stay_under_330_and_the_configured_limit(press_builds, layout, tmp_path):
    totals = _tiffsep_ink(_pdf(press_builds, layout), tmp_path)
    assert totals and max(totals) <= 300.5  # the default limit, itself under a press's 330 %
    assert max(totals) > 150  # the photograph and the colour band are really there


@gs_missing
def test_ink_over_the_limit_is_found_and_named(tmp_path):
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(200, 200))
        pdf.pages[0].Contents = pdf.make_stream(b"1 1 1 1 k 20 20 100 100 re f 0 0 0 1 k 150 150 20 20 re f")
        import io

        buffer = io.BytesIO()
        pdf.save(buffer)
    (page,) = press_check.ink_coverage(buffer.getvalue())
    assert page.max_percent == pytest.approx(400, abs=1)
    (tmp_path / "heavy.pdf").write_bytes(buffer.getvalue())
    assert _tiffsep_ink(tmp_path / "heavy.pdf", tmp_path) == [pytest.approx(400, abs=1)]  # the tests' reader sees it
    (warning,) = press_check.over_limit([page], 300)
    assert "page 1 carries up to 400 % ink, over the press's limit of 300 %" in warning


@gs_missing
@pytest.mark.parametrize("layout", LAYOUTS)
def test_poppler_and_ghostscript_read_it_without_complaint(press_builds, layout):
    path = _pdf(press_builds, layout)
    info = subprocess.run(["pdfinfo", "-box", str(path)], capture_output=True, text=True, check=True)
    assert info.stderr == "" and "TrimBox" in info.stdout
    gs = subprocess.run(
        ["gs", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=nullpage", str(path)], capture_output=True, text=True
    )
    assert gs.returncode == 0
    assert not re.search(r"error|warning|\*\*\*\*", gs.stdout + gs.stderr, re.IGNORECASE), gs.stdout + gs.stderr


def test_strict_refuses_a_print_file_over_its_ink_limit(tmp_path):
    """A layout that asks for 400 % ink: a warning in a normal build, nothing written under --strict."""
    from newsletter_pdf.pipeline import build
    from support.bad_inputs import MINIMAL

    shutil.copytree(MINIMAL, tmp_path / "pub")
    mine = tmp_path / "pub" / "mine"
    mine.mkdir()
    (mine / "style.css").write_text(".article-title { background: device-cmyk(1 1 1 1); }\n", encoding="utf-8")
    publication = tmp_path / "pub" / "newsletter.yaml"
    publication.write_text(
        publication.read_text(encoding="utf-8").replace("language: en", "language: en\nlayout_dir: mine"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    with pytest.raises(UserError, match="over its ink limit"):
        build(tmp_path / "pub" / "2025-11", out, profiles=["print"], strict=True)
    assert not list(out.glob("*.pdf")) if out.exists() else True


# --- screen outputs keep their colours --------------------------------------------------------


def test_email_and_archive_stay_srgb_and_the_press_checks_would_refuse_them(sample_build):
    for name in ("email", "archive"):
        with pikepdf.open(sample_build.output(name).path) as pdf:
            page = pdf.pages[0]
            assert ("rg", (0.102, 0.102, 0.102)) in _text_fills(page)  # the layout's #1a1a1a, as on screen
            trim = _boxes(page)["/TrimBox"]
            assert not [line for line in _strokes(pdf, page) if _outside(trim, *line[:2])]  # no marks: the check fires
            ops = {str(op) for _, op in pikepdf.parse_content_stream(page)}
            assert "rg" in ops and "k" not in ops  # text and tints in RGB, no CMYK
            spaces = {str(x.get("/ColorSpace")) for _, x in _images(pdf)}
            assert "/DeviceCMYK" not in spaces and "/DeviceRGB" in spaces
