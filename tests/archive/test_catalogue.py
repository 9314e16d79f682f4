"""archive/catalogue.py: the web archive of three published issues, read back, searched in a real browser."""

from __future__ import annotations

import html.parser
import json
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from newsletter_pdf.archive.catalogue import catalogue
from newsletter_pdf.archive.publish import publish
from support.bad_inputs import MINIMAL

# A word that appears in one article of one issue only: the search must find that issue.
RARE_WORD = "quillwort"
MONTHS = ("2025-09", "2025-10", "2025-11")


def make_issue(root: Path, month: str, number: int, extra: str = "") -> Path:
    """The minimal issue as another month, with its own article text."""
    if not (root / "newsletter.yaml").exists():
        shutil.copy(MINIMAL / "newsletter.yaml", root / "newsletter.yaml")
    issue = root / month
    shutil.copytree(MINIMAL / "2025-11", issue)
    text = (issue / "issue.yaml").read_text(encoding="utf-8")
    text = text.replace("date: 2025-11", f"date: {month}").replace("number: 2", f"number: {number}")
    text = text.replace("title: First article", f"title: News of {month}")
    text = text.replace("The first paragraph.", f"The first paragraph of {month}. {extra}".strip())
    text = text.replace("date: 2025-11-01", f"date: {month}-01")
    (issue / "issue.yaml").write_text(text, encoding="utf-8")
    return issue


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Three issues published, then catalogued."""
    root = tmp_path_factory.mktemp("publication")
    folder = root / "archive"
    for number, month in enumerate(MONTHS, start=1):
        extra = f"The pond by the mill is full of {RARE_WORD} this year." if month == "2025-10" else ""
        publish(make_issue(root, month, number, extra), folder)
    result = catalogue(folder)
    return root, folder, result


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[dict] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "a" and "href" in attributes:
            self.hrefs.append(attributes["href"])
        if tag == "img":
            self.images.append(attributes)


def parsed(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_the_index_links_three_pdfs_and_three_covers_that_exist(archive):
    _, folder, result = archive
    links = parsed(folder / "index.html")
    pdfs = sorted({h for h in links.hrefs if h.endswith(".pdf")})
    assert len(pdfs) == 3
    assert all((folder / h).is_file() for h in pdfs)
    covers = [i["src"] for i in links.images]
    assert len(covers) == 3 and all((folder / c).is_file() for c in covers)
    assert all(i.get("alt", "").startswith("Page 1 of") for i in links.images)
    text = (folder / "index.html").read_text(encoding="utf-8")
    for record in (e.record for e in result.issues):
        assert record.sha256 in text
        assert f"Volume {record.volume}, number {record.number}" in text
    # Newest first.
    assert text.index("2025-11") < text.index("2025-10") < text.index("2025-09")


def test_each_issue_has_a_page_with_its_contents_and_first_sentences(archive):
    _, folder, result = archive
    for entry in result.issues:
        page = folder / entry.page
        text = page.read_text(encoding="utf-8")
        assert f"News of {entry.record.date}" in text
        assert f"The first paragraph of {entry.record.date}." in text
        assert "A. Writer" in text
        links = parsed(page)
        assert any(h.endswith(entry.record.file) for h in links.hrefs)


def test_pages_are_accessible_landmarks_alt_text_and_language(archive):
    _, folder, result = archive
    for page in [folder / "index.html", *(folder / e.page for e in result.issues)]:
        links = parsed(page)
        tags = {tag for tag, _ in links.tags}
        assert {"main", "header"} <= tags, page.name
        assert links.tags[0][0] == "html" and links.tags[0][1].get("lang") == "en"
        assert all(i.get("alt") for i in links.images), page.name


def test_catalogue_json_and_the_atom_feed_list_every_issue(archive):
    _, folder, _ = archive
    data = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    assert [i["date"] for i in data["issues"]] == list(reversed(MONTHS))
    assert all((folder / i["pdf"]).is_file() and len(i["sha256"]) == 64 for i in data["issues"])
    feed = ElementTree.parse(folder / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.tag == f"{atom}feed"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 3
    assert all(e.find(f"{atom}updated").text.endswith("T00:00:00Z") for e in entries)


def test_a_new_publish_is_catalogued_without_reading_the_others_again(archive, tmp_path):
    root, _, _ = archive
    copy = tmp_path / "publication"
    shutil.copytree(root, copy)
    publish(make_issue(copy, "2025-12", 4), copy / "archive")
    result = catalogue(copy / "archive", search=False)
    assert result.processed == ["the-test-bulletin-2025-12-archive.pdf"]
    assert len(result.issues) == 4
    again = catalogue(copy / "archive", search=False)
    assert again.processed == []


def test_an_empty_archive_is_a_plain_message(tmp_path):
    from newsletter_pdf.errors import UserError

    (tmp_path / "archive").mkdir()
    with pytest.raises(UserError, match="no published issue"):
        catalogue(tmp_path / "archive")


@pytest.fixture(scope="module")
def served(archive):
    """The archive on a web server on loopback (Pagefind's search fetches its index over HTTP)."""
    import functools
    import http.server
    import threading

    _, folder, _ = archive
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(__import__("http.server").server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _browser():
    from support.browser import chromium

    return chromium()


def test_search_in_a_real_browser_finds_the_one_issue_with_the_word(served, archive, tmp_path):
    result = archive[2]
    assert result.searchable, "pagefind did not index the site"
    with _browser() as browser:
        page = browser.new_page(viewport={"width": 1024, "height": 900})
        page.goto(f"{served}/index.html")
        page.fill(".pagefind-ui__search-input", RARE_WORD)
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
        page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    assert len(links) == 1
    assert links[0].endswith("issues/the-test-bulletin-2025-10-archive.html")


@pytest.mark.parametrize("width", [375, 1024])
def test_the_index_reads_at_phone_and_desktop_widths(served, width, tmp_path):
    with _browser() as browser:
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(f"{served}/index.html")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        covers = page.eval_on_selector_all("img", "els => els.map(e => e.complete && e.naturalWidth > 0)")
        page.screenshot(path=str(tmp_path / f"index-{width}.png"), full_page=True)
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
    assert covers and all(covers), "a cover picture did not load"


def test_the_shelf_list_pdf_has_a_sheet_a_year_with_covers_and_titles(archive, tmp_path):
    from pypdf import PdfReader

    root, _, _ = archive
    copy = tmp_path / "publication"
    shutil.copytree(root, copy)
    publish(make_issue(copy, "2024-12", 9), copy / "archive")
    result = catalogue(copy / "archive", search=False, shelf_pdf=True)
    reader = PdfReader(copy / "archive" / "catalogue.pdf")
    assert len(reader.pages) == 2  # 2025, then 2024
    first, second = (" ".join(p.extract_text().split()) for p in reader.pages)
    assert "2025" in first and all(f"News of {m}" in first for m in MONTHS)
    assert "News of 2024-12" in second and "News of 2025" not in second
    images = {image.name for page in reader.pages for image in page.images}  # pages share one resources dict
    assert len(images) == 4
    assert result.written[-1].name == "catalogue.pdf"
