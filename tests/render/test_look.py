"""How the pages look: each layout's sample pages against reviewed golden PNGs (low dpi, a tolerance)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter_pdf.render.layouts import available, load_layout
from support import pdfcheck
from support.paths import GOLDEN, SAMPLE_ISSUE

DPI = 30
# Mean absolute difference per channel, 0-255. An unchanged build differs by exactly 0.000 here;
# a pull quote set as body text scores 0.33 and text reflowing by a word more than 3. The margin
# is for another pdfium's anti-aliasing. Goldens are the second line: every fault they would show
# also has a semantic test (tests/outputs/test_layout_lint.py, tests/render/test_semantics.py).
TOLERANCE = 0.05


@pytest.fixture(scope="session")
def layout_builds(sample_build, tmp_path_factory):
    """The sample's email PDF in every layout (classic is the session's sample build)."""
    from newsletter_pdf.pipeline import build

    builds = {"classic": sample_build}
    for name in available():
        if name not in builds:
            builds[name] = build(SAMPLE_ISSUE, tmp_path_factory.mktemp(name), layout_name=name, profiles=["email"])
    return builds


def _pages(pdf_path: Path):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        return [document[i].render(scale=DPI / 72).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()


def _difference(a, b) -> float:
    from PIL import ImageChops, ImageStat

    if a.size != b.size:
        return 255.0
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


@pytest.mark.parametrize("layout", sorted(available()))
def test_pages_look_as_reviewed(request, layout_builds, layout):
    pages = _pages(layout_builds[layout].output("email").path)
    golden = sorted(GOLDEN.glob(f"{layout}-page*.png"))
    if request.config.getoption("--update-golden"):
        for old in golden:
            old.unlink()
        for number, page in enumerate(pages, start=1):
            page.save(GOLDEN / f"{layout}-page{number:02d}.png", optimize=True)
        golden = sorted(GOLDEN.glob(f"{layout}-page*.png"))
    assert len(golden) == len(pages), f"{layout}: {len(pages)} pages, {len(golden)} golden PNGs (--update-golden)"
    from PIL import Image

    for number, (page, path) in enumerate(zip(pages, golden), start=1):
        with Image.open(path) as expected:
            difference = _difference(page, expected.convert("L"))
        assert difference <= TOLERANCE, f"{layout} page {number} differs from {path.name} by {difference:.2f}"


@pytest.mark.parametrize("layout", sorted(available()))
def test_every_layout_passes_the_sanity_checks_on_the_sample(layout_builds, layout):
    result = layout_builds[layout]
    assert result.warnings == []
    findings = pdfcheck.all_findings(result.output("email").path, columns=load_layout(layout).columns)
    assert {check: found for check, found in findings.items() if found} == {}


@pytest.mark.parametrize("layout", sorted(n for n in available() if load_layout(n).fit.honour_pages))
def test_every_layout_fits_the_sample_to_its_four_pages(layout_builds, layout):
    assert layout_builds[layout].pages == 4


@pytest.fixture(scope="session")
def stress_builds(stress_build, tmp_path_factory):
    from newsletter_pdf.pipeline import build

    builds = {"classic": stress_build}
    for name in available():
        if name not in builds:
            issue = stress_build.newsletter.issue_dir
            builds[name] = build(issue, tmp_path_factory.mktemp(f"stress-{name}"), layout_name=name, profiles=["email"])
    return builds


@pytest.mark.parametrize("layout", sorted(available()))
def test_every_layout_passes_the_sanity_checks_on_the_generated_issue(stress_builds, layout):
    result = stress_builds[layout]
    assert result.warnings == []
    findings = pdfcheck.all_findings(result.output("email").path, columns=load_layout(layout).columns)
    assert {check: found for check, found in findings.items() if found} == {}
