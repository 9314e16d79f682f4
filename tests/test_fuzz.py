"""Property-based tests: generated issue files, valid and broken.

The tool must either accept an issue (and then write a PDF that opens) or stop with a located
message (ValidationProblems / UserError, exit 1); never another exception, exit 3 or a traceback.

The last section keeps the crashes fuzzing found (deep nesting, huge integers, lone surrogates,
over-long file names, `articles: true`) fixed, one test each.
"""

from __future__ import annotations

import datetime as dt
import shutil
import string
import tempfile
from pathlib import Path

import pypdf
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from newsletter_pdf.errors import UserError, ValidationProblems
from newsletter_pdf.input.loader import load
from newsletter_pdf.input.models import Newsletter
from support.bad_inputs import MINIMAL

FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,  # fixed seeds in CI: the same examples every run (longer random runs: -m slow)
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
runner = CliRunner()


def _read_minimal():
    publication = yaml.safe_load((MINIMAL / "newsletter.yaml").read_text(encoding="utf-8"))
    issue = yaml.safe_load((MINIMAL / "2025-11" / "issue.yaml").read_text(encoding="utf-8"))
    _, front, body = (MINIMAL / "2025-11" / "articles" / "second.md").read_text(encoding="utf-8").split("---\n", 2)
    return publication, issue, yaml.safe_load(front), body


class Workspace:
    """A private copy of tests/testdata/minimal for one example (hypothesis re-runs the function)."""

    def __init__(self):
        self._temp = tempfile.TemporaryDirectory(prefix="fuzz-")
        self.root = Path(self._temp.name) / "pub"
        shutil.copytree(MINIMAL, self.root)
        self.issue = self.root / "2025-11"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._temp.cleanup()


def _dump(data) -> str:
    """YAML as the loader reads it (1.2, with ruamel): PyYAML (1.1) would leave '0E0' unquoted, a float in 1.2."""
    import io

    from ruamel.yaml import YAML

    dumper = YAML(typ="safe", pure=True)
    dumper.allow_unicode, dumper.default_flow_style, dumper.width = True, False, 1000
    stream = io.StringIO()
    dumper.dump(data, stream)
    return stream.getvalue()


def _write_article(path: Path, front, body: str) -> None:
    path.write_text("---\n" + _dump(front) + "---\n" + body, encoding="utf-8", errors="surrogatepass")


def _outcome(issue: Path):
    """load(): a Newsletter, or the error it raised on purpose; anything else fails the property."""
    try:
        newsletter = load(issue)
    except (ValidationProblems, UserError) as error:
        event(f"load: {type(error).__name__}")
        for problem in getattr(error, "problems", []):
            assert problem.message and str(problem.location), problem
        return error
    event("load: accepted")
    return newsletter


def _check_exits_0_or_1(issue: Path) -> int:
    result = runner.invoke(app, ["check", str(issue)])
    assert result.exit_code in (0, 1), f"exit {result.exit_code}:\n{result.output}"
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    if result.exit_code == 1:
        assert "error" in result.output
    return result.exit_code


# --- values and documents ------------------------------------------------------------------

TRICKY_STRINGS = [
    "",
    " ",
    "\t",
    "\n",
    "~",
    "null",
    "yes",
    "0",
    "-1",
    "1e309",
    "0x10",
    ".nan",
    "2025-13",
    "2025-00",
    "2025-11-31",
    "0000-01",
    "9999-12",
    "2025-11-01T10:00:00",
    "2025/11",
    "http://127.0.0.1:9/p.png",
    "https://example.org/x",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "../../secret.png",
    "/etc/passwd",
    "images/dot.png",
    "../images/dot.png",
    "images",
    "articles/second.md",
    "articles/",
    ".",
    "..",
    "images/\0.png",
    "a\0b",
    "data:image/png;base64,iVBORw0KGgo=",
    "classic",
    "modern",
    "Classic",
    "A4",
    "a5",
    "Letter",
    "en",
    "xx-YY-zz",
    "e" * 3,
    "@",
    "a@b.c",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%(x)s {0} {x}",
    "\u202ertl",
    "日本語の見出し",
    "🗞️" * 20,
    "x" * 5000,
    "word " * 2000,
    "![x](http://127.0.0.1:9/p.png)",
    "![x](images/dot.png)",
    "![x](nope.png)",
]
HUGE_NUMBERS = [2**31, 2**63, 2**64 + 1, -(2**63), 10**100, 10**4000, 1e308, -1e308, 1e-308]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(HUGE_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    # Any code point, lone surrogates and control characters included: YAML writes them as escapes.
    st.text(st.characters(blacklist_categories=()), max_size=40),
    st.sampled_from(TRICKY_STRINGS),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(min_size=1, max_size=10), inner, max_size=4)
    ),
    max_leaves=8,
)


