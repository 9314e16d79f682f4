"""Labels, dates, digits, direction, hyphenation and slugs per language (HTML only: cheap)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from newsletter_pdf.input.loader import load
from newsletter_pdf.input.models import Publication, slug_of
from newsletter_pdf.messages import label_catalogue, label_languages
from newsletter_pdf.render.html import render_html
from newsletter_pdf.render.labels import localiser
from newsletter_pdf.render.layouts import load_layout
from support.paths import SAMPLE_ISSUE

TRANSLATED = [
    "en",
    "fr",
    "de",
    "es",
    "it",
    "pt",
    "nl",
    "sq",
    "el",
    "ru",
    "uk",
    "pl",
    "tr",
    "vi",
    "fa",
    "ar",
    "he",
    "ur",
]
# The month of the sample issue (2025-11) as a reader of each language expects it (CLDR, written out here).
NOVEMBER = {
    "en": "November 2025",
    "fr": "novembre 2025",
    "de": "November 2025",
    "es": "noviembre de 2025",
    "it": "novembre 2025",
    "pt": "novembro de 2025",
    "nl": "november 2025",
    "sq": "nëntor 2025",
    "el": "Νοέμβριος 2025",
    "ru": "ноябрь 2025",
    "uk": "листопад 2025",
    "pl": "listopad 2025",
    "tr": "Kasım 2025",
    "vi": "tháng 11 năm 2025",
    "fa": "نوامبر ۲۰۲۵",
    "ar": "نوفمبر 2025",
    "he": "נובמבר 2025",
    "ur": "نومبر 2025",
}


@pytest.fixture(scope="module")
def sample():
    return load(SAMPLE_ISSUE)


def in_language(newsletter, language: str, **fields):
    publication = newsletter.publication.model_copy(update={"language": language, **fields})
    return newsletter.model_copy(update={"publication": publication})


def html_in(newsletter, language: str, **fields) -> str:
    return render_html(in_language(newsletter, language, **fields), load_layout("classic"))


def test_every_required_language_is_translated_with_the_same_keys_and_placeholders():
    english = label_catalogue("en")
    assert set(TRANSLATED) <= set(label_languages())
    for language in label_languages():
        labels = label_catalogue(language)
        assert set(labels) == set(english), language
        for key, text in labels.items():
            assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", english[key])), (language, key)
            assert text.strip(), (language, key)


def test_every_label_in_every_language_is_printable_by_the_bundled_fonts():
    from newsletter_pdf.fonts import missing_characters

    for language in label_languages():
        assert missing_characters("".join(label_catalogue(language).values())) == [], language


@pytest.mark.parametrize("language", TRANSLATED)
def test_labels_and_month_appear_in_the_language(sample, language):
    html = html_in(sample, language)
    t = localiser(in_language(sample, language).publication)
    labels = label_catalogue(language)
    assert t.warnings == ()
    assert f'<h2 class="contents-title">{labels["contents_title"]}</h2>' in html
    assert f'<span class="masthead-month">{NOVEMBER[language]}' in html
    assert t.label("issue_number", volume=4, number=23) in html
    assert t.label("by", author="Zoë Hartley") in html
    assert labels["contact_us"] in html
    assert t.split("continued_on", "page")[0] in html  # the sample has a jump
    assert "data-folio-0=" in html
    if language != "en":
        for english in (
            "Inside this issue",
            "Contact us",
            "Volume 4, Number 23",
            ">By ",
            "Read more:",
            "Continued on page",
        ):
            assert english not in html, (language, english)


def test_a_language_without_labels_falls_back_to_english_with_one_warning_and_cldr_dates(sample):
    t = localiser(in_language(sample, "ro").publication)
    assert len(t.warnings) == 1 and "'ro'" in t.warnings[0]
    html = html_in(sample, "ro")
    assert "Inside this issue" in html
    assert "noiembrie 2025" in html  # the month still comes from CLDR
    assert "25 octombrie 2025" in html  # and the article dates


def test_a_language_whose_dates_no_bundled_font_prints_is_an_error_at_language(tmp_path):
    import shutil

    from newsletter_pdf.errors import ValidationProblems
    from newsletter_pdf.pipeline import prepare
    from support.bad_inputs import MINIMAL

    shutil.copytree(MINIMAL, tmp_path, dirs_exist_ok=True)
    publication = tmp_path / "newsletter.yaml"
    publication.write_text(publication.read_text().replace("language: en", "language: ja"), encoding="utf-8")
    with pytest.raises(ValidationProblems) as info:
        prepare(tmp_path / "2025-11")
    (problem,) = info.value.problems
    assert str(problem.location).endswith("newsletter.yaml:3:1") and problem.field == "language"
    assert "'年' (U+5E74" in problem.message and "'ja'" in problem.message


def test_overrides_replace_any_label_and_silence_the_fallback_warning(sample):
    english = label_catalogue("en")
    own = {k: f"[{k}]" + " ".join(re.findall(r"{\w+}", text)) for k, text in english.items()}
    labels = Publication.model_fields["labels"].annotation.__args__[0](**own)
    html = html_in(sample, "ro", labels=labels)
    assert "[contents_title]" in html and "Inside this issue" not in html
    assert localiser(in_language(sample, "ro", labels=labels).publication).warnings == ()


def test_one_override_keeps_the_other_translated_labels(sample):
    labels_model = Publication.model_fields["labels"].annotation.__args__[0]
    html = html_in(sample, "fr", labels=labels_model(contents_title="Au sommaire"))
    assert "Au sommaire" in html and "Dans ce numéro" not in html
    assert "Nous contacter" in html


@pytest.mark.parametrize(
    ("language", "digits", "month", "counter"),
    [
        ("fa", None, "نوامبر ۲۰۲۵", "persian"),
        ("fa", "latin", "نوامبر 2025", "decimal"),
        ("ar", None, "نوفمبر 2025", "decimal"),
        ("ar", "native", "نوفمبر ٢٠٢٥", "arabic-indic"),
        ("en", "native", "November 2025", "decimal"),  # English has no other digits
    ],
)
def test_digits_follow_the_language_or_the_digits_field(sample, language, digits, month, counter):
    t = localiser(in_language(sample, language, digits=digits).publication)
    assert t.month(2025, 11) == month
    assert t.counter_style == counter
    html = html_in(sample, language, digits=digits)
    assert f"counter(page, {counter})" in html and f"target-counter(attr(href), page, {counter})" in html


@pytest.mark.parametrize(("language", "rtl"), [("fa", True), ("ar", True), ("he", True), ("ur", True), ("en", False)])
def test_right_to_left_languages_get_a_right_to_left_document(sample, language, rtl):
    html = html_in(sample, language)
    assert ('dir="rtl"' in html.split("\n")[1]) is rtl
    assert ("[dir=rtl] .drop-cap-letter" in html) is rtl


def test_direction_field_overrides_the_language(sample):
    assert 'dir="rtl"' in html_in(sample, "en", direction="rtl").split("\n")[1]
    assert 'dir="rtl"' not in html_in(sample, "fa", direction="ltr").split("\n")[1]


def test_right_to_left_isolates_addresses_and_numbers_and_drops_the_joining_drop_cap(sample):
    html = html_in(sample, "fa")
    assert "\u2066millbrook.example.org\u2069" in html  # the address block's website
    assert "\u2066https://harwick-council.example.net/waste/collection-changes-2025\u2069" in html  # read more
    assert 'class="drop-cap-letter"' not in html  # Arabic letters join: no detached first letter
    assert 'class="drop-cap-letter"' in html_in(sample, "he")


def test_the_body_font_stack_leads_with_the_documents_script(sample):
    assert '--body-font: "Noto Naskh Arabic", "Noto Serif"' in html_in(sample, "fa")
    assert '--heading-font: "Noto Sans Hebrew", "Noto Sans"' in html_in(sample, "he")
    assert '--body-font: "Noto Serif", ' in html_in(sample, "el")


@pytest.mark.parametrize(("language", "hyphenates"), [("de", True), ("sq", True), ("fa", False), ("he", False)])
def test_hyphenation_only_where_there_is_a_dictionary(sample, language, hyphenates):
    assert ('class="no-hyphens"' not in html_in(sample, language).split("\n")[1]) is hyphenates


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Le Petit Écho", "le-petit-echo"),
        ("خبرنامهٔ باغ\u200cانار", "khbrnmh-bghnr"),
        ("עלון השכונה", "lvn-hskhvnh"),
        ("Новости района", "novosti-rayona"),
        ("Bản tin Phường", "ban-tin-phuong"),
        ("東京ニュース", "dongjingniyusu"),
    ],
)
def test_slugs_for_names_in_any_script(name, slug):
    assert slug_of(name) == slug


def test_a_slug_is_never_a_generic_word():
    assert slug_of("★☆") not in ("", "newsletter")
    assert slug_of("★☆") != slug_of("☆★")


def test_article_dates_are_in_the_language(sample):
    t = localiser(in_language(sample, "sq").publication)
    assert t.date(dt.date(2023, 11, 3)) == "3 nëntor 2023"
    assert "25 tetor 2025" in html_in(sample, "sq")
