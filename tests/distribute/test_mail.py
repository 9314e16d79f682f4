"""The email edition (.eml): read back with Python's email package, as any mail client would."""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from newsletter_pdf.distribute import content
from newsletter_pdf.distribute.mail import compose, subject_of

runner = CliRunner()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.styles = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])
        if tag == "img":
            self.srcs.append(values.get("src") or "")
        if values.get("style"):
            self.styles += 1


def _html(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def test_the_message_is_mixed_alternative_with_an_inline_cover_and_the_pdf_attached(sample_mail):
    _, message = sample_mail
    assert message.get_content_type() == "multipart/mixed"
    kinds = [part.get_content_type() for part in message.walk()]
    assert kinds == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/jpeg",
        "application/pdf",
    ]
    cover = next(p for p in message.walk() if p.get_content_type() == "image/jpeg")
    assert cover.get_content_disposition() == "inline"
    cid = cover["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in _html(message)
    assert cover.get_content()[:3] == b"\xff\xd8\xff"  # a JPEG
    attachments = list(message.iter_attachments())
    pdf = next(p for p in attachments if p.get_content_type() == "application/pdf")
    assert pdf.get_filename().endswith("-email.pdf")
    assert pdf.get_content()[:5] == b"%PDF-"


def test_headers_come_from_the_distribution_section(sample_mail, sample_build):
    _, message = sample_mail
    distribution = sample_build.newsletter.publication.distribution
    assert message["Subject"] == "The Millbrook Post, November 2025"
    assert message["From"] == distribution.sender
    assert message["Reply-To"] == distribution.reply_to
    assert message["List-Unsubscribe"] == f"<{distribution.unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Date"].datetime.date().isoformat() == "2025-11-01"
    assert re.fullmatch(r"<2025-11\.[0-9a-f]{16}@millbrook\.example\.org>", message["Message-ID"])
    assert message["Content-Language"] == sample_build.newsletter.publication.language


def test_every_article_is_in_both_parts_with_every_source_linked(sample_mail, sample_build):
    _, message = sample_mail
    text = message.get_body(("plain",)).get_content()
    html = _html(message)
    links = _Links()
    links.feed(html)
    articles = sample_build.newsletter.issue.articles
    for article in articles:
        assert article.title in text
        assert article.title.replace("'", "&#39;") in html or article.title in html
        if article.source:
            assert article.source in links.hrefs
            assert article.source in text
        sentence = content.first_sentence(article.body)
        assert sentence and sentence in text
    website = sample_build.newsletter.publication.address.website
    assert links.hrefs.count(website) >= 2 * sum(1 for a in articles if not a.source)  # title and 'Read more'


def test_the_html_is_inlined_and_has_a_preheader_and_the_about_line_and_address_at_the_foot(sample_mail, sample_build):
    _, message = sample_mail
    html = _html(message)
    links = _Links()
    links.feed(html)
    assert links.styles > 30  # css-inline put the rules on the elements
    assert "<style>" in html and "@media" in html  # only the media queries stay in a style sheet
    assert 'class="preheader"' in html and "display: none" in html
    publication = sample_build.newsletter.publication
    foot = html[html.index('class="foot"') :]
    assert publication.about.title in foot.replace("&#39;", "'")
    for line in publication.address.lines:
        assert line in foot
    assert publication.distribution.unsubscribe in foot


def test_the_seed_sample_is_under_2_mb(sample_mail):
    result, _ = sample_mail
    assert result.size < 2_000_000


def test_the_same_issue_gives_the_same_bytes(sample_build):
    pdf = sample_build.output("email").path
    first = compose(sample_build.newsletter, pdf.read_bytes(), pdf.name).as_bytes()
    second = compose(sample_build.newsletter, pdf.read_bytes(), pdf.name).as_bytes()
    assert first == second


