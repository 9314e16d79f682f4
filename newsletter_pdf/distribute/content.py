"""What the email edition says about each article: its title, its first sentence and a link."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsletter_pdf import markdown as md
from newsletter_pdf.input.models import Newsletter

SENTENCE_MAX = 240  # characters: a teaser, not the article
# A sentence ends at . ! ? or … followed by a space and what starts a sentence, or at CJK full stops.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(\[]?[^\W_a-z])|(?<=[。！？])")


@dataclass(frozen=True)
class Teaser:
    title: str
    sentence: str
    link: str | None  # the article's source, else the publication's website


def first_paragraph_text(markdown: str) -> str:
    """The words of the first paragraph, without Markdown (emphasis, links, breaks become plain text)."""
    tokens = md._tokens(markdown)
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            words = []
            for child in tokens[index + 1].children or []:
                if child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
            return re.sub(r"\s+", " ", "".join(words)).strip()
    return ""


def first_sentence(markdown: str) -> str:
    """The article's first sentence (shortened with … when it runs very long)."""
    paragraph = first_paragraph_text(markdown)
    sentence = _SENTENCE_END.split(paragraph, maxsplit=1)[0].strip()
    if len(sentence) > SENTENCE_MAX:
        cut = sentence[:SENTENCE_MAX].rsplit(" ", 1)[0]
        sentence = cut.rstrip(",;:") + "…"
    return sentence


def teasers(newsletter: Newsletter) -> list[Teaser]:
    website = newsletter.publication.address.website
    return [
        Teaser(article.title, first_sentence(article.body), article.source or website)
        for article in newsletter.issue.articles
    ]


def about_line(newsletter: Newsletter) -> str:
    """The About box's first sentence: who publishes the newsletter."""
    return first_sentence(newsletter.publication.about.body)
