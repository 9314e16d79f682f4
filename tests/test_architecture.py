"""The shape of the package, enforced: lint and types pass, modules stay small, imports run one way."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys

import pytest

from support.paths import ROOT

PACKAGE = ROOT / "newsletter_pdf"
MAX_LINES = 450


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _imports(path) -> set[str]:
    """Modules imported at run time (imports under `if TYPE_CHECKING:` are for the type checker only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or pytest.fail("ruff is a test dependency: bash scripts/setup.sh --test")
    done = subprocess.run(
        [ruff, "check", "newsletter_pdf", "tests", "bench", "scripts"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_code_is_ruff_formatted():
    ruff = shutil.which("ruff") or pytest.fail("ruff is a test dependency: bash scripts/setup.sh --test")
    done = subprocess.run(
        [ruff, "format", "--check", "newsletter_pdf", "tests", "bench", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_no_type_error():
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_450_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_at_most_three_modules_import_weasyprint():
    importing = [
        p.relative_to(PACKAGE).as_posix()
        for p in _modules()
        if any(name == "weasyprint" or name.startswith("weasyprint.") for name in _imports(p))
    ]
    assert len(importing) <= 3, importing


def test_the_product_never_imports_pdfplumber():
    assert not [p for p in _modules() if any(n.startswith("pdfplumber") for n in _imports(p))]


def test_reading_input_never_imports_the_renderer_or_the_cli():
    for path in (PACKAGE / "input").rglob("*.py"):
        wrong = {
            n
            for n in _imports(path)
            if n.startswith(
                ("newsletter_pdf.render", "newsletter_pdf.cli", "newsletter_pdf.outputs", "newsletter_pdf.pipeline")
            )
        }
        assert not wrong, f"{path.name} imports {wrong}"