def test_the_subject_template_and_the_month_follow_the_language(sample_build):
    newsletter = sample_build.newsletter
    publication = newsletter.publication
    french = publication.model_copy(
        update={
            "language": "fr",
            "distribution": publication.distribution.model_copy(update={"subject": "{name} n° {number} — {month}"}),
        }
    )
    assert (
        subject_of(newsletter.model_copy(update={"publication": french})) == "The Millbrook Post n° 23 — novembre 2025"
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Dans ce numéro", "Le numéro complet est joint en PDF.", "Se désabonner"]),
        ("sq", ["Në këtë numër", "I gjithë numri është bashkëngjitur si PDF.", "Çregjistrohu"]),
        ("fa", ["در این شماره", "لغو اشتراک"]),
    ],
)
def test_the_email_s_words_follow_the_language_from_the_label_catalogue(sample_build, language, words):
    from newsletter_pdf.distribute.mail import _context, html_part, text_part

    newsletter = sample_build.newsletter
    publication = newsletter.publication.model_copy(update={"language": language})
    context = _context(newsletter.model_copy(update={"publication": publication}), "subject", "cover@x")
    html, text = html_part(context), text_part(context)
    for word in words:
        assert word in html or word.replace("'", "&#39;") in html, word
    assert "Unsubscribe" not in html and "The whole issue is attached" not in text


def test_first_sentence_stops_at_the_end_of_a_sentence_not_at_a_time_or_abbreviation():
    assert content.first_sentence("Doors open at 7.30 pm. Tea follows.") == "Doors open at 7.30 pm."
    assert content.first_sentence("A *very* [good](https://x.example.org) day! Then more.") == "A very good day!"
    assert content.first_sentence("今日は晴れです。明日は雨です。") == "今日は晴れです。"
    long = "word " * 100
    assert content.first_sentence(long).endswith("…") and len(content.first_sentence(long)) <= 241


def test_mail_command_writes_the_eml_under_budget(editable_issue, tmp_path):
    result = runner.invoke(app, ["mail", str(editable_issue), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    eml = tmp_path / "the-millbrook-post-2025-11.eml"
    assert str(eml) in result.output
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == "The Millbrook Post, November 2025"
    assert (tmp_path / "the-millbrook-post-2025-11-email.pdf").exists()
    # A budget the message cannot meet: a clear error, no .eml written.
    eml.unlink()
    result = runner.invoke(app, ["mail", str(editable_issue), "-o", str(tmp_path), "--budget", "0.1"])
    assert result.exit_code == 1
    assert "over the budget" in result.output and not eml.exists()


def test_mail_without_a_distribution_section_says_what_to_add(editable_issue, tmp_path):
    newsletter_yaml = editable_issue.parent / "newsletter.yaml"
    text = newsletter_yaml.read_text()
    newsletter_yaml.write_text(text[: text.index("distribution:")])
    result = runner.invoke(app, ["mail", str(editable_issue), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no `distribution:` section" in result.output
    assert not (tmp_path / "out").exists()


def test_a_bad_distribution_value_is_located(editable_issue, tmp_path):
    newsletter_yaml = editable_issue.parent / "newsletter.yaml"
    text = newsletter_yaml.read_text().replace("unsubscribe: https://", "unsubscribe: http://")
    newsletter_yaml.write_text(text)
    result = runner.invoke(app, ["check", str(editable_issue)])
    assert result.exit_code == 1
    line = text[: text.index("unsubscribe: http://")].count("\n") + 1
    assert f"newsletter.yaml:{line}:" in result.output
    assert "distribution.unsubscribe" in result.output


def test_a_mailto_unsubscribe_has_no_one_click_post_and_rtl_languages_set_dir(sample_build):
    newsletter = sample_build.newsletter
    publication = newsletter.publication
    changed = publication.model_copy(
        update={
            "language": "ar",
            "distribution": publication.distribution.model_copy(
                update={"unsubscribe": "mailto:leave@millbrook.example.org"}
            ),
        }
    )
    pdf = sample_build.output("email").path
    message = compose(newsletter.model_copy(update={"publication": changed}), pdf.read_bytes(), pdf.name).message
    assert message["List-Unsubscribe"] == "<mailto:leave@millbrook.example.org>"
    assert message["List-Unsubscribe-Post"] is None
    html = message.get_body(("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html
    assert "نوفمبر 2025" in message["Subject"]
