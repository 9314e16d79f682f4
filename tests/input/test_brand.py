"""brand: in newsletter.yaml: every mistake is a located problem; what passes is resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter_pdf.errors import ValidationProblems
from newsletter_pdf.input.brand import MIN_TEXT_CONTRAST, contrast, darker_passing, load_theme
from newsletter_pdf.input.brand_fonts import bundled_families
from newsletter_pdf.input.loader import load
from newsletter_pdf.resources import theme_names
from support.brand import ACCENT, EDITOR_FAMILY, branded_publication, editor_fonts


def with_brand(tmp_path: Path, brand_yaml: str) -> Path:
    return branded_publication(tmp_path / "pub", brand_yaml)


def only_problem(issue: Path, field_name: str, *texts: str):
    with pytest.raises(ValidationProblems) as info:
        load(issue)
    problems = info.value.problems
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert problem.field == field_name, str(problem)
    for text in texts:
        assert text in problem.message, str(problem)
    assert problem.location.file.name == "newsletter.yaml" and problem.location.line is not None, str(problem)
    return problem


def line_of(issue: Path, text: str) -> int:
    lines = (issue.parent / "newsletter.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_a_full_brand_resolves_the_logo_accent_and_only_the_named_font_files(tmp_path):
    newsletter = load(branded_publication(tmp_path / "pub"))
    brand = newsletter.brand
    assert brand.accent == ACCENT and brand.accent_cmyk == (0, 75, 25, 52)
    assert Path(brand.logo).name == "logo.png" and Path(brand.logo).is_file()
    assert brand.body_family == EDITOR_FAMILY and brand.heading_family == "Noto Sans"
    assert sorted((f.weight, f.style) for f in brand.faces) == [
        (400, "italic"),
        (400, "normal"),
        (700, "italic"),
        (700, "normal"),
    ]
    assert {Path(f.file).parent.name for f in brand.faces} == {"body"}
    assert set(brand.files) >= {brand.logo, *(f.file for f in brand.faces)}
    assert all(p in newsletter.watched_paths() for p in brand.files)


def test_a_low_contrast_accent_names_the_line_the_ratio_and_a_darker_shade(tmp_path):
    issue = with_brand(tmp_path, 'brand:\n  accent: "#f4a3c8"\n')
    ratio = contrast("#f4a3c8", "#ffffff")
    problem = only_problem(issue, "brand.accent", f"{ratio:.2f}:1", "4.5:1", "WCAG AA")
    assert problem.location.line == line_of(issue, "accent:")
    suggestion = problem.message.split('"')[1]
    assert contrast(suggestion, "#ffffff") >= MIN_TEXT_CONTRAST


def test_the_contrast_check_passes_an_accent_just_dark_enough(tmp_path):
    # #767676 is the lightest grey at 4.5:1 on white; #777777 is just under.
    load(with_brand(tmp_path / "a", 'brand:\n  accent: "#767676"\n'))
    only_problem(with_brand(tmp_path / "b", 'brand:\n  accent: "#777777"\n'), "brand.accent", "4.48:1")


@pytest.mark.parametrize("accent", ["#ffff00", "#00ff00", "#aaaaaa", "#ff8800"])
def test_darker_shade_suggestions_pass(accent):
    assert contrast(darker_passing(accent), "#ffffff") >= MIN_TEXT_CONTRAST


@pytest.mark.parametrize(
    ("brand_yaml", "field_name", "text"),
    [
        ('brand:\n  accent: "red"\n', "brand.accent", "#rrggbb"),
        ("brand:\n  accent: 7a1f5c\n", "brand.accent", "#rrggbb"),
        ("brand:\n  accent: #7a1f5c\n", "brand.accent", "in quotes"),
        ("brand:\n  logo:\n", "brand.logo", "is empty"),
        ('brand:\n  accent: "#7a1f5c"\n  accent_cmyk: [0, 75, 25]\n', "brand.accent_cmyk", "four percentages"),
        ('brand:\n  accent: "#7a1f5c"\n  accent_cmyk: [0, 75, 25, 152]\n', "brand.accent_cmyk[3]", "at most 100"),
        ("brand:\n  accent_cmyk: [0, 75, 25, 52]\n", "brand.accent_cmyk", "give accent"),
        ("brand:\n  theme: harbor\n", "brand.theme", "Themes: "),
        ("brand:\n  colour: red\n", "brand.colour", "unknown field"),
        ("brand:\n  logo: brand/nope.png\n", "brand.logo", "does not exist"),
        ("brand:\n  logo: ../outside.png\n", "brand.logo", "outside"),
        ("brand:\n  logo: newsletter.yaml\n", "brand.logo", "not an image"),
        (
            "brand:\n  fonts: {body: Comic Serif}\n",
            "brand.fonts.body",
            "Bundled families: Noto Naskh Arabic, Noto Sans, Noto Sans Arabic",
        ),
        ("brand:\n  fonts: {headings: brand/fonts/nope}\n", "brand.fonts.headings", "does not exist"),
        ("brand:\n  fonts: {body: ../fonts}\n", "brand.fonts.body", "outside"),
        ("brand:\n  fonts: {body: brand}\n", "brand.fonts.body", "no font files"),
    ],
)
def test_each_brand_mistake_is_one_located_problem(tmp_path, brand_yaml, field_name, text):
    issue = with_brand(tmp_path, brand_yaml)
    problem = only_problem(issue, field_name, text)
    assert problem.location.line >= line_of(issue, "brand:")


def test_the_unknown_theme_message_lists_the_themes(tmp_path):
    problem = only_problem(with_brand(tmp_path, "brand:\n  theme: harbor\n"), "brand.theme")
    assert all(name in problem.message for name in theme_names())


def test_a_missing_style_names_the_missing_file(tmp_path):
    issue = with_brand(tmp_path, "brand:\n  fonts: {body: brand/fonts/body}\n")
    (issue.parent / "brand/fonts/body/HarbourText-BoldItalic.ttf").unlink()
    problem = only_problem(issue, "brand.fonts.body", "no bold italic file", "HarbourText-BoldItalic.ttf")
    assert "never fakes" in problem.message


def test_headings_need_no_bold_italic(tmp_path):
    issue = with_brand(tmp_path, "brand:\n  fonts: {headings: brand/fonts/body}\n")
    (issue.parent / "brand/fonts/body/HarbourText-BoldItalic.ttf").unlink()
    assert load(issue).brand.heading_family == EDITOR_FAMILY


def test_a_folder_of_two_families_is_refused(tmp_path):
    issue = with_brand(tmp_path, "brand:\n  fonts: {body: brand/fonts/body}\n")
    editor_fonts(issue.parent / "brand/fonts/body", "Other Face", {"Regular": "Regular"})
    only_problem(issue, "brand.fonts.body", "more than one family", "Other Face")


def test_a_font_named_like_a_bundled_family_is_refused(tmp_path):
    issue = with_brand(tmp_path, "brand:\n  fonts: {body: brand/fonts/copy}\n")
    editor_fonts(issue.parent / "brand/fonts/copy", "Noto Serif")
    only_problem(issue, "brand.fonts.body", "like a bundled family")


def test_a_file_that_is_not_a_font_is_refused(tmp_path):
    issue = with_brand(tmp_path, "brand:\n  fonts: {body: brand/fonts/body}\n")
    (issue.parent / "brand/fonts/body/Broken.ttf").write_bytes(b"not a font at all")
    only_problem(issue, "brand.fonts.body", "Broken.ttf is not a font file")


def test_a_font_file_linked_from_outside_is_refused(tmp_path):
    issue = with_brand(tmp_path, "brand:\n  fonts: {body: brand/fonts/body}\n")
    outside = editor_fonts(tmp_path / "elsewhere")
    target = issue.parent / "brand/fonts/body/HarbourText-Regular.ttf"
    target.unlink()
    target.symlink_to(outside / "HarbourText-Regular.ttf")
    only_problem(issue, "brand.fonts.body", "is a link to", "outside the publication")


def test_a_bundled_family_is_named_in_any_case(tmp_path):
    brand = load(with_brand(tmp_path, "brand:\n  fonts: {body: noto sans, headings: Noto-Serif}\n")).brand
    assert (brand.body_family, brand.heading_family, brand.faces) == ("Noto Sans", "Noto Serif", ())


def test_a_theme_sets_colours_and_type_and_the_brand_wins(tmp_path):
    brand = load(with_brand(tmp_path, 'brand:\n  theme: meadow\n  accent: "#7a1f5c"\n')).brand
    meadow = load_theme("meadow")
    assert brand.accent == "#7a1f5c" and brand.text == meadow.text
    assert (brand.body_family, brand.heading_family) == (meadow.body, meadow.headings)


@pytest.mark.parametrize("name", sorted(theme_names()))
def test_every_theme_is_readable_and_its_colours_pass(name):
    theme = load_theme(name)
    assert theme.description
    assert {theme.body, theme.headings} <= set(bundled_families())
    for colour in (theme.accent, theme.text, theme.muted):
        assert contrast(colour, "#ffffff") >= MIN_TEXT_CONTRAST, colour


def test_from_a_folder_of_many_weights_the_nearest_to_regular_and_bold_are_kept(tmp_path):
    from fontTools.ttLib import TTFont

    issue = with_brand(tmp_path, "brand:\n  fonts: {body: brand/fonts/body}\n")
    folder = issue.parent / "brand/fonts/body"
    for name, weight in (("AAALight", 300), ("AAABlack", 900)):  # sorted before the others
        font = TTFont(folder / "HarbourText-Regular.ttf")
        font["OS/2"].usWeightClass = weight
        if weight > 600:
            font["OS/2"].fsSelection |= 1 << 5  # bold
        font.save(folder / f"HarbourText-{name}.ttf")
    files = {Path(face.file).name for face in load(issue).brand.faces}
    assert files == {f"HarbourText-{s}.ttf" for s in ("Regular", "Bold", "Italic", "BoldItalic")}


def test_check_advises_when_the_editors_font_lacks_characters_the_issue_uses(tmp_path):
    from fontTools.ttLib import TTFont

    from newsletter_pdf.pipeline import check

    issue = branded_publication(tmp_path / "pub")
    regular = issue.parent / "brand/fonts/body/HarbourText-Regular.ttf"
    font = TTFont(regular)
    for table in font["cmap"].tables:  # the editor's font without a 'q'
        table.cmap.pop(ord("q"), None)
    font.save(regular)
    text = (issue / "articles" / "second.md").read_text(encoding="utf-8")
    (issue / "articles" / "second.md").write_text(text + "\nA quiet square.\n", encoding="utf-8")
    advice = [p for p in check(issue).advice if "has no" in p.message]
    assert len(advice) == 1 and "q" in advice[0].message and EDITOR_FAMILY in advice[0].message
    assert advice[0].field == "articles[1]" and advice[0].location.line is not None
    assert not [p for p in check(branded_publication(tmp_path / "full")).advice if "has no" in p.message]


def test_a_variable_font_is_refused_by_name(tmp_path):
    from fontTools.ttLib import TTFont, newTable

    issue = with_brand(tmp_path, "brand:\n  fonts: {body: brand/fonts/body}\n")
    path = issue.parent / "brand/fonts/body/HarbourText-Regular.ttf"
    font = TTFont(path)
    font["fvar"] = newTable("fvar")
    font["fvar"].axes, font["fvar"].instances = [], []
    font.save(path)
    only_problem(issue, "brand.fonts.body", "HarbourText-Regular.ttf is a variable font", "static files")
