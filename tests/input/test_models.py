import datetime as dt

import pytest
from pydantic import ValidationError

from newsletter_pdf.input.models import Article, Image, Issue, Newsletter, Publication

PUBLICATION = {
    "name": "Riverside Bulletin",
    "about": {"title": "About us", "body": "We are *neighbours*."},
    "address": {"lines": ["P.O. Box 123"], "email": "info@example.org", "website": "https://example.org"},
}
ISSUE = {"date": "2025-11", "volume": 4, "number": 23, "articles": [{"title": "Hello", "body": "Text."}]}


def test_minimal_publication_takes_defaults():
    publication = Publication.model_validate(PUBLICATION)
    assert publication.language == "en"
    assert publication.layout == "classic"
    assert publication.page_size.value == "A4"


@pytest.mark.parametrize("missing", ["name", "about", "address"])
def test_publication_rejects_missing_required_field(missing):
    data = {k: v for k, v in PUBLICATION.items() if k != missing}
    with pytest.raises(ValidationError) as info:
        Publication.model_validate(data)
    assert info.value.errors()[0]["type"] == "missing"
    assert info.value.errors()[0]["loc"] == (missing,)


def test_publication_rejects_unknown_field():
    with pytest.raises(ValidationError) as info:
        Publication.model_validate({**PUBLICATION, "nmae": "x"})
    assert info.value.errors()[0]["type"] == "extra_forbidden"


@pytest.mark.parametrize(
    "field, value",
    [
        ("language", "english please"),
        ("page_size", "A3"),
        ("address", {"lines": [], "email": "x@example.org"}),
        ("address", {"lines": ["a"], "email": "not-an-email"}),
        ("address", {"lines": ["a"], "website": "ftp://example.org"}),
        ("slug", "Not A Slug"),
    ],
)
def test_publication_rejects_bad_values(field, value):
    with pytest.raises(ValidationError):
        Publication.model_validate({**PUBLICATION, field: value})


@pytest.mark.parametrize(
    "field, value",
    [
        ("date", "2025-13"),
        ("date", "November 2025"),
        ("date", dt.date(2025, 11, 1)),
        ("volume", 0),
        ("volume", "4"),
        ("number", "twenty-three"),
        ("number", 2.5),
        ("articles", []),
        ("articles", "none"),
    ],
)
def test_issue_rejects_wrong_types_and_values(field, value):
    with pytest.raises(ValidationError):
        Issue.model_validate({**ISSUE, field: value})


def test_issue_knows_its_month():
    issue = Issue.model_validate(ISSUE)
    assert issue.month_name == "November 2025"
    assert (issue.year, issue.month) == (2025, 11)


def test_article_image_shorthand_becomes_an_image():
    article = Article.model_validate({"title": "T", "image": "images/x.jpg"})
    assert article.image == Image(src="images/x.jpg")


@pytest.mark.parametrize(
    "field, value",
    [("title", ""), ("title", None), ("date", "2025-11-31"), ("source", "javascript:alert(1)"), ("colour", "red")],
)
def test_article_rejects_bad_fields(field, value):
    with pytest.raises(ValidationError):
        Article.model_validate({"title": "T", field: value})


def test_newsletter_title_and_slug():
    newsletter = Newsletter(
        publication=Publication.model_validate({**PUBLICATION, "name": "Le Petit Écho"}),
        issue=Issue.model_validate(ISSUE),
        issue_dir="/x",
        publication_file="/x/newsletter.yaml",
        source_files=(),
        article_bases=("/x",),
    )
    assert newsletter.title == "Le Petit Écho — November 2025, Vol. 4 No. 23"
    assert newsletter.slug == "le-petit-echo"
