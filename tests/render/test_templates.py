"""Templates run sandboxed, are read only from inside the layout folders, and fail at their file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from newsletter_pdf.errors import ValidationProblems
from newsletter_pdf.pipeline import prepare
from support.bad_inputs import MINIMAL

EXPLOITS = [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'].system('touch PWNED') }}",
    "{{ publication.__class__.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ article_views.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ fonts[0].path.parent.joinpath('/etc/passwd').read_text() }}",
    "{{ (fonts[0].path.parents | list)[-1].joinpath('etc', 'passwd').read_bytes() }}",
    "{% set p = fonts[0].path %}{{ p.open().read() }}",
]


@pytest.fixture
def own_layout(tmp_path) -> Path:
    """The minimal publication with layout_dir: own; returns the own/ folder."""
    shutil.copytree(MINIMAL, tmp_path / "pub")
    path = tmp_path / "pub" / "newsletter.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["layout_dir"] = "own"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (tmp_path / "pub" / "own").mkdir()
    return tmp_path / "pub" / "own"


def template_problem(own: Path):
    with pytest.raises(ValidationProblems) as info:
        prepare(own.parent / "2025-11")
    (problem,) = info.value.problems
    return problem


def masthead(own: Path, line2: str) -> Path:
    path = own / "masthead.html.j2"
    path.write_text(f'<header class="masthead">\n  <h1>{line2}</h1>\n</header>\n', encoding="utf-8")
    return path


def test_an_own_masthead_replaces_the_layouts(own_layout):
    masthead(own_layout, "{{ publication.name | upper }} (our own masthead)")
    _, _, html = prepare(own_layout.parent / "2025-11")
    assert "<h1>THE TEST BULLETIN (our own masthead)</h1>" in html


@pytest.mark.parametrize("exploit", EXPLOITS)
def test_a_template_reaching_python_internals_is_a_located_problem(own_layout, exploit, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = masthead(own_layout, exploit)
    problem = template_problem(own_layout)
    assert problem.location.file == path and problem.location.line == 2, str(problem)
    assert "sandbox" in problem.message or "undefined" in problem.message, str(problem)
    assert not (tmp_path / "PWNED").exists()


def test_without_the_sandbox_the_exploits_would_run(own_layout):
    """The guard for the test above: a plain Jinja environment reaches os, Jinja's own sandbox reads files."""
    import jinja2

    from newsletter_pdf.render.html import font_faces
    from newsletter_pdf.render.templates import Sandbox

    text = "{{ cycler.__init__.__globals__.os.getcwd() }}"
    assert jinja2.Environment().from_string(text).render() != ""
    with pytest.raises(jinja2.exceptions.SecurityError):
        jinja2.sandbox.SandboxedEnvironment().from_string(text).render()
    reader = "{{ fonts[0].path.parent.joinpath('/etc/passwd').read_text() }}"
    assert "root:" in jinja2.sandbox.SandboxedEnvironment().from_string(reader).render(fonts=font_faces())
    with pytest.raises(jinja2.exceptions.SecurityError):
        Sandbox().from_string(reader).render(fonts=font_faces())
    assert Sandbox().from_string("{{ fonts[0].path.name }}").render(fonts=font_faces()).endswith(".ttf")


