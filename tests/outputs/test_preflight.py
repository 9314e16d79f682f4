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
