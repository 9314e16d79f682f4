"""Untrusted content: Markdown and fields stay data, nothing is fetched from outside, images are checked.

Every test here fails on the unsafe behaviour it guards against: raw HTML that becomes elements,
a field that reaches CSS or HTML, a request reaching the local listener, a file outside the
issue folder being read, a decompression bomb or a non-image reaching WeasyPrint.
"""

from __future__ import annotations

import shutil
import struct
import threading
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pypdf
import pytest
import yaml

from newsletter_pdf.errors import UserError, ValidationProblems
from newsletter_pdf.input.loader import load
from newsletter_pdf.pipeline import build, prepare
from newsletter_pdf.render.html import smart_quotes
from support.bad_inputs import MINIMAL

# --- helpers -------------------------------------------------------------------------


@pytest.fixture
def issue(tmp_path) -> Path:
    """A fresh copy of the minimal issue (two articles, one image); returns the issue folder."""
    shutil.copytree(MINIMAL, tmp_path / "pub")
    return tmp_path / "pub" / "2025-11"


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def set_first_body(issue: Path, body: str) -> None:
    edit_yaml(issue / "issue.yaml", lambda d: d["articles"][0].__setitem__("body", body))


def problems_of(issue: Path) -> list:
    with pytest.raises(ValidationProblems) as info:
        load(issue)
    return info.value.problems


def only_problem(issue: Path, text: str, field_name: str):
    problems = problems_of(issue)
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert text in problem.message, str(problem)
    assert problem.field == field_name, str(problem)
    assert problem.location.line is not None, f"not located: {problem}"
    return problem


@dataclass
class Listener:
    """A local HTTP server that counts every connection made to it."""

    port: int
    connections: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    @property
    def count(self) -> int:
        return len(self.connections)


