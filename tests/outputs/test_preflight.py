import pytest

from newsletter_pdf.outputs import preflight
from newsletter_pdf.outputs.preflight import ImageUse


def test_low_resolution_images_are_named():
    uses = [
        ImageUse("issue/images/small.jpg", 2, (600, 400), (86.5, 57.7), 176),
        ImageUse("issue/images/big.jpg", 1, (2400, 1600), (86.5, 57.7), 705),
    ]
    (warning,) = preflight.low_resolution(uses)
    assert "issue/images/small.jpg prints at 176 dpi on page 2" in warning


def test_email_size_budget():
    assert preflight.over_budget(7_900_000, 8_000_000) == []
    assert preflight.over_budget(9_000_000, 8_000_000) == ["9.0 MB is over the email budget of 8.0 MB"]


def test_variant_and_fonts_of_the_sample(sample_build):
    assert preflight.variant_of(sample_build.output("print").path) == "PDF/X-4"
    fonts = preflight.fonts_of(sample_build.output("email").path)
    assert fonts and all(fonts.values())
    assert set(fonts) <= {
        "Noto-Serif",
        "Noto-Serif-Bold",
        "Noto-Serif-Italic",
        "Noto-Serif-Bold-Italic",
        "Noto-Sans",
        "Noto-Sans-Bold",
        "Noto-Sans-Italic",
    }


# --- boundaries, both sides -----------------------------------------------------------------


def _use(dpi: float) -> ImageUse:
    return ImageUse("issue/images/photo.jpg", 1, (1000, 667), (86.5, 57.7), dpi)


def test_the_print_resolution_threshold_is_300_dpi_exactly():
    assert preflight.PRINT_MIN_DPI == 300
    assert preflight.low_resolution([_use(300)]) == []
    assert len(preflight.low_resolution([_use(299)])) == 1
    assert len(preflight.low_resolution([_use(201)])) == 1  # a threshold moved to 200 would pass this


def test_the_email_budget_is_8_mb_and_a_file_of_exactly_the_budget_passes():
    assert preflight.DEFAULT_EMAIL_BUDGET == 8_000_000
    assert preflight.over_budget(8_000_000, preflight.DEFAULT_EMAIL_BUDGET) == []
    assert preflight.over_budget(8_000_001, preflight.DEFAULT_EMAIL_BUDGET) == [
        "8.0 MB is over the email budget of 8.0 MB"
    ]


# --- a real build made to warn ----------------------------------------------------------------


def test_a_print_picture_under_300_dpi_warns_and_one_over_does_not(warning_build):
    report = warning_build.output("print").report
    by_name = {use.file.rsplit("/", 1)[-1]: use for use in report.images}
    assert by_name["under.png"].dpi == 293 and by_name["over.png"].dpi == 323  # 293.6 and 323.0, floored
    low = [w for w in report.warnings if "dpi" in w]
    assert len(low) == 1 and "under.png prints at 293 dpi on page 1 (under 300)" in low[0]


def test_an_email_over_its_budget_warns_and_print_is_not_held_to_it(warning_build):
    email, printed = warning_build.output("email").report, warning_build.output("print").report
    assert any("over the email budget of 0.0 MB" in w for w in email.warnings)
    assert not any("budget" in w for w in printed.warnings)
    assert not any("dpi" in w for w in email.warnings)  # screen copies are 150 dpi on purpose


# --- what preflight reports is what the file holds ---------------------------------------------


def _streams(path):
    """(width, height, colour space) of each image drawn on the pages, read with pdfplumber."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [
            (*map(int, image["srcsize"]), str(image["colorspace"][0]).strip("/'"))
            for page in pdf.pages
            for image in page.images
        ]


def _drawn_widths_pt(path):
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [image["x1"] - image["x0"] for page in pdf.pages for image in page.images]


@pytest.mark.parametrize("profile", ["print", "email", "archive"])
def test_preflight_images_are_the_image_streams_of_the_written_file(sample_build, profile):
    output = sample_build.output(profile)
    streams = _streams(output.path)
    assert [(*use.pixels, use.colour_space) for use in output.report.images] == streams
    for use, width_pt in zip(output.report.images, _drawn_widths_pt(output.path)):
        assert use.dpi == pytest.approx(use.pixels[0] / (width_pt / 72), abs=1)


def test_print_carries_the_original_pixels_and_email_a_150_dpi_copy(sample_build):
    from PIL import Image

    with Image.open(sample_build.newsletter.issue.articles[0].image.src) as original:
        size = original.size
    ((width, height, _),) = _streams(sample_build.output("print").path)
    assert (width, height) == size  # full resolution, read from the file itself
    ((width, _, _),) = _streams(sample_build.output("email").path)
    assert 480 <= width <= 540  # 86.5 mm at 150 dpi is about 511 px
