import shutil

import pytest

from newsletter_pdf.errors import UserError, ValidationProblems
from newsletter_pdf.pipeline import prepare
from newsletter_pdf.render.layouts import BASE, available, load_layout
from support.bad_inputs import MINIMAL


def test_layouts_are_folders_with_defaults():
    layouts = available()
    assert "classic" in layouts and BASE not in layouts
    for name in layouts:
        layout = load_layout(name)
        assert layout.description, name
        assert layout.search_path[-1].endswith(BASE)


def test_classic_has_two_columns():
    assert load_layout("classic").columns == 2


def test_unknown_layout_lists_the_available_ones():
    with pytest.raises(UserError, match=r"Available layouts: .*classic"):
        load_layout("nope")


@pytest.fixture
def own_layout(tmp_path):
    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    own = tmp_path / "house-style"
    own.mkdir()
    publication = tmp_path / "newsletter.yaml"
    publication.write_text(publication.read_text() + "layout_dir: house-style\n")
    return own


def test_the_publications_own_folder_overrides_templates_and_defaults(own_layout):
    (own_layout / "masthead.html.j2").write_text('<header class="masthead">OUR OWN MASTHEAD</header>\n')
    (own_layout / "layout.yaml").write_text("columns: 3\ncolors: {accent: '#aa0000'}\n")
    _, layout, html = prepare(own_layout.parent / "2025-11")
    assert "OUR OWN MASTHEAD" in html
    assert layout.columns == 3 and layout.colors.accent == "#aa0000"
    assert layout.colors.box == load_layout("classic").colors.box  # the rest falls back
    assert "column-count: 3;" in html


def test_layout_values_that_are_not_plain_css_tokens_are_refused(own_layout):
    (own_layout / "layout.yaml").write_text("colors: {accent: 'red; background: url(http://127.0.0.1/x)'}\n")
    with pytest.raises(ValidationProblems) as info:
        prepare(own_layout.parent / "2025-11")
    assert "colour" in str(info.value)


def test_a_missing_layout_dir_is_reported_where_it_is_named(tmp_path):
    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    publication = tmp_path / "newsletter.yaml"
    publication.write_text(publication.read_text() + "layout_dir: nowhere\n")
    with pytest.raises(ValidationProblems) as info:
        prepare(tmp_path / "2025-11")
    (problem,) = info.value.problems
    assert problem.field == "layout_dir" and problem.location.line == 15
