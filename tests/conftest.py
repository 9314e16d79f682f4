"""Shared fixtures: the sample issue is built once per session, and WeasyPrint must stay silent."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from support.paths import ROOT, SAMPLE_ISSUE


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files (HTML, PNG) from the current output; review the diff before committing.",
    )


def pytest_configure(config):
    # The page-fitting cache goes to a private folder, never the user's ~/.cache.
    import os
    import tempfile

    os.environ["NEWSLETTER_PDF_CACHE"] = tempfile.mkdtemp(prefix="newsletter-pdf-cache-")
    config.addinivalue_line("markers", "weasyprint_may_warn: the test expects WeasyPrint to log warnings")
    config.addinivalue_line("markers", "slow: exhaustive runs, deselected by default (run them with -m slow)")


class _WeasyPrintLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """No test reaches past this machine: a connection to anything but loopback fails the test."""
    import ipaddress
    import socket

    original = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else None
        if host is not None:
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise AssertionError(f"a test tried to connect to {address}: nothing may be fetched from outside")
        return original(self, address)

    socket.socket.connect = guarded
    yield
    socket.socket.connect = original


@pytest.fixture(autouse=True)
def weasyprint_stays_silent(request):
    """Every test fails if WeasyPrint logs a warning or an error (it rarely raises)."""
    handler = _WeasyPrintLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)
    if handler.records and not request.node.get_closest_marker("weasyprint_may_warn"):
        messages = "\n".join(r.getMessage() for r in handler.records)
        pytest.fail(f"WeasyPrint logged:\n{messages}")


@pytest.fixture(scope="session")
def sample_copy(tmp_path_factory) -> Path:
    """A private copy of issues/ that tests may not modify (use `editable_issue` to change files)."""
    target = tmp_path_factory.mktemp("sample") / "issues"
    shutil.copytree(ROOT / "issues", target)
    return target / "2025-11"


@pytest.fixture
def editable_issue(tmp_path) -> Path:
    """A fresh copy of the sample issue that a test may break."""
    target = tmp_path / "issues"
    shutil.copytree(ROOT / "issues", target)
    return target / "2025-11"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The sample issue, built once for the whole session (with its HTML)."""
    from newsletter_pdf.pipeline import build

    logger = logging.getLogger("weasyprint")
    handler = _WeasyPrintLog()
    logger.addHandler(handler)
    try:
        result = build(SAMPLE_ISSUE, tmp_path_factory.mktemp("sample-out"), write_html=True)
    finally:
        logger.removeHandler(handler)
    result.weasyprint_log = [r.getMessage() for r in handler.records]
    return result


@pytest.fixture(scope="session")
def stress_build(tmp_path_factory):
    """A generated 25-article issue (mixed lengths, images, long words and URLs, several scripts)."""
    from newsletter_pdf.pipeline import build
    from support.stress_issue import write_stress_issue

    issue = write_stress_issue(tmp_path_factory.mktemp("stress"))
    logger = logging.getLogger("weasyprint")
    handler = _WeasyPrintLog()
    logger.addHandler(handler)
    try:
        result = build(issue, tmp_path_factory.mktemp("stress-out"), profiles=["email"])
    finally:
        logger.removeHandler(handler)
    result.weasyprint_log = [r.getMessage() for r in handler.records]
    return result


def write_threshold_issue(target: Path) -> Path:
    """The minimal issue with two pictures either side of the 300-dpi line in an 86.5 mm column:
    1000 px (293.6 dpi, must warn) and 1100 px (323.0 dpi, must not)."""
    from PIL import Image

    from support.bad_inputs import MINIMAL

    shutil.copytree(MINIMAL, target)
    issue = target / "2025-11"
    for name, width in (("under.png", 1000), ("over.png", 1100)):
        Image.new("RGB", (width, width * 2 // 3), (70, 120, 160)).save(issue / "images" / name)
    second = issue / "articles" / "second.md"
    second.write_text(second.read_text().replace("dot.png", "under.png"))
    third = second.read_text().replace("under.png", "over.png").replace("Second article", "Third article")
    (issue / "articles" / "third.md").write_text(third)
    issue_yaml = issue / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text() + "  - file: articles/third.md\n")
    return issue


@pytest.fixture(scope="session")
def warning_build(tmp_path_factory):
    """A build made to warn: a print picture just under 300 dpi, an email over a 1 kB budget."""
    from newsletter_pdf.pipeline import build

    issue = write_threshold_issue(tmp_path_factory.mktemp("threshold") / "issues")
    return build(issue, tmp_path_factory.mktemp("threshold-out"), profiles=["print", "email"], email_budget=1000)
