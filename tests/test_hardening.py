"""Hostile and faulty inputs (issue 16): each ends in seconds with a located message or a correct build.

Every class has the issue's example and held-out cases of the same class written differently
(another file, another field, block style instead of flow style ...). Each CLI run is a real
process with a time limit, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from newsletter_pdf.errors import UserError, ValidationProblems
from newsletter_pdf.input.loader import load
from support.bad_inputs import MINIMAL
from support.paths import ROOT

SECONDS = 60  # far beyond what any case below needs (a few seconds); a hang fails instead of stalling


@pytest.fixture
def issue(tmp_path) -> Path:
    shutil.copytree(MINIMAL, tmp_path / "pub")
    return tmp_path / "pub" / "2025-11"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The CLI in a real process, bounded in time."""
    return subprocess.run(
        [sys.executable, "-m", "newsletter_pdf", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=SECONDS,
        env={**os.environ, "COLUMNS": "200"},
    )


def assert_refused(issue: Path, *texts: str, process: bool = False) -> str:
    """`check` exits 1 with a located message holding texts; no traceback, no internal error.

    process: in a real process with a time limit (a hang fails); else in this one (faster).
    """
    if process:
        done = run_cli("check", os.fsdecode(issue))
        code, output = done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace")
    else:
        from typer.testing import CliRunner

        from newsletter_pdf.cli.app import app

        result = CliRunner().invoke(app, ["check", os.fsdecode(issue)])
        code, output = result.exit_code, result.output
    assert code == 1, output
    assert "Traceback" not in output and "internal error" not in output, output
    for text in texts:
        assert text in output, output
    return output


def problems_of(issue: Path) -> list:
    with pytest.raises(ValidationProblems) as info:
        load(issue)
    for problem in info.value.problems:
        assert problem.location.line is not None, f"not located: {problem}"
    return info.value.problems


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- hangs and cost blow-ups: YAML --------------------------------------------------------------


def laughs(levels: int = 9, width: int = 9, prefix: str = "a") -> str:
    lines = [f"{prefix}0: &{prefix}0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"{prefix}{level}: &{prefix}{level} [{', '.join([f'*{prefix}{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_in_issue_yaml_is_refused_at_the_alias(issue):
    append(issue / "issue.yaml", laughs())
    [problem] = problems_of(issue)
    assert "alias" in problem.message and problem.location.file.name == "issue.yaml"
    assert_refused(issue, "issue.yaml:", "alias", process=True)


def test_held_out_laughs_in_block_style_in_article_front_matter(issue):
    """Held out: block-style lists, in an article file's front matter, under another anchor name."""
    lines = ["x0: &x0", *["  - ha"] * 10]
    for level in range(1, 8):
        lines += [f"x{level}: &x{level}", *[f"  - *x{level - 1}"] * 10]
    replace(
        issue / "articles" / "second.md", "title: Second article\n", "title: Second article\n" + "\n".join(lines) + "\n"
    )
    [problem] = problems_of(issue)
    assert problem.location.file.name == "second.md" and "alias" in problem.message
    assert_refused(issue, "second.md:")


def test_held_out_one_big_list_repeated_by_many_aliases_in_newsletter_yaml(issue):
    """Held out: no nesting of aliases, just one 200-value list used 300 times (quadratic, not exponential)."""
    big = "big: &big [" + ", ".join(str(n) for n in range(200)) + "]\n"
    uses = "uses: [" + ", ".join(["*big"] * 300) + "]\n"
    append(issue.parent / "newsletter.yaml", big + uses)
    assert_refused(issue, "newsletter.yaml:", "alias")


def test_a_few_aliases_for_a_repeated_value_still_load(issue):
    replace(issue / "issue.yaml", "author: A. Writer", "author: &who A. Writer")
    append(issue / "issue.yaml", "  - title: Third article\n    author: *who\n    body: More.\n")
    newsletter = load(issue)
    assert [a.author for a in newsletter.issue.articles] == ["A. Writer", None, "A. Writer"]


@pytest.mark.parametrize(
    "where, text",
    [
        ("issue.yaml", "x: " + "[" * 300 + "]" * 300 + "\n"),  # flow style (the earlier fix)
        ("issue.yaml", "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1\n"),  # held out: block
        ("newsletter.yaml", "x: " + "{a: " * 150 + "1" + "}" * 150 + "\n"),  # held out: mappings, other file
    ],
    ids=["flow lists", "block mappings", "flow mappings in newsletter.yaml"],
)
def test_deep_nesting_is_refused_with_its_line(issue, where, text):
    path = issue / where if where == "issue.yaml" else issue.parent / where
    lines_before = path.read_text(encoding="utf-8").count("\n")
    append(path, text)
    [problem] = problems_of(issue)
    assert "nested" in problem.message and problem.location.line > lines_before
    assert_refused(issue, f"{where}:")


@pytest.mark.parametrize(
    "old, new",
    [
        ("volume: 1", "volume: " + "4" * 4000),  # the issue's example
        ("number: 2", "number: " + "9" * 60),  # held out: another field, fewer digits
        ("volume: 1", "volume: 1." + "5" * 3000),  # held out: a float
        ("volume: 1", "volume: 0x" + "f" * 500),  # held out: hexadecimal
    ],
    ids=["4000-digit volume", "60-digit number", "long float", "long hex"],
)
def test_a_number_thousands_of_digits_long_is_refused_with_its_line(issue, old, new):
    replace(issue / "issue.yaml", old, new)
    [problem] = problems_of(issue)
    assert "characters long" in problem.message and problem.location.line in (2, 3)
    assert_refused(issue, "issue.yaml:", process="4000" in new[:20] or len(new) > 4000)


def test_a_long_number_quoted_as_text_is_text(issue):
    replace(issue / "issue.yaml", "author: A. Writer", "author: '" + "7" * 200 + "'")
    assert load(issue).issue.articles[0].author == "7" * 200


# --- hangs and cost blow-ups: pages: on a huge issue ----------------------------------------------


def test_pages_out_of_reach_is_refused_before_any_layout(tmp_path, monkeypatch):
    from newsletter_pdf.pipeline import build
    from newsletter_pdf.render import engine
    from support.stress_issue import write_stress_issue

    issue = write_stress_issue(tmp_path / "pub", articles=300, with_images=False)
    text = (issue / "issue.yaml").read_text(encoding="utf-8")
    (issue / "issue.yaml").write_text("pages: 4\n" + text, encoding="utf-8")

    def no_layout(*args, **kwargs):
        raise AssertionError("a layout was started for a page count out of reach")

    monkeypatch.setattr(engine, "render", no_layout)
    with pytest.raises(UserError) as info:
        build(issue, tmp_path / "out", profiles=["email"])
    message = str(info.value)
    assert "pages: 4 cannot hold" in message and "300 articles" in message
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.pdf"))


def test_the_estimate_stays_below_the_real_page_count(stress_build):
    """The estimate refuses only what is surely out of reach: it is lower than the pages really set."""
    from newsletter_pdf.pipeline import prepare
    from newsletter_pdf.render.fitting import least_pages, pages_out_of_reach

    newsletter, layout, _ = prepare(stress_build.newsletter.issue_dir)
    assert least_pages(newsletter, layout) < stress_build.pages
    assert pages_out_of_reach(newsletter, layout, stress_build.pages) is None
    assert pages_out_of_reach(newsletter, layout, 1) is not None


# --- internal errors where the input is at fault -----------------------------------------------


def test_a_source_too_long_for_a_qr_code_prints_without_one_and_warns(issue, tmp_path):
    url = "https://example.org/" + "q" * 2400  # just over what a QR code holds (2331 bytes at level M)
    replace(issue / "issue.yaml", "author: A. Writer", f"author: A. Writer\n    source: {url}")
    done = run_cli("build", str(issue), "-o", str(tmp_path / "out"), "-p", "print")
    output = (done.stdout + done.stderr).decode()
    assert done.returncode == 0, output
    assert "too long for a QR code" in output and "issue.yaml:" in output
    import pypdf

    reader = pypdf.PdfReader(tmp_path / "out" / "the-test-bulletin-2025-11-print.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "example.org/qqqq" in text.replace("\n", "")  # the address itself is printed


def test_a_source_a_qr_code_can_hold_still_gets_one(issue):
    from newsletter_pdf.pipeline import prepare

    replace(
        issue / "issue.yaml", "author: A. Writer", "author: A. Writer\n    source: https://example.org/" + "q" * 1500
    )
    _, _, html = prepare(issue)
    assert 'class="qr"' in html


def _loop(folder: Path, name: str) -> None:
    (folder / f"{name}-a").symlink_to(f"{name}-b")
    (folder / f"{name}-b").symlink_to(f"{name}-a")


@pytest.mark.parametrize("what", ["image", "body image", "article file", "layout_dir", "folder in the path"])
def test_a_symlink_loop_is_a_located_problem(issue, what):
    if what == "image":
        _loop(issue / "images", "pic.png")
        replace(issue / "articles" / "second.md", "../images/dot.png", "../images/pic.png-a")
        where = "second.md:"
    elif what == "body image":
        _loop(issue / "images", "pic.png")
        replace(issue / "issue.yaml", "The first paragraph.", "The first paragraph. ![x](images/pic.png-b)")
        where = "issue.yaml:"
    elif what == "article file":
        _loop(issue / "articles", "third.md")
        replace(issue / "issue.yaml", "articles/second.md", "articles/third.md-a")
        where = "issue.yaml:"
    elif what == "layout_dir":
        _loop(issue.parent, "mine")
        replace(issue.parent / "newsletter.yaml", "language: en", "language: en\nlayout_dir: mine-a")
        where = "newsletter.yaml:"
    else:  # held out: the loop is a folder on the way to the picture
        _loop(issue, "dir")
        replace(issue / "articles" / "second.md", "../images/dot.png", "../dir-a/dot.png")
        where = "second.md:"
    [problem] = problems_of(issue)
    assert "circle" in problem.message
    assert_refused(issue, where, "circle")


def _non_utf8_copy(tmp_path: Path) -> Path:
    root = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9-\xff"))
    shutil.copytree(MINIMAL, root)
    return root / "2025-11"


def test_an_issue_folder_whose_name_is_not_utf8_builds_with_its_pictures(tmp_path):
    from newsletter_pdf.pipeline import build

    issue = _non_utf8_copy(tmp_path)
    result = build(issue, tmp_path / "out", profiles=["email", "archive"])
    assert result.pages >= 1
    assert [Path(i.file).name for i in result.output("email").report.images] == ["dot.png"]


def test_an_issue_folder_whose_name_is_not_utf8_checks_in_a_real_process(tmp_path):
    issue = _non_utf8_copy(tmp_path)
    done = run_cli("check", os.fsdecode(issue))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["build", "{issue}", "--jobs", "-1"],
        ["build", "{issue}", "--jobs", "1000000"],
        ["build", "{issue}", "--email-budget", "-1"],
        ["build", "{issue}", "--email-budget", "0"],
        ["preview", "{issue}", "--dpi", "0"],
        ["preview", "{issue}", "--dpi", "-5"],
        ["preview", "{issue}", "--dpi", "100000"],
    ],
    ids=lambda a: " ".join(a[2:]),
)
def test_option_values_out_of_range_are_usage_errors(issue, tmp_path, args):
    """Exit 2 with a message, before any work (the CLI checks them: the editor-loop issue)."""
    args = [a.replace("{issue}", str(issue)) for a in args] + ["-o", str(tmp_path / "out")]
    done = run_cli(*args)
    output = (done.stdout + done.stderr).decode()
    assert done.returncode == 2, output
    assert "Traceback" not in output and "internal error" not in output
    assert not any((tmp_path / "out").glob("*.pdf")) if (tmp_path / "out").exists() else True


# --- content that misleads silently --------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["\u200b\u200b", "\u202e", "\u2066\u2069\u200d", "\ufeff ", "\u3164", "\u2800\u2800"],
    ids=["zero-width spaces", "RLO only", "isolates and a joiner", "BOM and a space", "Hangul filler", "blank Braille"],
)
@pytest.mark.parametrize("field_name", ["articles[0].title", "name", "about.title"])
def test_text_made_only_of_invisible_characters_is_empty(issue, value, field_name):
    import json

    quoted = json.dumps(value)  # a YAML double-quoted string with \u escapes
    if field_name == "articles[0].title":
        replace(issue / "issue.yaml", "title: First article", f"title: {quoted}")
    elif field_name == "name":
        replace(issue.parent / "newsletter.yaml", "name: The Test Bulletin", f"name: {quoted}")
    else:
        replace(issue.parent / "newsletter.yaml", "title: About the Test Society", f"title: {quoted}")
    [problem] = problems_of(issue)
    assert problem.field == field_name and "empty" in problem.message


def test_bidi_controls_in_a_title_are_isolated_and_print(issue, tmp_path):
    import pypdf

    from newsletter_pdf.pipeline import build

    replace(issue / "issue.yaml", "title: First article", 'title: "Gala \\u202Enoitcelloc\\u202C night"')
    replace(issue / "articles" / "second.md", "title: Second article", 'title: "\\u202Bمرحبا night"')
    newsletter = load(issue)
    assert [a.title[0] + a.title[-1] for a in newsletter.issue.articles] == ["\u2068\u2069"] * 2
    result = build(issue, tmp_path / "out", profiles=["email"])  # no WeasyPrint warning (autouse fixture)
    text = pypdf.PdfReader(result.pdf).pages[0].extract_text()
    assert "Second article" not in text and "night" in text


def test_control_characters_are_stripped_with_a_warning_naming_the_article(issue):
    replace(issue / "articles" / "second.md", "The second article's body.", "The second \x1b[31marticle's\x07 body.")
    replace(issue / "issue.yaml", "author: A. Writer", 'author: "A. \\e]0;owned\\aWriter"')
    newsletter = load(issue)
    assert "\x1b" not in newsletter.issue.articles[1].body and "\x07" not in newsletter.issue.articles[1].body
    assert "\x1b" not in newsletter.issue.articles[0].author
    notices = {n.field: n for n in newsletter.notices}
    assert set(notices) == {"articles[0].author", "articles[1].body"}
    assert "'Second article'" in notices["articles[1].body"].message
    assert notices["articles[1].body"].location.file.name == "second.md"
    assert notices["articles[0].author"].location.line == 7
    done = run_cli("check", str(issue))
    assert done.returncode == 0
    assert b"\x1b" not in done.stdout + done.stderr and b"\x07" not in done.stdout + done.stderr
    assert b"control character" in done.stdout + done.stderr


@pytest.mark.parametrize(
    "body",
    [
        "\n".join("  " * depth + f"- level {depth}" for depth in range(12)),  # nested list items
        ">" * 25 + " the innermost words",  # held out: quotes
        "\n".join("   " * depth + f"1. step {depth}" for depth in range(11)),  # held out: ordered lists
    ],
    ids=["bullets", "quotes", "numbered"],
)
def test_markdown_nested_deeper_than_the_parser_keeps_is_a_located_problem(issue, body):
    import json

    replace(issue / "issue.yaml", "body: |\n      The first paragraph.", "body: " + json.dumps(body))
    [problem] = problems_of(issue)
    assert problem.field == "articles[0].body" and "nested" in problem.message


def test_markdown_nested_a_readable_depth_is_kept(issue):
    import json

    body = "\n".join("  " * depth + f"- level {depth}" for depth in range(7))
    replace(issue / "issue.yaml", "body: |\n      The first paragraph.", "body: " + json.dumps(body))
    assert "level 6" in load(issue).issue.articles[0].body


FILE_LINKS = ["/etc/passwd", "../x", "notes.html", "~/secret.txt", "C:\\Users\\me\\cv.doc", "file:///etc/passwd"]


def test_links_to_files_never_become_links(issue, tmp_path):
    """The issue's examples (/etc/passwd, ../x) and held-out ones, in one build."""
    import pikepdf

    from newsletter_pdf.pipeline import build

    links = " ".join(f"[secret {n}]({href})" for n, href in enumerate(FILE_LINKS))
    replace(issue / "issue.yaml", "The first paragraph.", f"The first paragraph, {links} [web](https://example.org/).")
    result = build(issue, tmp_path / "out", profiles=["email", "archive"])
    for output in result.outputs:
        with pikepdf.open(output.path) as pdf:
            uris = [
                str(annot.A.URI)
                for page in pdf.pages
                for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A
            ]
        assert "https://example.org/" in uris, uris  # the guard: a real link is found
        assert all(u.startswith(("https:", "mailto:")) for u in uris), uris  # no file: link, no relative one
    warned = [w for w in result.notices if "printed as plain text" in w]
    # markdown-it itself never links file: (that text stays as written); the others are each warned about
    assert len(warned) == len(FILE_LINKS) - 1, warned
    assert all("issue.yaml:" in w and "articles[0].body" in w for w in warned)


def test_web_and_email_links_stay_links(issue, tmp_path):
    from newsletter_pdf import markdown as md

    html = md.render("[a](https://example.org/a) [b](mailto:x@example.org) [c](#article-2)")
    assert html.count("<a href=") == 3
    assert md.refused_links("[a](https://example.org/a) [b](mailto:x@example.org)") == []


# --- images ------------------------------------------------------------------------------------------


def _jpeg(size=(300, 200)) -> bytes:
    stream = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(stream, "JPEG", quality=90)
    return stream.getvalue()


def _png(size=(300, 200)) -> bytes:
    stream = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(stream, "PNG")
    return stream.getvalue()


@pytest.mark.parametrize(
    "name, data",
    [
        ("cut.jpg", _jpeg()[: len(_jpeg()) * 2 // 3]),  # the issue's example
        ("cut.png", _png()[: len(_png()) // 2]),  # held out: a PNG
        ("cut-small.jpg", _jpeg((40, 30))[:-200]),  # held out: only the end missing
    ],
    ids=["jpeg", "png", "jpeg tail"],
)
def test_a_truncated_picture_is_a_located_problem(issue, name, data):
    (issue / "images" / name).write_bytes(data)
    replace(issue / "articles" / "second.md", "../images/dot.png", f"../images/{name}")
    [problem] = problems_of(issue)
    assert "cut short" in problem.message and problem.location.file.name == "second.md"


def test_a_whole_jpeg_is_accepted(issue):
    (issue / "images" / "whole.jpg").write_bytes(_jpeg())
    replace(issue / "articles" / "second.md", "../images/dot.png", "../images/whole.jpg")
    assert load(issue).issue.articles[1].image.src.endswith("whole.jpg")


def _bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width // 8 + 1) * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def _svg(inner: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="100" height="100">{inner}</svg>'
    )


def _data_uri(data: bytes, media: str) -> str:
    import base64

    return f"data:{media};base64,{base64.b64encode(data).decode()}"


@pytest.mark.parametrize(
    "case",
    ["data uri bomb", "file bomb", "xlink data bomb", "svg in svg bomb", "data uri truncated jpeg"],
)
def test_pictures_inside_an_svg_get_the_limits_of_an_article_image(issue, case):
    images = issue / "images"
    if case == "data uri bomb":
        inner = f'<image href="{_data_uri(_bomb_png(), "image/png")}" width="10" height="10"/>'
    elif case == "file bomb":
        (images / "huge.png").write_bytes(_bomb_png())
        inner = '<image href="huge.png" width="10" height="10"/>'
    elif case == "xlink data bomb":  # held out: the old attribute name, other size
        inner = f'<image xlink:href="{_data_uri(_bomb_png(12000, 12000), "image/png")}" width="10" height="10"/>'
    elif case == "svg in svg bomb":  # held out: the bomb one SVG further down
        nested = _svg(f'<image href="{_data_uri(_bomb_png(), "image/png")}" width="10" height="10"/>')
        inner = f'<image href="{_data_uri(nested.encode(), "image/svg+xml")}" width="10" height="10"/>'
    else:
        cut = _jpeg()
        inner = f'<image href="{_data_uri(cut[: len(cut) // 2], "image/jpeg")}" width="10" height="10"/>'
    (images / "drawing.svg").write_text(_svg(inner), encoding="utf-8")
    replace(issue / "articles" / "second.md", "../images/dot.png", "../images/drawing.svg")
    [problem] = problems_of(issue)
    assert problem.field == "articles[1].image"
    assert ("megapixels" in problem.message) or ("cut short" in problem.message), problem.message


def test_an_svg_with_a_small_picture_inside_builds(issue, tmp_path):
    from newsletter_pdf.pipeline import build

    inner = f'<image href="{_data_uri(_png((20, 20)), "image/png")}" width="100" height="100"/>'
    (issue / "images" / "drawing.svg").write_text(_svg(inner), encoding="utf-8")
    replace(issue / "articles" / "second.md", "../images/dot.png", "../images/drawing.svg")
    result = build(issue, tmp_path / "out", profiles=["email"])
    assert result.pages >= 1


@pytest.mark.parametrize("src", ["missing.png", "../outside.png", "https://example.org/logo.png"])
def test_an_about_box_picture_problem_is_located_in_newsletter_yaml(issue, src):
    (issue.parent.parent / "outside.png").write_bytes(_png((10, 10)))
    replace(issue.parent / "newsletter.yaml", "We test things.", f"We test things. ![logo]({src})")
    [problem] = problems_of(issue)
    assert problem.location.file.name == "newsletter.yaml" and problem.field == "about.body"


def test_an_about_box_picture_beside_newsletter_yaml_is_printed(issue, tmp_path):
    from newsletter_pdf.pipeline import build

    (issue.parent / "logo.png").write_bytes(_png((120, 60)))
    replace(issue.parent / "newsletter.yaml", "We test things.", "We test things. ![logo](logo.png)")
    result = build(issue, tmp_path / "out", profiles=["email"])
    assert "logo.png" in [Path(i.file).name for i in result.output("email").report.images]