@pytest.fixture
def listener():
    """Counts connections and requests on 127.0.0.1; stopped at the end of the test."""
    tiny_png = (MINIMAL / "2025-11" / "images" / "dot.png").read_bytes()
    state = Listener(port=0)

    class Handler(BaseHTTPRequestHandler):
        timeout = 2  # a client that connects and sends nothing cannot hold the server

        def do_GET(self):
            state.requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tiny_png)))
            self.end_headers()
            self.wfile.write(tiny_png)

        do_POST = do_HEAD = do_GET

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def verify_request(self, request, client_address):
            state.connections.append(client_address)
            return len(state.connections) <= 100  # bounded: refuse a runaway client

    server = Server(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_listener_counts_a_real_request(listener):
    """The guard for every 'count stays 0' below: a fetch that happens is seen."""
    from urllib.request import urlopen

    with urlopen(listener.url("probe.png"), timeout=5) as response:
        assert response.read(8) == b"\x89PNG\r\n\x1a\n"
    assert listener.count == 1 and listener.requests == ["/probe.png"]


class Skeleton(HTMLParser):
    """Elements, attributes, style-sheet text and text of an HTML document."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), tuple(self.stack)))
        if tag not in ("meta", "img", "br", "hr", "link", "input", "source", "wbr"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), tuple(self.stack)))

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            self.styles.append(data)
        else:
            self.text.append(data)

    def shape(self) -> list[tuple[str, tuple[str, ...]]]:
        """Tags with their attribute names, in document order: what an injection would change."""
        return [(tag, tuple(sorted(attrs))) for tag, attrs, _ in self.elements]

    def tags(self, name: str) -> list[dict]:
        return [attrs for tag, attrs, _ in self.elements if tag == name]

    def in_body(self) -> list[tuple[str, dict]]:
        return [(tag, attrs) for tag, attrs, stack in self.elements if "body" in stack]


def html_of(issue: Path) -> Skeleton:
    _, _, html = prepare(issue)
    return Skeleton(html)


# --- raw HTML in Markdown is text ------------------------------------------------------

RAW_HTML = """\
Before the raw HTML.

<script>alert("script ran")</script>

<style>body {{ background: url({u}/style-bg.png) }}</style>

<iframe src="{u}/frame.html"></iframe>

<link rel="stylesheet" href="{u}/linked.css">

<img src="{u}/raw-img.png"> <img src="file:///etc/passwd">

<p onclick="alert(1)" onmouseover="alert(2)">handlers</p>

<object data="{u}/object.svg"></object><embed src="{u}/embed.svg">

<svg><image href="{u}/svg-image.png"/></svg>

<base href="{u}/"><meta http-equiv="refresh" content="0; url={u}/">

Inline: <span style="background: url({u}/span.png)">styled</span> <b onload="x()">bold</b>
<a href="javascript:alert(3)">js anchor</a>

[a javascript link](javascript:alert(4)) and [a file link](file:///etc/passwd) and
[a data link](data:text/html;base64,PHNjcmlwdD4=)
"""

FORBIDDEN_TAGS = {"script", "iframe", "link", "object", "embed", "svg", "image", "base", "form", "input", "frame"}


def assert_no_markup_from_content(page: Skeleton, benign: Skeleton) -> None:
    for tag, attrs, _ in page.elements:
        assert tag not in FORBIDDEN_TAGS, f"<{tag}> became an element: {attrs}"
        assert not [a for a in attrs if a.startswith("on")], f"event handler on <{tag}>: {attrs}"
        assert "style" not in attrs, f"style attribute on <{tag}>: {attrs}"
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("http://", "https://", "mailto:", "#")), f"href {href!r} on <{tag}>"
    # The only style sheet, meta tags and images are the layout's own.
    assert len(page.tags("style")) == 1 and page.styles == benign.styles
    assert len(page.tags("meta")) == len(benign.tags("meta"))
    # QR codes encode the article's source, so their data differs; they are always our own SVG data URIs.
    qr = [a for a in page.tags("img") if "qr" in (a.get("class") or "").split()]
    assert all(a["src"].startswith("data:image/svg+xml;charset=utf-8,") for a in qr)
    others = [a["src"] for a in page.tags("img") if a not in qr]
    assert others == [a["src"] for a in benign.tags("img") if "qr" not in (a.get("class") or "").split()]
    assert not [tag for tag, _ in page.in_body() if tag in ("style", "meta", "title")]


def test_raw_html_in_markdown_is_printed_as_text(issue):
    benign = html_of(issue)
    set_first_body(issue, RAW_HTML.format(u="http://127.0.0.1:9"))
    page = html_of(issue)
    assert_no_markup_from_content(page, benign)
    text = "".join(page.text)
    # (the typographer turns straight quotes into curly ones: compare without them)
    for shown in (
        "<script>alert(",
        "</script>",
        "<iframe src=",
        "<link rel=",
        "<p onclick=",
        "<img src=",
        "<base href=",
        "<object data=",
        "<style>body",
    ):
        assert shown in text, f"{shown!r} is not shown as text"


def test_raw_html_in_an_article_file_and_in_the_about_box_is_text(issue):
    benign = html_of(issue)
    second = issue / "articles" / "second.md"
    raw = RAW_HTML.format(u="http://127.0.0.1:9")
    second.write_text(second.read_text(encoding="utf-8") + "\n" + raw, encoding="utf-8")
    edit_yaml(issue.parent / "newsletter.yaml", lambda d: d["about"].__setitem__("body", raw))
    assert_no_markup_from_content(html_of(issue), benign)


# --- fields are autoescaped and never reach CSS ----------------------------------------

PAYLOAD = (
    "</style><script>alert(1)</script><style>body{background:url(http://127.0.0.1:9/f.png)}</style>"
    '" onmouseover="alert(2)" x=\' } @import url(http://127.0.0.1:9/i.css); '
    '<img src=http://127.0.0.1:9/i.png> <!-- --> ]]> &amp; \\" {{ 7*7 }} {% raw %}'
)


def _set_fields(issue: Path, value) -> None:
    def publication(d):
        d["name"] = value("name")
        d["tagline"] = value("tagline")
        d["about"]["title"] = value("about title")
        d["address"]["lines"] = [value("line 1"), value("line 2")]
        d["address"]["phone"] = value("phone")
        # The email and web address checks let these through: autoescaping must hold them.
        d["address"]["email"] = '"><script>alert(5)</script>@example.org' if value("x") != "x" else "a@example.org"
        d["address"]["website"] = (
            'https://example.org/"><script>alert(6)</script>' if value("x") != "x" else "https://example.org/a"
        )

    def issue_file(d):
        first = d["articles"][0]
        first["title"] = value("title")
        first["short_title"] = value("short title")
        first["author"] = value("author")
        first["source"] = "https://example.org/'><style>x</style>" if value("x") != "x" else "https://example.org/b"

    edit_yaml(issue.parent / "newsletter.yaml", publication)
    edit_yaml(issue / "issue.yaml", issue_file)
    second = issue / "articles" / "second.md"
    front = {
        "title": value("second title"),
        "author": value("second author"),
        "image": {
            "src": "../images/dot.png",
            "alt": value("alt"),
            "caption": value("caption"),
            "credit": value("credit"),
        },
    }
    second.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nBody.\n", encoding="utf-8")


def test_fields_cannot_inject_html_or_css(issue):
    _set_fields(issue, lambda name: name)
    benign = html_of(issue)
    _set_fields(issue, lambda name: f"{name} {PAYLOAD}")
    page = html_of(issue)
    # The same elements and attributes, in the same order, and the same style sheet, byte for byte.
    assert page.shape() == benign.shape()
    assert page.styles == benign.styles
    assert_no_markup_from_content(page, benign)
    # The values are there, as text and as attribute values.
    # (Straight quotes in plain fields are set curly, like the bodies': smart_quotes.)
    text = "".join(page.text)
    assert smart_quotes(f"caption {PAYLOAD}") in text and smart_quotes(f"line 1 {PAYLOAD}") in text
    masthead = page.tags("header")[0]
    assert masthead["data-name"] == smart_quotes(f"name {PAYLOAD}")  # read with attr(): never CSS text
    pictures = [a for a in page.tags("img") if "qr" not in (a.get("class") or "").split()]
    assert pictures[0]["alt"] == smart_quotes(f"alt {PAYLOAD}")
    assert "{{" in text and "49" not in text.replace("2025", "")  # no template evaluation of content


def test_the_running_footer_takes_the_name_from_an_attribute():
    """string-set must read attr(): content placed in CSS text would be a CSS injection."""
    css = (Path(__file__).parent.parent / "layouts" / "base" / "base.css.j2").read_text(encoding="utf-8")
    assert "string-set: publication attr(data-name)" in css
    assert "{{ publication" not in css and "{{ issue" not in css and "{{ article" not in css


# --- nothing is fetched from the network or outside the allowed folders ------------------


def test_a_web_image_in_a_body_is_refused_before_anything_is_fetched(issue, listener, tmp_path):
    set_first_body(issue, f"Text.\n\n![x]({listener.url('p.png')})\n")
    problem = only_problem(issue, "images are not fetched from the web", "articles[0].body")
    assert problem.location.file.name == "issue.yaml"
    with pytest.raises(ValidationProblems):
        build(issue, tmp_path / "out", profiles=["email"])
    assert listener.count == 0
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    "src, message",
    [
        ("{u}/p.png", "not fetched from the web"),
        ("//127.0.0.1:{port}/p.png", "not fetched from the web"),
        ("file:///etc/passwd", "not fetched from the web"),
        ("/etc/passwd", "lies outside the issue folder"),
        ("data:image/png;base64,iVBORw0KGgo=", ""),  # refused (as a missing file): never read as data
    ],
)
def test_an_article_image_outside_the_issue_is_refused(issue, listener, src, message):
    src = src.format(u=listener.url("").rstrip("/"), port=listener.port)
    edit_yaml(issue / "issue.yaml", lambda d: d["articles"][0].__setitem__("image", src))
    only_problem(issue, message, "articles[0].image")
    assert listener.count == 0


def _secret(issue: Path) -> Path:
    """A real image two folders above the issue folder."""
    secret = issue.parent.parent / "secret.png"
    shutil.copy(issue / "images" / "dot.png", secret)
    return secret


def test_a_path_climbing_out_of_the_issue_is_refused_as_image_body_image_and_article_file(issue):
    _secret(issue)
    (issue.parent.parent / "secret.md").write_text("---\ntitle: Secret\n---\nSecret text.\n", encoding="utf-8")
    edit_yaml(issue / "issue.yaml", lambda d: d["articles"][0].__setitem__("image", "../../secret.png"))
    only_problem(issue, "lies outside the issue folder", "articles[0].image")

    edit_yaml(issue / "issue.yaml", lambda d: d["articles"][0].pop("image"))
    set_first_body(issue, "Text.\n\n![secret](../../secret.png)\n")
    only_problem(issue, "lies outside the issue folder", "articles[0].body")

    set_first_body(issue, "Text.")
    edit_yaml(issue / "issue.yaml", lambda d: d["articles"].append({"file": "../../secret.md"}))
    only_problem(issue, "lies outside the issue folder", "articles[2].file")


def test_a_symlink_inside_the_issue_to_a_file_outside_is_refused(issue):
    secret = _secret(issue)
    (issue / "images" / "link.png").symlink_to(secret)
    edit_yaml(issue / "issue.yaml", lambda d: d["articles"][0].__setitem__("image", "images/link.png"))
    only_problem(issue, "lies outside the issue folder", "articles[0].image")


@pytest.mark.weasyprint_may_warn
def test_an_img_written_in_markdown_fetches_nothing_and_prints_as_text(issue, listener, tmp_path):
    body = (
        f'Before.\n\n<img src="{listener.url("raw.png")}"> <img src="file:///etc/passwd">\n\n'
        f'<link rel="stylesheet" href="{listener.url("x.css")}">\n\n'
        f"<style>@import url({listener.url('i.css')});</style>\n\n"
        '<iframe src="x"></iframe> <script>alert(1)</script>\n'
    )
    set_first_body(issue, body)
    result = build(issue, tmp_path / "out", profiles=["email"], write_html=True)
    assert listener.count == 0
    assert result.output("email").pages >= 1
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(result.pdf).pages)
    text = " ".join(text.split())
    assert "<img src=" in text and "<script>alert(1)</script>" in text and "<iframe" in text
    assert result.warnings == []


@pytest.mark.weasyprint_may_warn
def test_the_fetcher_itself_fetches_nothing_outside_the_roots(issue, listener, tmp_path):
    """HTML straight to WeasyPrint, as if a template or a Markdown bug let these through."""
    from newsletter_pdf.render import engine as pdf

    secret = _secret(issue)
    (issue / "images" / "link.png").symlink_to(secret)
    sibling = issue.parent / (issue.name + "-evil")  # shares the issue folder's name as a prefix
    sibling.mkdir()
    shutil.copy(secret, sibling / "x.png")
    u = listener.url("").rstrip("/")
    urls = {
        "img http": f"{u}/img.png",
        "img https": f"https://127.0.0.1:{listener.port}/img.png",
        "ftp": f"ftp://127.0.0.1:{listener.port}/x.png",
        "protocol-relative": f"//127.0.0.1:{listener.port}/rel.png",
        "passwd": "file:///etc/passwd",
        "file host": f"file://127.0.0.1:{listener.port}/etc/passwd",
        "dotdot": (issue / ".." / ".." / "secret.png").as_uri(),
        "encoded dotdot": issue.as_uri() + "/%2e%2e/%2e%2e/secret.png",
        "symlink": (issue / "images" / "link.png").as_uri(),
        "sibling prefix": (sibling / "x.png").as_uri(),
        "query": issue.as_uri() + "/images/dot.png?/../../../../secret.png",
    }
    html = (
        "<html><head>"
        f'<link rel="stylesheet" href="{u}/link.css">'
        f"<style>@import url({u}/import.css); @font-face {{ font-family: X; src: url({u}/font.woff) }}"
        f" body {{ background: url({u}/bg.png) }} p {{ font-family: X }}</style>"
        "</head><body><p>Text</p>"
        + "".join(f'<img src="{url}">' for url in urls.values())
        + f'<object data="{u}/object.svg"></object><embed src="{u}/embed.svg">'
        + f'<svg width="10" height="10"><image href="{u}/svg.png" width="5" height="5"/></svg>'
        + f'<a rel="attachment" href="{u}/attachment.txt">a</a>'
        + "</body></html>"
    )
    rendered = pdf.render(html, issue, [issue])
    data, _ = pdf.to_bytes(rendered)
    assert data.startswith(b"%PDF")
    assert listener.count == 0, listener.requests
    refused = set(rendered.refused)
    for name in (
        "img http",
        "img https",
        "ftp",
        "passwd",
        "file host",
        "dotdot",
        "encoded dotdot",
        "symlink",
        "sibling prefix",
    ):
        assert urls[name] in refused, f"{name}: {urls[name]} was not refused"
    for name in ("link.css", "import.css", "font.woff", "bg.png"):
        assert f"{u}/{name}" in refused
    # Nothing outside the root was embedded: the PDF holds no image at all (dot.png?query is refused
    # or is the issue's own dot.png, which is allowed).
    placed = {path for *_, path in rendered.placed_images()}
    assert all(Path(p).resolve().is_relative_to(issue.resolve()) for p in placed if p), placed
    for path in placed:
        assert Path(path).resolve() != secret.resolve()


@pytest.mark.weasyprint_may_warn
def test_the_shared_image_cache_never_serves_what_the_fetcher_refuses(tmp_path):
    """Renders share an image cache (watch, batches, the layout passes): a file one render may read
    must not reach a later render whose folders do not include it, and each refusal is seen again."""
    from newsletter_pdf.render import engine as pdf

    first_issue, second_issue = tmp_path / "first", tmp_path / "second"
    first_issue.mkdir()
    second_issue.mkdir()
    private = first_issue / "private.png"
    shutil.copy(MINIMAL / "2025-11" / "images" / "dot.png", private)
    html = f'<p>Text</p><img src="{private.as_uri()}" alt="private">'

    allowed = pdf.render(html, first_issue, [first_issue])
    assert allowed.refused == [] and len(list(allowed.placed_images())) == 1

    for _ in range(2):  # the refusal is recorded every time, not only before the cache knows the URL
        refused = pdf.render(html, second_issue, [second_issue])
        assert refused.refused == [private.as_uri()]
        assert list(refused.placed_images()) == []


def test_the_fetcher_allows_the_issue_folder_and_data_urls(issue):
    from newsletter_pdf.render.engine import SandboxFetcher

    fetcher = SandboxFetcher([issue])
    assert fetcher.allows((issue / "images" / "dot.png").as_uri())
    assert fetcher.allows("data:image/png;base64,iVBORw0KGgo=")
    assert not fetcher.allows("http://127.0.0.1:9/x.png")
    assert not fetcher.allows((issue.parent / "newsletter.yaml").as_uri())


@pytest.mark.parametrize(
    "key, value",
    [
        ("colors", {"accent": "red; background: url(http://127.0.0.1:{port}/x)"}),
        ("colors", {"text": "#fff; } body { background: url(http://127.0.0.1:{port}/x) } p {"}),
        ("fonts", {"body": 'X"; } @import url(http://127.0.0.1:{port}/i.css); p { x: "'}),
        ("margins", {"top": "1mm; background: url(http://127.0.0.1:{port}/m)"}),
        ("column_gap", "1mm } @import url(http://127.0.0.1:{port}/g.css);"),
        ("leading", "1.3; background: url(http://127.0.0.1:{port}/l)"),
    ],
)
def test_a_layout_value_carrying_css_is_rejected(issue, listener, tmp_path, key, value):
    own = issue.parent / "own-layout"
    own.mkdir()
    if isinstance(value, dict):
        value = {k: v.replace("{port}", str(listener.port)) for k, v in value.items()}
    else:
        value = value.replace("{port}", str(listener.port))
    (own / "layout.yaml").write_text(yaml.safe_dump({key: value}), encoding="utf-8")
    edit_yaml(issue.parent / "newsletter.yaml", lambda d: d.__setitem__("layout_dir", "own-layout"))
    with pytest.raises(ValidationProblems) as info:
        build(issue, tmp_path / "out", profiles=["email"])
    assert any(p.location.file == own / "layout.yaml" for p in info.value.problems), info.value
    assert listener.count == 0


@pytest.mark.weasyprint_may_warn
def test_a_layout_style_sheet_asking_for_the_web_is_refused(issue, listener, tmp_path):
    own = issue.parent / "own-layout"
    own.mkdir()
    (own / "style.css").write_text(f"body {{ background: url({listener.url('bg.png')}) }}\n", encoding="utf-8")
    edit_yaml(issue.parent / "newsletter.yaml", lambda d: d.__setitem__("layout_dir", "own-layout"))
    with pytest.raises(UserError, match="outside the allowed folders"):
        build(issue, tmp_path / "out", profiles=["email"])
    assert listener.count == 0
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


# --- images: decompression bombs and files that are not images ---------------------------


def bomb_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width x height pixels, all black: a few hundred KB at most."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    rows = (b"\0" * (1 + (width + 7) // 8)) * 1000
    idat = b"".join(compressor.compress(rows) for _ in range(height // 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [30000, 10000], ids=["over twice the limit", "just over the limit"])
def test_a_decompression_bomb_is_a_located_problem(issue, tmp_path, size):
    """Pillow raises above twice its limit but only warns above it: both are refused."""
    (issue / "images" / "dot.png").write_bytes(bomb_png(size, size))
    problem = only_problem(issue, "too large to be an image", "articles[1].image")
    assert f"({size * size / 1e6:.0f} megapixels)" in problem.message
    assert problem.location.file.name == "second.md"
    with pytest.raises(ValidationProblems):
        build(issue, tmp_path / "out", profiles=["email"])


def test_a_decompression_bomb_in_a_body_is_a_located_problem(issue):
    (issue / "images" / "bomb.png").write_bytes(bomb_png(30000, 30000))
    set_first_body(issue, "Text.\n\n![big](images/bomb.png)\n")
    only_problem(issue, "too large to be an image", "articles[0].body")


@pytest.mark.parametrize(
    "name, data",
    [
        ("fake.jpg", b"This is a text file, renamed.\n"),
        ("empty.png", b""),
        ("truncated.png", None),  # the first 40 bytes of a real PNG
        ("fake.gif", b"GIF89a but nothing after"),
        ("bmp.png", None),  # a real image, but a format WeasyPrint is not asked to place
        ("fake.svg", b"<html><body>not svg</body></html>"),
        ("broken.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>"),
    ],
)
def test_a_file_that_is_not_an_image_is_a_located_problem(issue, name, data):
    if name == "truncated.png":
        data = (issue / "images" / "dot.png").read_bytes()[:40]
    if name == "bmp.png":
        from io import BytesIO

        from PIL import Image

        stream = BytesIO()
        Image.new("RGB", (4, 4)).save(stream, format="BMP")
        data = stream.getvalue()
    (issue / "images" / name).write_bytes(data)
    edit_yaml(issue / "issue.yaml", lambda d: d["articles"][0].__setitem__("image", f"images/{name}"))
    only_problem(issue, "is not an image", "articles[0].image")


def test_an_svg_entity_bomb_is_not_an_image(issue):
    entities = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    svg = (
        f'<?xml version="1.0"?><!DOCTYPE svg [{entities}]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&a9;</text></svg>'
    )
    (issue / "images" / "laughs.svg").write_text(svg, encoding="utf-8")
    edit_yaml(issue / "issue.yaml", lambda d: d["articles"][0].__setitem__("image", "images/laughs.svg"))
    only_problem(issue, "is not an image", "articles[0].image")


@pytest.mark.parametrize(
    "reference",
    [
        '<image href="{u}/a.png" width="5" height="5"/>',
        '<image xlink:href="file:///etc/passwd" width="5" height="5"/>',
        '<image href="../../secret.png" width="5" height="5"/>',
        '<rect width="5" height="5" style="fill: url({u}/f.svg#g)"/>',
        "<style>rect {{ fill: url('{u}/s.svg#g') }}</style>",
        '<use href="//127.0.0.1:{port}/u.svg#x"/>',
    ],
)
def test_an_svg_referring_outside_the_issue_is_a_located_problem(issue, listener, reference):
    _secret(issue)
    u = listener.url("").rstrip("/")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        + reference.format(u=u, port=listener.port)
        + "</svg>"
    )
    (issue / "images" / "pic.svg").write_text(svg, encoding="utf-8")
    edit_yaml(issue / "issue.yaml", lambda d: d["articles"][0].__setitem__("image", "images/pic.svg"))
    only_problem(issue, "an SVG picture may use only files inside", "articles[0].image")
    assert listener.count == 0


def test_an_svg_using_only_itself_and_the_issue_folder_is_accepted(issue, tmp_path):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#123"/></linearGradient></defs>'
        '<rect width="20" height="20" fill="url(#g)"/><image xlink:href="dot.png" x="20" width="20" height="20"/>'
        "</svg>"
    )
    (issue / "images" / "pic.svg").write_text(svg, encoding="utf-8")
    image = {"src": "images/pic.svg", "alt": "A dot"}
    edit_yaml(issue / "issue.yaml", lambda d: d["articles"][0].__setitem__("image", image))
    newsletter = load(issue)
    assert newsletter.issue.articles[0].image.src.endswith("pic.svg")
    result = build(issue, tmp_path / "out", profiles=["email"])
    assert result.warnings == []


@pytest.mark.parametrize("name", ["dot.png", "photo.jpg", "anim.gif", "pic.webp"])
def test_real_images_are_accepted(issue, name):
    from PIL import Image

    if name != "dot.png":
        Image.new("RGB", (30, 20), "#336699").save(issue / "images" / name)
    edit_yaml(issue / "issue.yaml", lambda d: d["articles"][0].__setitem__("image", f"images/{name}"))
    assert load(issue).issue.articles[0].image.src.endswith(name)


def test_a_web_image_in_the_body_of_an_article_file_is_a_located_problem(issue, listener):
    second = issue / "articles" / "second.md"
    second.write_text(second.read_text(encoding="utf-8") + f"\n![x]({listener.url('p.png')})\n", encoding="utf-8")
    problem = only_problem(issue, "images are not fetched from the web", "articles[1].body")
    assert problem.location.file == second
    assert listener.count == 0
