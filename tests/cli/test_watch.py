import shutil

from newsletter_pdf.cli.watch import Watcher
from newsletter_pdf.errors import ValidationProblems
from newsletter_pdf.pipeline import build
from support.bad_inputs import MINIMAL


def test_watch_rebuilds_on_save_and_survives_errors(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "src")
    issue = tmp_path / "src" / "2025-11"
    out = tmp_path / "out"
    errors = []
    watcher = Watcher(issue, rebuild=lambda: build(issue, out, profiles=["email"]), on_error=errors.append)
    watcher.snapshot = watcher.scan()
    assert watcher.poll() == ([], None)  # nothing changed, nothing built

    issue_yaml = issue / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text().replace("The first paragraph.", "The first paragraph, edited."))
    changes, result = watcher.poll()
    assert changes == [issue_yaml]
    assert result.pdf.is_file()

    issue_yaml.write_text(issue_yaml.read_text().replace("volume: 1", "volume: one"))
    changes, result = watcher.poll()
    assert result is None
    assert isinstance(errors[-1], ValidationProblems)

    issue_yaml.write_text(issue_yaml.read_text().replace("volume: one", "volume: 1"))
    changes, result = watcher.poll()
    assert result is not None and result.pdf.is_file()


def test_watch_sees_images_and_article_files(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "src")
    issue = tmp_path / "src" / "2025-11"
    watcher = Watcher(issue, rebuild=lambda: "built", on_error=print)
    watcher.snapshot = watcher.scan()
    (issue / "images" / "dot.png").write_bytes((issue / "images" / "dot.png").read_bytes() + b"\0")
    (issue / "articles" / "second.md").write_text((issue / "articles" / "second.md").read_text() + "\nMore.\n")
    changes, result = watcher.poll()
    assert {p.name for p in changes} == {"dot.png", "second.md"}
    assert result == "built"