def test_a_template_linked_to_a_file_outside_is_refused(own_layout, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET\n", encoding="utf-8")
    (own_layout / "masthead.html.j2").symlink_to(secret)
    problem = template_problem(own_layout)
    assert problem.location.file == own_layout / "masthead.html.j2"
    assert "is a link to" in problem.message and str(secret) in problem.message
    assert "issue.html.j2, line" in problem.message  # where it was included from


def test_a_template_linked_to_etc_passwd_is_refused(own_layout):
    (own_layout / "style.css").symlink_to("/etc/passwd")
    problem = template_problem(own_layout)
    assert problem.location.file == own_layout / "style.css" and "/etc/passwd" in problem.message


def test_a_link_inside_the_layout_folder_is_followed(own_layout):
    masthead(own_layout, "linked masthead")
    (own_layout / "parts").mkdir()
    (own_layout / "masthead.html.j2").rename(own_layout / "parts" / "m.html.j2")
    (own_layout / "masthead.html.j2").symlink_to(own_layout / "parts" / "m.html.j2")
    assert "linked masthead" in prepare(own_layout.parent / "2025-11")[2]


def test_a_layout_yaml_linked_from_outside_is_refused(own_layout, tmp_path):
    (tmp_path / "elsewhere.yaml").write_text("columns: 3\n", encoding="utf-8")
    (own_layout / "layout.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    problem = template_problem(own_layout)
    assert problem.location.file == own_layout / "layout.yaml" and "is a link to" in problem.message


@pytest.mark.parametrize(
    ("line2", "text"),
    [
        ("{{ publication.nmae }}", "has no attribute 'nmae'"),
        ("{{ publication.name | nosuchfilter }}", "No filter named 'nosuchfilter'"),
        ("{% if %}", "not valid Jinja"),
        ("{{ 1 / 0 }}", "division by zero"),
        ('{% include "../../../../../../etc/passwd" %}', "passwd"),
    ],
)
def test_a_template_mistake_is_reported_at_its_file_and_line(own_layout, line2, text):
    path = masthead(own_layout, line2)
    problem = template_problem(own_layout)
    assert (problem.location.file, problem.location.line) == (path, 2), str(problem)
    assert text in problem.message, str(problem)


def test_the_cli_exits_1_with_the_template_line_and_writes_nothing(own_layout, tmp_path):
    path = masthead(own_layout, EXPLOITS[0])
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(own_layout.parent / "2025-11"), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert f"{path}:2" in " ".join(result.output.split()).replace(" ", "") or f"{path}:2" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_our_own_templates_run_in_the_sandbox():
    from jinja2.sandbox import SandboxedEnvironment

    from newsletter_pdf.render.html import environment
    from newsletter_pdf.render.layouts import available, load_layout

    for name in available():
        assert isinstance(environment(load_layout(name).search_path), SandboxedEnvironment)


def readme_masthead() -> str:
    from support.paths import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Overriding a template", 1)[1]
    return section.split("```jinja\n", 1)[1].split("```", 1)[0]


def test_the_readme_override_example_builds_and_the_footer_keeps_the_name(own_layout, tmp_path):
    """The documented override replaces the masthead; the footer still names the publication."""
    import pdfplumber

    from newsletter_pdf.pipeline import build

    (own_layout / "masthead.html.j2").write_text(readme_masthead(), encoding="utf-8")
    result = build(own_layout.parent / "2025-11", tmp_path / "out", profiles=["email"])
    with pdfplumber.open(result.pdf) as pdf:
        page = pdf.pages[0]
        top = page.within_bbox((0, 0, page.width, 200)).extract_text()
        footer = page.within_bbox((0, page.height - 60, page.width, page.height)).extract_text()
    assert top.index("A minimal publication for the tests") < top.index("The Test Bulletin")
    assert "NOVEMBER 2025 · VOLUME 1, NUMBER 2" in top  # classic sets the date line in capitals
    assert "The Test Bulletin" in footer and "November 2025" in footer


def test_weasyprint_may_read_the_brand_files_and_nothing_else_of_the_publication(tmp_path):
    from newsletter_pdf.pipeline import allowed_roots
    from newsletter_pdf.render.engine import SandboxFetcher
    from support.brand import branded_publication

    issue = branded_publication(tmp_path / "pub")
    newsletter, layout, _ = prepare(issue)
    fetcher = SandboxFetcher(allowed_roots(newsletter, layout))
    assert fetcher.allows((issue.parent / "brand" / "logo.png").as_uri())
    assert fetcher.allows((issue.parent / "brand/fonts/body/HarbourText-Bold.ttf").as_uri())
    assert not fetcher.allows((issue.parent / "brand/fonts/body/OFL.txt").as_uri())
    assert not fetcher.allows((issue.parent / "newsletter.yaml").as_uri())


def test_no_module_makes_a_jinja_environment_outside_the_sandbox():
    from support.paths import ROOT

    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "newsletter_pdf").rglob("*.py")
        if any(s in p.read_text(encoding="utf-8") for s in ("jinja2.Environment(", "Environment(loader", "Template("))
        and p.name != "templates.py"
    ]
    assert offenders == []


@pytest.mark.weasyprint_may_warn  # WeasyPrint logs the refused fetch; the build turns it into an error
def test_a_picture_in_the_layout_css_linked_from_outside_is_refused(own_layout, tmp_path):
    from newsletter_pdf.errors import UserError
    from newsletter_pdf.pipeline import build

    outside = tmp_path / "outside.png"
    shutil.copy(MINIMAL / "2025-11" / "images" / "dot.png", outside)
    (own_layout / "bg.png").symlink_to(outside)
    (own_layout / "style.css").write_text(
        f'.masthead {{ background: url("{(own_layout / "bg.png").as_uri()}"); }}\n', encoding="utf-8"
    )
    with pytest.raises(UserError, match="outside the allowed folders") as info:
        build(own_layout.parent / "2025-11", tmp_path / "out", profiles=["email"])
    assert "bg.png" in str(info.value) and not (tmp_path / "out").exists()
