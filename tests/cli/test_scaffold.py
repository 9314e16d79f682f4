import shutil

import pytest

from newsletter_pdf.cli.scaffold import new_issue, next_month
from newsletter_pdf.errors import UserError
from newsletter_pdf.input.loader import load
from support.bad_inputs import MINIMAL


def test_next_month_rolls_over_the_year():
    assert next_month("2025-11") == ("2025-12", False)
    assert next_month("2025-12") == ("2026-01", True)


@pytest.fixture
def issues(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "issues")
    return tmp_path / "issues"


def test_new_issue_is_the_next_month_and_number(issues):
    made = new_issue(issues)
    assert made.folder == issues / "2025-12"
    newsletter = load(made.folder)
    assert (newsletter.issue.date, newsletter.issue.volume, newsletter.issue.number) == ("2025-12", 1, 3)
    assert len(newsletter.issue.articles) == 1


def test_a_new_year_starts_a_new_volume(issues):
    new_issue(issues)
    made = new_issue(issues)  # after 2025-12
    assert (made.date, made.volume, made.number) == ("2026-01", 2, 4)


def test_the_volume_rule_comes_from_newsletter_yaml(issues):
    publication = issues / "newsletter.yaml"
    publication.write_text(publication.read_text() + "new_volume_each_year: true\nrestart_numbers_each_volume: true\n")
    new_issue(issues)
    made = new_issue(issues)
    assert (made.volume, made.number) == (2, 1)
    publication.write_text(publication.read_text().replace("new_volume_each_year: true", "new_volume_each_year: false"))
    made = new_issue(issues)
    assert (made.date, made.volume, made.number) == ("2026-02", 2, 2)


def test_an_existing_folder_is_never_overwritten(issues):
    (issues / "2025-12").mkdir()
    with pytest.raises(UserError, match="exists already"):
        new_issue(issues)


def test_a_folder_without_issues_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no issue folder"):
        new_issue(tmp_path)


def test_an_inline_box_is_carried_over_with_its_text(issues):
    issue_yaml = issues / "2025-11" / "issue.yaml"
    issue_yaml.write_text(
        issue_yaml.read_text()
        + "  - title: Meetings\n    kind: box\n    body: |\n      Every first Monday.\n\n      *All welcome.*\n"
    )
    made = new_issue(issues)
    assert made.carried == ["Meetings"]
    box = load(made.folder).issue.articles[-1]
    assert (box.title, box.kind, box.body) == ("Meetings", "box", "Every first Monday.\n\n*All welcome.*\n")
    assert [a.title for a in load(made.folder).issue.articles] == ["Your first article", "Meetings"]
