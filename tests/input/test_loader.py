from pathlib import Path

import pytest

from newsletter_pdf.errors import UserError, ValidationProblems
from newsletter_pdf.input.loader import load
from support.bad_inputs import CASES, MINIMAL, make_case


def test_loads_the_minimal_issue_with_article_files_and_images():
    newsletter = load(MINIMAL / "2025-11")
    first, second = newsletter.issue.articles
    assert first.title == "First article"
    assert second.body == "The second article's body."
    assert Path(second.image.src) == (MINIMAL / "2025-11" / "images" / "dot.png").resolve()
    assert newsletter.article_bases[1].endswith("articles")
    assert any(f.endswith("second.md") for f in newsletter.source_files)


def test_finds_newsletter_yaml_in_the_issue_folder_first(tmp_path):
    import shutil

    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    own = (tmp_path / "newsletter.yaml").read_text().replace("The Test Bulletin", "Own Bulletin")
    (tmp_path / "2025-11" / "newsletter.yaml").write_text(own)
    assert load(tmp_path / "2025-11").publication.name == "Own Bulletin"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_input_is_reported_with_file_line_and_field(case, tmp_path):
    issue, expected = make_case(case, tmp_path)
    with pytest.raises(ValidationProblems) as info:
        load(issue)
    problems = info.value.problems
    assert len(problems) == len(expected), "\n".join(map(str, problems))
    for problem, want in zip(problems, expected):
        where = str(problem.location).removeprefix(str(tmp_path) + "/")
        assert where.startswith(want["at"]), f"{problem} not at {want['at']}"
        assert problem.field == want.get("field", problem.field)
        assert want["message"].format(issue=issue) in problem.message, problem.message
        if "value" in want:
            assert problem.value == want["value"]


def test_a_missing_issue_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="is not a folder"):
        load(tmp_path / "nope")


def test_a_folder_without_issue_yaml_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match=r"no issue\.yaml"):
        load(tmp_path)


def test_an_issue_without_newsletter_yaml_above_it_is_a_user_error(tmp_path):
    (tmp_path / "issue.yaml").write_text("date: 2025-11\nvolume: 1\nnumber: 1\narticles: [{title: x}]\n")
    with pytest.raises(UserError, match=r"no newsletter\.yaml"):
        load(tmp_path)


def _copy_minimal(tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    return tmp_path / "2025-11"


def test_a_front_matter_image_resolves_from_the_issue_folder_when_not_beside_the_article(tmp_path):
    issue = _copy_minimal(tmp_path)
    article = issue / "articles" / "second.md"
    article.write_text(article.read_text().replace("../images/dot.png", "images/dot.png"))
    newsletter = load(issue)
    assert Path(newsletter.issue.articles[1].image.src) == (issue / "images" / "dot.png").resolve()


def test_the_articles_own_folder_wins_over_the_issue_folder(tmp_path):
    import shutil

    issue = _copy_minimal(tmp_path)
    (issue / "articles" / "images").mkdir()
    shutil.copy(issue / "images" / "dot.png", issue / "articles" / "images" / "dot.png")
    article = issue / "articles" / "second.md"
    article.write_text(article.read_text().replace("../images/dot.png", "images/dot.png"))
    assert Path(load(issue).issue.articles[1].image.src) == (issue / "articles" / "images" / "dot.png").resolve()


@pytest.mark.parametrize("name", ["my dot.png", "café dot.png"])
def test_body_images_with_spaces_or_accents_in_their_names_are_found(tmp_path, name):
    import shutil

    from newsletter_pdf import markdown as md

    issue = _copy_minimal(tmp_path)
    shutil.copy(issue / "images" / "dot.png", issue / "images" / name)
    issue_yaml = issue / "issue.yaml"
    issue_yaml.write_text(
        issue_yaml.read_text().replace(
            "The first paragraph.", f"The first paragraph.\n\n      ![A dot](<images/{name}>)"
        )
    )
    newsletter = load(issue)
    html = md.render(newsletter.issue.articles[0].body, Path(newsletter.article_bases[0]))
    assert (issue / "images" / name).absolute().as_uri() in html
