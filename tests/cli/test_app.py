"""The command line through Typer's CliRunner: what it prints, the files it writes, its exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from support.bad_inputs import MINIMAL

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_build_writes_one_profile_and_prints_its_path(editable_issue, tmp_path):
    result = invoke("build", editable_issue, "-o", tmp_path, "-p", "email", "--html", "--report", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "the-millbrook-post-2025-11-email.pdf"
    assert pdf.is_file() and str(pdf) in result.output
    assert (tmp_path / "the-millbrook-post-2025-11.html").is_file()
    assert "Preflight" in result.output and "PDF/UA-1" in result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["outputs"][0]["variant"] == "PDF/UA-1"
    assert report["outputs"][0]["pages"] == 4


def test_quiet_build_prints_only_the_paths(editable_issue, tmp_path):
    result = invoke("build", editable_issue, "-o", tmp_path, "-p", "email", "-q")
    assert result.exit_code == 0
    assert result.output.strip().splitlines() == [str(tmp_path / "the-millbrook-post-2025-11-email.pdf")]


def test_bad_input_exits_1_names_file_line_and_field_and_writes_nothing(editable_issue, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    good = out / "the-millbrook-post-2025-11-email.pdf"
    good.write_bytes(b"%PDF-1.7 the last good build")
    issue_yaml = editable_issue / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("number: 23", "number: twenty-three"))
    result = invoke("build", editable_issue, "-o", out, "-p", "email")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        f"{issue_yaml}:5:1: number: number must be a whole number of at least 1; got 'twenty-three'." in result.output
    )
    assert "nothing was written" in result.output
    assert good.read_bytes() == b"%PDF-1.7 the last good build"
    assert sorted(p.name for p in out.iterdir()) == [good.name]


def test_missing_issue_folder_is_a_clear_error(tmp_path):
    result = invoke("build", tmp_path / "2031-01", "-o", tmp_path)
    assert result.exit_code == 1
    assert "is not a folder" in result.output and "Traceback" not in result.output


def test_unknown_layout_on_the_command_line_lists_the_layouts(editable_issue, tmp_path):
    result = invoke("build", editable_issue, "-o", tmp_path, "--layout", "fancy")
    assert result.exit_code == 1
    assert "no layout named 'fancy'" in result.output and "classic" in result.output


def test_an_internal_error_says_it_is_a_bug(monkeypatch, editable_issue, tmp_path):
    import newsletter_pdf.pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(newsletter_pdf.pipeline, "build", broken)
    result = invoke("build", editable_issue, "-o", tmp_path)
    assert result.exit_code == 3
    assert "internal error: ZeroDivisionError: boom" in result.output
    assert "This is a bug in newsletter-pdf" in result.output
    assert "Traceback" not in result.output


def test_batch_build_goes_on_after_a_failure_and_exits_1(tmp_path):
    import shutil

    shutil.copytree(MINIMAL, tmp_path / "src")
    good = tmp_path / "src" / "2025-11"
    bad = tmp_path / "src" / "2025-12"
    shutil.copytree(good, bad)
    (bad / "issue.yaml").write_text((bad / "issue.yaml").read_text().replace("volume: 1", "volume: none"))
    report = tmp_path / "batch.json"
    result = invoke("build", good, bad, "-o", tmp_path / "out", "-p", "email", "-j", "2", "--report", report)
    assert result.exit_code == 1
    assert (tmp_path / "out" / "the-test-bulletin-2025-11-email.pdf").is_file()
    assert "failed" in result.output and "volume" in result.output
    issues = json.loads(report.read_text())["issues"]
    assert [(i["issue"], i["ok"]) for i in issues] == [(str(good), True), (str(bad), False)]
    assert issues[0]["outputs"][0]["variant"] == "PDF/UA-1" and issues[0]["outputs"][0]["pages"] == 1
    assert "volume" in issues[1]["error"]


def test_check_is_quiet_about_a_good_issue(editable_issue):
    result = invoke("check", editable_issue)
    assert result.exit_code == 0
    assert "valid, 11 articles" in result.output
    assert "No advice" in result.output


def test_check_gives_located_advice(tmp_path):
    import shutil

    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    article = tmp_path / "2025-11" / "articles" / "second.md"
    article.write_text(article.read_text().replace("  alt: A small dot\n", ""))
    result = invoke("check", tmp_path / "2025-11")
    assert result.exit_code == 0
    assert f"{article}:3:1: articles[1].image.alt: the picture dot.png has no alt text" in result.output
    assert "prints at 176 dpi" in result.output  # 600 px across an 86.5 mm column


def test_check_warns_when_a_print_issue_cannot_fold_into_sheets(tmp_path):
    import shutil

    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    issue = tmp_path / "2025-11" / "issue.yaml"
    issue.write_text(issue.read_text().replace("volume: 1", "pages: 6\nvolume: 1", 1))
    result = invoke("check", tmp_path / "2025-11")
    assert result.exit_code == 0
    assert f"{issue}:2:1: pages: pages: 6 is not a multiple of 4" in result.output
    issue.write_text(issue.read_text().replace("pages: 6", "pages: 8"))
    assert "multiple of 4" not in invoke("check", tmp_path / "2025-11").output


def test_check_reports_errors_like_build(editable_issue):
    (editable_issue / "issue.yaml").write_text("date: 2025-11\nvolume: 4\nnumber: 23\narticles: []\n")
    result = invoke("check", editable_issue)
    assert result.exit_code == 1
    assert "an issue needs at least one article" in result.output


def test_check_does_not_import_weasyprint(editable_issue):
    import subprocess
    import sys

    code = (
        "import sys; from typer.testing import CliRunner; from newsletter_pdf.cli.app import app;"
        f"r = CliRunner().invoke(app, ['check', {str(editable_issue)!r}]); assert r.exit_code == 0, r.output;"
        "print('weasyprint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_new_then_build_works_as_it_stands(tmp_path):
    import shutil

    shutil.copytree(MINIMAL, tmp_path / "issues")
    result = invoke("new", tmp_path / "issues")
    assert result.exit_code == 0, result.output
    assert "volume 1, number 3" in result.output
    made = tmp_path / "issues" / "2025-12"
    assert (made / "issue.yaml").is_file()
    built = invoke("build", made, "-o", tmp_path / "out", "-p", "email", "-q")
    assert built.exit_code == 0, built.output


def test_every_command_shows_an_example_in_its_help():
    for command in ("build", "publish", "check", "new", "preview", "watch", "schema", "layouts"):
        result = invoke(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output, command


def test_layouts_lists_each_layout_with_a_description():
    result = invoke("layouts")
    assert result.exit_code == 0
    assert "classic" in result.output and "Two columns" in result.output
    assert "theme meadow" in result.output and "Dark leaf green" in result.output


def test_schema_writes_the_three_schemas(tmp_path):
    result = invoke("schema", tmp_path)
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "article.schema.json",
        "issue.schema.json",
        "newsletter.schema.json",
    ]


def test_preview_writes_pages_and_a_600px_cover(editable_issue, tmp_path):
    from PIL import Image

    result = invoke("preview", editable_issue, "-o", tmp_path, "--dpi", "40")
    assert result.exit_code == 0, result.output
    pages = sorted(tmp_path.glob("*-page*.png"))
    assert len(pages) == 4
    with Image.open(tmp_path / "the-millbrook-post-2025-11-cover.png") as cover:
        assert cover.width == 600
        assert cover.height == pytest.approx(600 * 297 / 210, abs=2)


def test_python_dash_m_runs_the_cli():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "newsletter_pdf", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "Usage" in result.stdout


def test_build_warns_once_when_harfbuzz_subsetting_is_missing(monkeypatch, editable_issue, tmp_path):
    import newsletter_pdf.cli.report as console
    import newsletter_pdf.render.engine as pdf

    monkeypatch.setattr(pdf, "harfbuzz_subsetting", lambda: False)
    monkeypatch.setattr(console, "_warned_about_subsetting", False)
    result = invoke("build", editable_issue, "-o", tmp_path, "-p", "email")
    assert result.exit_code == 0
    assert result.output.count("libharfbuzz-subset0 is not installed") == 1


def _minimal(tmp_path):
    import shutil

    shutil.copytree(MINIMAL, tmp_path / "pub")
    return tmp_path / "pub" / "2025-11"


@pytest.mark.parametrize(
    "args",
    [
        ["build", "{issue}", "--email-budget", "nan"],
        ["build", "{issue}", "--email-budget", "inf"],
        ["build", "{issue}", "--email-budget", "0"],
        ["build", "{issue}", "--jobs", "-1"],
        ["build", "{issue}", "{issue}", "--jobs", "-1"],
        ["build", "{issue}", "--report", "{issue}"],
        ["preview", "{issue}", "--dpi", "0"],
        ["preview", "{issue}", "--dpi", "100000"],
        ["preview", "{issue}", "--dpi", "many"],
    ],
    ids=lambda a: " ".join(a[2:]),
)
def test_a_bad_option_value_exits_2_with_a_usage_message_and_writes_nothing(tmp_path, args):
    issue = _minimal(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, [a.format(issue=issue) for a in args] + ["-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.output and "Invalid value" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, (ValueError, MemoryError))
    assert not out.exists()


def test_layout_in_issue_yaml_is_used_and_its_outputs_sit_beside_the_default_ones(tmp_path):
    issue = _minimal(tmp_path)
    out = tmp_path / "out"
    assert invoke("build", issue, "-o", out, "-p", "email", "-q").exit_code == 0
    issue_yaml = issue / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("number: 2", "number: 2\nlayout: large-print"))
    result = invoke("build", issue, "-o", out, "-p", "email", "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "the-test-bulletin-2025-11-email.pdf",
        "the-test-bulletin-2025-11-large-print-email.pdf",
    ]
    from pypdf import PdfReader

    def body_size(name):  # large print sets its text bigger: the issue's layout: was used
        page = PdfReader(out / name).pages[0]
        sizes = []
        page.extract_text(
            visitor_text=lambda text, cm, tm, font, size: sizes.append(size * tm[0]) if text.strip() else 0
        )
        return max(set(sizes), key=sizes.count)

    assert body_size("the-test-bulletin-2025-11-large-print-email.pdf") > body_size(
        "the-test-bulletin-2025-11-email.pdf"
    )


def test_edit_build_edit_build_works_with_no_flag(tmp_path):
    issue = _minimal(tmp_path)
    # images/ beside issue.yaml, named from articles/second.md as it would be from issue.yaml
    article = issue / "articles" / "second.md"
    article.write_text(article.read_text().replace("../images/dot.png", "images/dot.png"))
    out = tmp_path / "out"
    assert invoke("build", issue, "-o", out, "-p", "archive", "-q").exit_code == 0
    archive = out / "the-test-bulletin-2025-11-archive.pdf"
    first = archive.read_bytes()
    issue_yaml = issue / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("The first paragraph.", "The first paragraph, edited."))
    again = invoke("build", issue, "-o", out, "-p", "archive", "-q")
    assert again.exit_code == 0, again.output
    assert archive.read_bytes() != first
    from pypdf import PdfReader

    assert len(PdfReader(archive).pages[0].images) == 1, "the front-matter picture is in the PDF"
    # --force only typesets an unchanged issue again (issue 19); it never replaces a published copy.
    assert "archive" not in " ".join(invoke("build", "--help").output.split("--force")[1].split()[:12])


def test_preview_writes_to_its_own_folder_with_the_layout_in_the_names(tmp_path, monkeypatch):
    issue = _minimal(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = invoke("preview", issue, "--layout", "large-print", "--dpi", "20", "-q")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "preview"
    stem = "the-test-bulletin-2025-11-large-print"
    pages = [f"{stem}-page{n}.png" for n in (1, 2)]  # large print: the minimal issue takes two pages
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(
        [f"{stem}-cover.png", f"{stem}-email.pdf", *pages]
    )
    assert result.output.split() == [f"out/preview/{name}" for name in [*pages, f"{stem}-cover.png"]]
    (folder / f"{stem}-page9.png").write_bytes(b"left from a longer issue")
    assert invoke("preview", issue, "--layout", "large-print", "--dpi", "20", "-q").exit_code == 0
    assert not (folder / f"{stem}-page9.png").exists()


def test_new_carries_pages_layout_boxes_and_folders_and_check_says_the_template_is_not_ready(tmp_path):
    import shutil

    shutil.copytree(MINIMAL, tmp_path / "issues")
    previous = tmp_path / "issues" / "2025-11"
    (previous / "images" / "logos").mkdir()
    box = previous / "articles" / "second.md"
    box.write_text(box.read_text().replace("title: Second article", "title: Second article\nkind: box"))
    issue_yaml = previous / "issue.yaml"
    issue_yaml.write_text(
        "# yaml-language-server: $schema=../schema/issue.schema.json\n"
        + issue_yaml.read_text().replace("number: 2", "number: 2\npages: 2\nlayout: modern")
    )
    result = invoke("new", tmp_path / "issues")
    assert result.exit_code == 0, result.output
    made = tmp_path / "issues" / "2025-12"
    text = (made / "issue.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/issue.schema.json\n")
    assert "pages: 2\n" in text and "layout: modern\n" in text
    assert "carried over from 2025-11" in text and "- file: articles/second.md" in text
    assert (made / "articles" / "second.md").read_text() == box.read_text()
    assert (made / "images" / "dot.png").is_file(), "the box's picture came along"
    assert (made / "images" / "logos").is_dir()

    check = invoke("check", made)
    assert check.exit_code == 0, check.output
    assert "is still the template that `new` wrote" in check.output and "not ready" in check.output
    assert "looks ready" not in check.output


def test_check_flags_http_links_in_article_text(tmp_path):
    issue = _minimal(tmp_path)
    issue_yaml = issue / "issue.yaml"
    issue_yaml.write_text(
        issue_yaml.read_text().replace(
            "The first paragraph.",
            "The first paragraph, see [the club](http://club.example.org) or https://ok.example.org.",
        )
    )
    result = invoke("check", issue)
    assert result.exit_code == 0
    assert "the link http://club.example.org in the text uses http://" in result.output
    assert "https://ok.example.org" not in result.output


def test_advice_and_errors_show_paths_relative_to_the_current_folder(tmp_path, monkeypatch):
    issue = _minimal(tmp_path)
    monkeypatch.chdir(tmp_path)
    article = issue / "articles" / "second.md"
    article.write_text(article.read_text().replace("  alt: A small dot\n", ""))
    advice = invoke("check", issue)
    assert "pub/2025-11/articles/second.md:3:1: articles[1].image.alt" in advice.output
    assert str(tmp_path) not in advice.output
    article.write_text(article.read_text().replace("../images/dot.png", "../images/dots.png"))
    error = invoke("check", issue)
    assert error.exit_code == 1
    assert "looked for pub/2025-11/images/dots.png" in error.output and str(tmp_path) not in error.output


def test_each_warning_is_said_once_naming_the_outputs_it_concerns():
    from newsletter_pdf.cli.report import once

    warnings = [
        ("print", 'Unable to subset "Noto Serif" with HarfBuzz'),
        ("print", 'Unable to subset "Noto Sans" with HarfBuzz'),
        ("email", 'Unable to subset "Noto Serif" with HarfBuzz'),
        ("email", "page count: under by 3 lines"),
        ("archive", "page count: under by 3 lines"),
    ]
    assert once(warnings) == [
        "print, email: HarfBuzz could not subset Noto Serif, Noto Sans; fontTools subset them instead.",
        "email, archive: page count: under by 3 lines",
    ]


def test_a_page_count_that_cannot_be_reached_is_said_once(tmp_path):
    issue = _minimal(tmp_path)
    issue_yaml = issue / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("number: 2", "number: 2\npages: 4"))
    result = invoke("build", issue, "-o", tmp_path / "out", "-p", "email", "-p", "archive")
    # Never a silently different count: the build stops, says why once, and writes nothing.
    assert result.exit_code == 1, result.output
    assert result.output.count("under by") == 1, result.output
    assert "pages: 4 cannot be met in the screen edition: under by" in " ".join(result.output.split())
    assert not list((tmp_path / "out").glob("*.pdf"))
