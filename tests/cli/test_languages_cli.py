"""Languages at the command line: the English-labels warning said once, the Persian sample under --strict."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from support.bad_inputs import MINIMAL

runner = CliRunner()


def test_a_language_without_labels_is_warned_about_once(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "pub")
    publication = tmp_path / "pub" / "newsletter.yaml"
    publication.write_text(publication.read_text().replace("language: en", "language: ro"), encoding="utf-8")
    result = runner.invoke(app, ["build", str(tmp_path / "pub" / "2025-11"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.output.count("there are no labels in 'ro' yet") == 1, result.output
    checked = runner.invoke(app, ["check", str(tmp_path / "pub" / "2025-11")])
    assert checked.exit_code == 0 and checked.output.count("there are no labels in 'ro' yet") == 1
    assert "newsletter.yaml:3:1: language:" in checked.output


def test_a_character_no_font_has_stops_the_build_with_its_place(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "pub")
    article = tmp_path / "pub" / "2025-11" / "articles" / "second.md"
    article.write_text(article.read_text() + "\n\nA smile: 🙂\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(tmp_path / "pub" / "2025-11"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "second.md:11:10: articles[1].body: no bundled font has '🙂' (U+1F642" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