def _paths(node, prefix=()):
    """Every key path into a document."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*prefix, key))
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((*prefix, index))
            found += _paths(value, (*prefix, index))
    return found


def _containers(node, kind, prefix=()):
    found = [prefix] if isinstance(node, kind) else []
    return found + [p for p in _paths(node, prefix) if isinstance(_get(node, p[len(prefix) :]), kind)]


def _get(node, path):
    for part in path:
        node = node[part]
    return node


def _mutate(data, doc, name: str):
    """Up to four random edits of a document: a field set to any value, removed, added or appended to."""
    # Often no edit at all, so that a fair share of the examples stays valid and is checked too.
    for _ in range(data.draw(st.sampled_from([0, 0, 0, 0, 1, 1, 2, 4]), label=f"edits of {name}")):
        kind = data.draw(st.sampled_from(["set", "set", "delete", "unknown", "append", "replace"]), label="edit")
        paths = _paths(doc)
        if kind == "replace":
            return data.draw(values, label=f"{name} replaced by")
        if kind in ("set", "delete") and paths:
            path = data.draw(st.sampled_from(paths), label="path")
            parent = _get(doc, path[:-1])
            if kind == "set":
                value = data.draw(values, label="value")
                parent[path[-1]] = value
            else:
                del parent[path[-1]]
        elif kind == "unknown":
            dicts = _containers(doc, dict)
            if dicts:
                target = _get(doc, data.draw(st.sampled_from(dicts), label="where"))
                target[data.draw(st.text(min_size=1, max_size=12), label="unknown key")] = data.draw(values)
        elif kind == "append":
            lists = _containers(doc, list)
            if lists:
                _get(doc, data.draw(st.sampled_from(lists), label="where")).append(data.draw(values))
    return doc


YAMLISH_LINES = [
    "name: x",
    "title: y",
    "date: 2025-11",
    "volume: 1",
    "number: -1",
    "articles:",
    "  - title: t",
    "  - file: articles/second.md",
    "    body: |",
    "      text",
    "- item",
    "  nested: 1",
    "---",
    "...",
    ": :",
    "[",
    "]",
    "{",
    "}",
    "&a [1, 2]",
    "*a",
    "*undefined",
    "!!python/object/apply:os.system ['true']",
    "!!binary AAAA",
    "? complex key",
    "|",
    ">",
    "'unterminated",
    '"esc \\x00 \\u263A"',
    "\t- tab indent",
    "%YAML 1.2",
    "%TAG ! tag:x,2025:",
    "!tag x",
    "key: value # comment",
    "<<: *a",
    "a: b: c",
    "date: 2025-11-01 10:00",
    "image: {src: images/dot.png, alt: 1}",
    "\ufeffname: bom",
]
yamlish = st.lists(st.one_of(st.sampled_from(YAMLISH_LINES), st.text(max_size=30)), max_size=12).map("\n".join)


def _bodies():
    fragments = st.sampled_from(
        [
            "# Heading",
            "## Sub",
            "- item",
            "1. first",
            "> quote",
            "**bold**",
            "_em_",
            "`code`",
            "---",
            "| a | b |",
            "|---|---|",
            "[link](https://example.org)",
            "<https://example.org>",
            "<script>x</script>",
            "&amp; &#0;",
            "```\ncode\n```",
            "![dot](images/dot.png)",
            "![remote](http://127.0.0.1:9/p.png)",
            "![gone](nope.png)",
            "![up](../../secret.png)",
            "<img src=x onerror=alert(1)>",
            "\\",
            "*",
            "[x]: http://a.b",
        ]
    )
    return st.lists(st.one_of(fragments, st.text(max_size=40)), max_size=8).map("\n\n".join)


# --- the properties ----------------------------------------------------------------------------


@settings(FUZZ, max_examples=160)
@given(data=st.data())
def test_mutated_issue_files_load_or_fail_with_located_problems(data):
    publication, issue, front, body = _read_minimal()
    with Workspace() as ws:
        publication = _mutate(data, publication, "newsletter.yaml")
        issue = _mutate(data, issue, "issue.yaml")
        front = _mutate(data, front, "second.md")
        if data.draw(st.sampled_from([False, False, True]), label="new first body"):
            first = issue.get("articles") if isinstance(issue, dict) else None
            if isinstance(first, list) and first and isinstance(first[0], dict):
                first[0]["body"] = data.draw(_bodies(), label="first body")
        body = data.draw(st.sampled_from([body, None]), label="keep body") or data.draw(_bodies(), label="body")
        (ws.root / "newsletter.yaml").write_text(_dump(publication), encoding="utf-8")
        (ws.issue / "issue.yaml").write_text(_dump(issue), encoding="utf-8")
        _write_article(ws.issue / "articles" / "second.md", front, body)
        damage = data.draw(
            st.sampled_from(
                ["none"] * 8
                + [
                    "no article file",
                    "no image",
                    "image is text",
                    "image is empty",
                    "article is a folder",
                    "article not utf-8",
                    "no newsletter.yaml",
                    "no issue.yaml",
                ]
            ),
            label="damage",
        )
        article, image = ws.issue / "articles" / "second.md", ws.issue / "images" / "dot.png"
        if damage == "no article file":
            article.unlink()
        elif damage == "no image":
            image.unlink()
        elif damage == "image is text":
            image.write_text("not a picture", encoding="utf-8")
        elif damage == "image is empty":
            image.write_bytes(b"")
        elif damage == "article is a folder":
            article.unlink()
            article.mkdir()
        elif damage == "article not utf-8":
            article.write_bytes(article.read_bytes() + b"\xff\xfe caf\xe9")
        elif damage == "no newsletter.yaml":
            (ws.root / "newsletter.yaml").unlink()
        elif damage == "no issue.yaml":
            (ws.issue / "issue.yaml").unlink()
        outcome = _outcome(ws.issue)
        code = _check_exits_0_or_1(ws.issue)
        assert (code == 0) == isinstance(outcome, Newsletter)


ISSUE_FILES = ["newsletter.yaml", "2025-11/issue.yaml", "2025-11/articles/second.md"]
line_edits = st.lists(
    st.tuples(
        st.sampled_from(["insert", "replace", "delete", "indent"]),
        st.integers(0, 30),
        st.one_of(st.sampled_from(YAMLISH_LINES), st.text(max_size=30)),
    ),
    min_size=1,
    max_size=3,
)


@settings(FUZZ, max_examples=160)
@given(
    which=st.sampled_from(ISSUE_FILES),
    how=st.sampled_from(["edit lines", "edit lines", "edit lines", "whole text", "yaml-ish", "bytes", "flip bytes"]),
    edits=line_edits,
    text=st.one_of(yamlish, st.text(st.characters(blacklist_categories=()), max_size=200)),
    raw=st.binary(max_size=200),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4),
)
def test_random_text_in_any_issue_file_never_crashes(which, how, edits, text, raw, flips):
    with Workspace() as ws:
        path = ws.root / which
        if how == "edit lines":  # a few lines of a real file inserted, replaced, removed or re-indented
            lines = path.read_text(encoding="utf-8").split("\n")
            for kind, at, line in edits:
                at %= len(lines) + 1
                if kind == "insert":
                    lines.insert(at, line)
                elif lines and at < len(lines):
                    if kind == "replace":
                        lines[at] = line
                    elif kind == "delete":
                        del lines[at]
                    else:
                        lines[at] = "  " + lines[at] if len(line) % 2 else lines[at].lstrip()
            path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        elif how == "whole text":
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        elif how == "yaml-ish" and which.endswith(".md"):
            path.write_text(f"---\n{text}\n---\nBody.\n", encoding="utf-8", errors="surrogatepass")
        elif how == "yaml-ish":
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        elif how == "bytes":
            path.write_bytes(raw)
        else:  # a real file with a few bytes changed
            data = bytearray(path.read_bytes())
            for at, value in flips:
                data[at % len(data)] = value
            path.write_bytes(bytes(data))
        outcome = _outcome(ws.issue)
        code = _check_exits_0_or_1(ws.issue)
        assert (code == 0) == isinstance(outcome, Newsletter)


# Valid issues: text a reader could type (no control characters, no lone surrogates).
words = st.text(
    alphabet=st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs"), blacklist_characters="\u2028\u2029"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


def _printable_by_bundled_fonts() -> list[str]:
    """Characters every bundled face has a glyph for (others draw .notdef, and WeasyPrint warns)."""
    import unicodedata

    from fontTools.ttLib import TTFont

    from newsletter_pdf.render.html import font_faces

    latin = [face for face in font_faces() if "Latn" in face.scripts]  # the layouts' own families
    covered = set.intersection(*(set(TTFont(face.path)["cmap"].getBestCmap()) for face in latin))
    return sorted(
        chr(c)
        for c in covered
        if unicodedata.category(chr(c))[0] in "LMNPSZ" and unicodedata.category(chr(c)) not in ("Zl", "Zp")
    )


printable_words = st.deferred(
    lambda: st.text(alphabet=st.sampled_from(_printable_by_bundled_fonts()), min_size=1, max_size=60).filter(
        lambda s: s.strip()
    )
)


def _markdown(words):
    blocks = [
        "# Heading",
        "- item\n- item",
        "> quote",
        "**bold** _em_",
        "`code`",
        "[link](https://example.org/a)",
        "![A dot](images/dot.png)",
        "1. one\n2. two",
    ]
    return st.lists(st.one_of(words, st.sampled_from(blocks)), max_size=6).map("\n\n".join)


@st.composite
def valid_issues(draw, words=words):
    markdown = _markdown(words)
    titles = draw(st.lists(words, min_size=1, max_size=4, unique_by=lambda t: " ".join(t.casefold().split())))
    articles = []
    for title in titles:
        article = {"title": title, "body": draw(markdown)}
        if draw(st.booleans()):
            article["author"] = draw(words)
        if draw(st.booleans()):
            article["date"] = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
        if draw(st.booleans()):
            article["image"] = {"src": "images/dot.png", "alt": draw(words), "caption": draw(words)}
        if draw(st.booleans()):
            article["source"] = "https://example.org/" + draw(st.text(string.ascii_lowercase + "-/", max_size=20))
        articles.append(article)
    issue = {
        "date": f"{draw(st.integers(1900, 2100))}-{draw(st.integers(1, 12)):02d}",
        "volume": draw(st.integers(1, 10**6)),
        "number": draw(st.integers(1, 10**6)),
        "articles": articles,
    }
    publication = {
        "name": draw(words),
        "tagline": draw(st.one_of(st.none(), words)),
        "language": draw(st.sampled_from(["en", "de", "fr", "pt-BR", "fa"])),
        "page_size": draw(st.sampled_from(["A4", "A5", "Letter", "Legal"])),
        "about": {"title": draw(words), "body": draw(markdown).replace("images/", "2025-11/images/") or "About."},
        "address": {"lines": draw(st.lists(words, min_size=1, max_size=3))},
    }
    return publication, issue


def _write_valid(ws: Workspace, publication, issue) -> None:
    (ws.root / "newsletter.yaml").write_text(_dump(publication), encoding="utf-8")
    (ws.issue / "issue.yaml").write_text(_dump(issue), encoding="utf-8")
    (ws.issue / "articles" / "second.md").unlink()


@FUZZ
@given(valid_issues())
def test_generated_valid_issues_load_and_check(generated):
    with Workspace() as ws:
        _write_valid(ws, *generated)
        try:
            assert isinstance(load(ws.issue), Newsletter)
        except ValidationProblems as exc:  # text no bundled font can print: the one refusal allowed
            assert all(p.message.startswith("no bundled font has") for p in exc.problems), exc.problems
            assert _check_exits_0_or_1(ws.issue) == 1
            return
        assert _check_exits_0_or_1(ws.issue) == 0


@settings(FUZZ, max_examples=5)
@given(valid_issues(printable_words))
def test_generated_valid_issues_build_pdfs_that_open(generated):
    from newsletter_pdf.pipeline import build

    with Workspace() as ws:
        _write_valid(ws, *generated)
        result = build(ws.issue, ws.root / "out", profiles=["email"])
        reader = pypdf.PdfReader(result.pdf, strict=True)
        assert len(reader.pages) == result.pages >= 1
        assert reader.pages[0].extract_text()


# --- crashes fuzzing found, each fixed: these keep them fixed ----------------------------------


@pytest.fixture
def minimal(tmp_path) -> Path:
    shutil.copytree(MINIMAL, tmp_path / "pub")
    return tmp_path / "pub" / "2025-11"


def _expect_located_problem(issue: Path) -> None:
    with pytest.raises((ValidationProblems, UserError)):
        load(issue)
    assert _check_exits_0_or_1(issue) == 1


def test_deeply_nested_yaml_is_a_located_problem(minimal):
    path = minimal / "issue.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "x: " + "[" * 400 + "]" * 400 + "\n", encoding="utf-8")
    _expect_located_problem(minimal)


def test_an_integer_too_long_to_read_is_a_located_problem(minimal):
    path = minimal / "issue.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("volume: 1", "volume: " + "9" * 5000), encoding="utf-8")
    _expect_located_problem(minimal)


@pytest.mark.parametrize("src", ["http://127.0.0.1:9/p.png", "nope.png", "../../../secret.png"])
def test_an_image_problem_in_the_body_of_an_article_file_is_located(minimal, src):
    """Found while testing: this raised KeyError 'body' in Locator.locate (fixed since)."""
    second = minimal / "articles" / "second.md"
    second.write_text(second.read_text(encoding="utf-8") + f"\n![x]({src})\n", encoding="utf-8")
    with pytest.raises(ValidationProblems) as info:
        load(minimal)
    assert [p.field for p in info.value.problems] == ["articles[1].body"]
    assert info.value.problems[0].location.file == second and info.value.problems[0].location.line


def test_a_lone_surrogate_escape_is_a_located_problem(minimal):
    path = minimal / "issue.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: First article", 'title: "First \\uD800 article"'), encoding="utf-8")
    _expect_located_problem(minimal)


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("where", ["image", "body image"])
def test_an_image_name_too_long_for_the_file_system_is_a_located_problem(minimal, where):
    """Found by fuzzing: Path.is_file() raised OSError (ENAMETOOLONG) in _check_image (fixed)."""
    if where == "image":
        _replace_in(minimal / "articles" / "second.md", "../images/dot.png", "x" * 300 + ".png")
    else:
        first = "The first paragraph."
        _replace_in(minimal / "issue.yaml", first, f"{first} ![x](" + "x" * 300 + ".png)")
    _expect_located_problem(minimal)


@pytest.mark.parametrize("where", ["article file", "layout_dir"])
def test_a_file_name_too_long_for_the_file_system_is_a_located_problem(minimal, where):
    if where == "article file":
        _replace_in(minimal / "issue.yaml", "articles/second.md", "x" * 300 + ".md")
    else:
        name = "name: The Test Bulletin"
        _replace_in(minimal.parent / "newsletter.yaml", name, f"{name}\nlayout_dir: " + "x" * 300)
    _expect_located_problem(minimal)


@pytest.mark.parametrize("value", ["true", "5", "1.5"])
def test_articles_that_are_a_number_or_a_boolean_are_a_located_problem(minimal, value):
    path = minimal / "issue.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("articles:")] + f"articles: {value}\n", encoding="utf-8")
    _expect_located_problem(minimal)


# --- hostile shapes, Markdown and pictures (issue 16) -------------------------------------------
# Each property runs a bounded number of examples in CI; the same property with many more examples
# is marked slow (python3 -m pytest -m slow tests/test_fuzz.py).

HOSTILE = settings(FUZZ, max_examples=25)
HOSTILE_LONG = settings(FUZZ, max_examples=400)


@st.composite
def hostile_yaml(draw):
    """A YAML fragment of one hostile kind, and what the loader must say about it (None: nothing special)."""
    from newsletter_pdf.input.yaml_source import MAX_ALIAS_NODES, MAX_DEPTH, MAX_NUMBER_CHARS

    kind = draw(st.sampled_from(["aliases", "flow nesting", "block nesting", "number"]))
    if kind == "aliases":
        levels, width = draw(st.integers(1, 10)), draw(st.integers(1, 12))
        lines = [f"z0: &z0 [{', '.join(['w'] * width)}]"]
        size, added = width + 1, 0
        for level in range(1, levels):
            lines.append(f"z{level}: &z{level} [{', '.join([f'*z{level - 1}'] * width)}]")
            added += width * size
            size = 1 + width * size
        return "\n".join(lines) + "\n", "alias" if added > MAX_ALIAS_NODES else None
    if kind == "flow nesting":
        depth = draw(st.integers(1, 300))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
        return "z: " + opener * depth + "1" + closer * depth + "\n", "nested" if depth >= MAX_DEPTH else None
    if kind == "block nesting":
        depth = draw(st.integers(1, 200))
        text = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v: 1\n"
        return text, "nested" if depth + 1 >= MAX_DEPTH else None
    digits = draw(st.integers(1, 5000))
    number = draw(st.sampled_from(["{}", "-{}", "{}.5", "0.{}", "{}e3"])).format("7" * digits)
    return f"z: {number}\n", "characters long" if len(number) > MAX_NUMBER_CHARS else None


def _hostile_property(which: str, fragment: str, expected: str | None) -> None:
    import time

    with Workspace() as ws:
        path = ws.root / which
        path.write_text(path.read_text(encoding="utf-8") + fragment, encoding="utf-8")
        start = time.monotonic()
        outcome = _outcome(ws.issue)
        assert time.monotonic() - start < 20, "a hostile document took far too long"
        assert isinstance(outcome, ValidationProblems), outcome  # at least the unknown field z...
        messages = " ".join(p.message for p in outcome.problems)
        if expected is not None:
            assert expected in messages and all(p.location.line for p in outcome.problems), messages
        else:
            assert "alias" not in messages and "characters long" not in messages, messages


@HOSTILE
@given(which=st.sampled_from(["newsletter.yaml", "2025-11/issue.yaml"]), hostile=hostile_yaml())
def test_hostile_yaml_shapes_are_refused_where_they_start_or_read(which, hostile):
    _hostile_property(which, *hostile)


@pytest.mark.slow
@HOSTILE_LONG
@given(which=st.sampled_from(["newsletter.yaml", "2025-11/issue.yaml"]), hostile=hostile_yaml())
def test_hostile_yaml_shapes_long_run(which, hostile):
    _hostile_property(which, *hostile)


HREFS = [
    "https://example.org/a",
    "mailto:a@example.org",
    "#article-1",
    "/etc/passwd",
    "../x",
    "x.html",
    "~/y",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:text/html,hi",
    "//example.org/z",
    "C:\\\\a",
    " ",
]


@st.composite
def hostile_markdown(draw):
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["list", "quote", "numbered", "link", "mixed"]))
        depth = draw(st.integers(1, 30))
        if kind == "list":
            blocks.append("\n".join("  " * d + f"- item {d}" for d in range(depth)))
        elif kind == "numbered":
            blocks.append("\n".join("   " * d + f"1. step {d}" for d in range(depth)))
        elif kind == "quote":
            blocks.append(">" * depth + " words")
        elif kind == "link":
            blocks.append(f"See [this]({draw(st.sampled_from(HREFS))}) and <{draw(st.sampled_from(HREFS))}>.")
        else:
            blocks.append(
                "\n".join(("> " * (d % 3)) + "  " * d + f"- [x{d}]({HREFS[d % len(HREFS)]})" for d in range(depth))
            )
    return "\n\n".join(blocks)


def _markdown_property(body: str) -> None:
    import re

    from newsletter_pdf import markdown as md

    with Workspace() as ws:
        path = ws.issue / "articles" / "second.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n\n" + body + "\n", encoding="utf-8")
        outcome = _outcome(ws.issue)
        if isinstance(outcome, Newsletter):
            assert not md.nested_too_deep(outcome.issue.articles[1].body)
            html = md.render(outcome.issue.articles[1].body, ws.issue / "articles")
            hrefs = re.findall(r'href="([^"]*)"', html)
            assert all(h.startswith(("http://", "https://", "mailto:", "tel:", "#")) for h in hrefs), hrefs
        else:
            assert all(p.field == "articles[1].body" and "nested" in p.message for p in outcome.problems)
        assert _check_exits_0_or_1(ws.issue) == (0 if isinstance(outcome, Newsletter) else 1)


@HOSTILE
@given(hostile_markdown())
def test_hostile_markdown_loads_with_safe_links_or_is_located(body):
    _markdown_property(body)


@pytest.mark.slow
@HOSTILE_LONG
@given(hostile_markdown())
def test_hostile_markdown_long_run(body):
    _markdown_property(body)


def _image_seeds() -> dict[str, bytes]:
    import io

    from PIL import Image

    seeds = {}
    picture = Image.effect_noise((64, 48), 50).convert("RGB")
    for name, fmt in [("p.jpg", "JPEG"), ("p.png", "PNG"), ("p.gif", "GIF"), ("p.webp", "WEBP")]:
        stream = io.BytesIO()
        picture.save(stream, fmt)
        seeds[name] = stream.getvalue()
    seeds["p.svg"] = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/>'
        b'<image href="data:image/png;base64,' + __import__("base64").b64encode(seeds["p.png"]) + b'"/></svg>'
    )
    return seeds


IMAGE_SEEDS = _image_seeds()


@st.composite
def damaged_images(draw):
    name = draw(st.sampled_from(sorted(IMAGE_SEEDS)))
    data = bytearray(IMAGE_SEEDS[name])
    how = draw(st.sampled_from(["truncate", "flip", "append", "truncate", "none"]))
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "flip":
        for _ in range(draw(st.integers(1, 6))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif how == "append":
        data += draw(st.binary(min_size=1, max_size=64))
    return name, bytes(data)


def _image_property(name: str, data: bytes) -> None:
    from newsletter_pdf.input.images import raster_data_problem

    with Workspace() as ws:
        (ws.issue / "images" / name).write_bytes(data)
        article = ws.issue / "articles" / "second.md"
        article.write_text(article.read_text(encoding="utf-8").replace("dot.png", name), encoding="utf-8")
        outcome = _outcome(ws.issue)
        if isinstance(outcome, Newsletter) and not name.endswith(".svg"):
            assert raster_data_problem(data) is None  # accepted: it decodes whole
        elif not isinstance(outcome, Newsletter):
            assert [p.field for p in outcome.problems] == ["articles[1].image"], outcome.problems


@HOSTILE
@given(damaged_images())
def test_damaged_pictures_are_accepted_whole_or_located(image):
    _image_property(*image)


@pytest.mark.slow
@HOSTILE_LONG
@given(damaged_images())
def test_damaged_pictures_long_run(image):
    _image_property(*image)
