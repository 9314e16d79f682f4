"""Pictures and colours for the press: CMYK through the profile, greys kept grey, inks held under the limit."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal

import numpy as np
import pikepdf
import pytest
from PIL import Image

from newsletter_pdf.input.loader import load
from newsletter_pdf.outputs import press, profiles
from newsletter_pdf.outputs.colour import PressColour, limit_inks, rgb_to_cmyk
from newsletter_pdf.outputs.print_images import PrintImages, convert
from newsletter_pdf.outputs.print_job import PrintJob
from support.bad_inputs import MINIMAL


@pytest.fixture(scope="module")
def press_colour() -> PressColour:
    return PressColour(profiles.cmyk_profile())


def test_a_16_bit_grey_ramp_stays_a_grey_ramp(press_colour):
    ramp = Image.fromarray(np.tile(np.linspace(0, 65535, 256, dtype=np.uint16), (4, 1)))
    assert ramp.mode.startswith("I")
    image, fmt = convert(ramp, press_colour)
    pixels = np.asarray(image)
    assert (image.mode, fmt) == ("L", "PNG")
    assert pixels[0, 0] == 0 and pixels[0, -1] == 255 and 120 < pixels[0, 128] < 135


def test_a_grey_palette_stays_grey_and_a_colour_palette_becomes_cmyk(press_colour):
    grey = Image.new("L", (8, 8), 90).convert("P")
    assert convert(grey, press_colour)[0].mode == "L"
    colour = Image.new("RGB", (8, 8), (200, 30, 30)).quantize(4)
    image, fmt = convert(colour, press_colour)
    c, m, y, _ = image.getpixel((0, 0))
    assert (image.mode, fmt) == ("CMYK", "JPEG") and m > 180 and y > 150 and c < 60


def test_transparency_is_flattened_onto_the_paper(press_colour):
    rgba = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    image, _ = convert(rgba, press_colour)
    assert image.mode == "CMYK" and image.getpixel((0, 0)) == (0, 0, 0, 0)


def test_an_rgb_photo_is_converted_through_the_profile_under_the_ink_limit(press_colour):
    photo = Image.new("RGB", (4, 4), (0, 0, 0))
    strict = PressColour(press_colour.profile, ink_limit=240)
    image, _ = convert(photo, strict)
    assert image.mode == "CMYK" and sum(image.getpixel((0, 0))) <= 240 * 2.55


def test_the_ink_limit_takes_from_colour_and_keeps_black():
    heavy = Image.new("CMYK", (1, 1), (255, 255, 255, 255))
    c, m, y, k = limit_inks(heavy, 300).getpixel((0, 0))
    assert k == 255 and c + m + y + k <= 300 * 2.55


def test_greys_print_in_black_ink_alone_and_colours_through_the_intent(press_colour):
    assert rgb_to_cmyk((26, 26, 26), press_colour) == (0, 0, 0, 1)
    c, m, y, k = rgb_to_cmyk((85, 85, 85), press_colour)
    assert (c, m, y) == (0, 0, 0) and 0.6 < k < 0.7
    perceptual = PressColour(press_colour.profile, intent="perceptual")
    assert rgb_to_cmyk((11, 87, 83), press_colour) != rgb_to_cmyk((11, 87, 83), perceptual)


def test_the_print_html_names_converted_copies_and_remembers_the_originals(press_colour, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_PDF_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "photo.png"
    Image.new("RGB", (10, 10), (10, 200, 10)).save(source)
    images = PrintImages(press_colour, [tmp_path])
    html = images(f'<p><img src="{source.as_uri()}" alt="x"><img src="data:image/png;base64,AA" alt=""></p>')
    (copy,) = list((tmp_path / "cache").rglob("*.jpg"))
    assert copy.as_uri() in html and "data:image/png;base64,AA" in html
    assert images.original(str(copy)) == str(source)
    with Image.open(copy) as opened:
        assert opened.mode == "CMYK"
    assert images(f'<img src="{source.as_uri()}">').count(copy.as_uri()) == 1  # made once, then reused


def _one_page_pdf() -> bytes:
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(200, 300))
        pdf.pages[0].TrimBox = [0, 0, 200, 300]
        pdf.pages[0].Contents = pdf.make_stream(b"0.1 0.1 0.1 rg 10 10 50 50 re f 0.8 0.1 0.1 RG 0 0 m 9 9 l S")
        buffer = io.BytesIO()
        pdf.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("marks", [True, False])
def test_finishing_sets_the_boxes_draws_marks_only_when_asked_and_leaves_no_rgb(press_colour, marks):
    bleed = 3 * press.MM
    data = press.finish(_one_page_pdf(), press.Finish(press_colour, bleed, marks))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        assert [float(v) for v in page.BleedBox] == pytest.approx([-bleed, -bleed, 200 + bleed, 300 + bleed])
        slug = press.slug(marks)
        assert [float(v) for v in page.MediaBox] == pytest.approx(
            [-bleed - slug, -bleed - slug, 200 + bleed + slug, 300 + bleed + slug]
        )
        ops = [
            (str(op), [float(v) for v in operands if isinstance(v, (int, float, Decimal))])
            for operands, op in pikepdf.parse_content_stream(page)
        ]
        names = [op for op, _ in ops]
        assert "rg" not in names and "RG" not in names
        assert ("k", [0, 0, 0, 1]) in ops  # the near-black fill, now black ink alone
        assert names.count("l") == (9 if marks else 1)


def test_a_publication_can_name_its_press_profile(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "pub")
    shutil.copy(profiles.cmyk_profile(), tmp_path / "pub" / "press.icc")
    publication = tmp_path / "pub" / "newsletter.yaml"
    publication.write_text(
        publication.read_text(encoding="utf-8").replace(
            "language: en", "language: en\nprint:\n  profile: press.icc\n  rendering_intent: perceptual\n  bleed: 5mm"
        ),
        encoding="utf-8",
    )
    job = PrintJob(load(tmp_path / "pub" / "2025-11"), [tmp_path / "pub"])
    assert job.press.profile == (tmp_path / "pub" / "press.icc").resolve()
    assert job.press.intent == "perceptual" and job.finishing.bleed == pytest.approx(5 * press.MM)
    assert job.press.profile in job.roots


def test_a_picture_outside_the_allowed_folders_is_left_for_the_sandbox_to_refuse(press_colour, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_PDF_CACHE", str(tmp_path / "cache"))
    outside = tmp_path / "elsewhere" / "secret.png"
    outside.parent.mkdir()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(outside)
    html = f'<img src="{outside.as_uri()}">'
    assert PrintImages(press_colour, [tmp_path / "issue"])(html) == html
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").rglob("*"))
