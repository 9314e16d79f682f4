"""Markdown -> safe HTML: raw HTML is shown as text, never interpreted."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Article titles are <h2>; a body's own headings sit below them.
TOP_BODY_HEADING = 3


@functools.cache
def _parser() -> MarkdownIt:
    # html=False: "<script>" in a contributor's text is escaped and printed, not run.
    parser = MarkdownIt("commonmark", {"html": False, "typographer": True, "linkify": True})
    parser.enable(["replacements", "smartquotes", "strikethrough", "table", "linkify"])
    return parser


def _tokens(text: str) -> list[Token]:
    return _parser().parse(text or "")


@functools.lru_cache(maxsize=4096)  # an issue's bodies, read by the loader, then by check's advice
def _read_only_tokens(text: str) -> tuple[Token, ...]:
    """The tokens of a text for the functions that only read them (one parse for all the checks)."""
    return tuple(_tokens(text))


def _walk(tokens: Sequence[Token]):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def image_sources(text: str) -> list[str]:
    """The src of every image written in Markdown (for checks before rendering)."""
    return [t.attrGet("src") or "" for t in _walk(_read_only_tokens(text)) if t.type == "image"]


# markdown-it stops nesting blocks (lists, quotes) at its maxNesting and drops what lies deeper.
MAX_NESTING = 20
MAX_LIST_DEPTH = 8  # nested lists a reader can follow; each list level takes two of markdown-it's
# Links a reader can follow from a PDF: the web, email and telephone, and places in the issue.
LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:", "#")


def nested_too_deep(text: str) -> bool:
    """True when lists or quotes nest so deep that markdown-it would drop the innermost text."""
    return any(token.level >= MAX_NESTING - 1 for token in _read_only_tokens(text))


def _refused(href: str) -> bool:
    """A link to a file (/etc/passwd, ../x, file:), which WeasyPrint would turn into a file: link."""
    return not href.strip().lower().startswith(LINK_SCHEMES)


def refused_links(text: str) -> list[str]:
    """The addresses of links printed as plain text because they point at files, not the web."""
    return [
        str(t.attrGet("href") or "")
        for t in _walk(_read_only_tokens(text))
        if t.type == "link_open" and _refused(str(t.attrGet("href") or ""))
    ]


def _without_refused_links(children: list[Token]) -> list[Token]:
    """The inline tokens with every refused link unwrapped: its words stay, as text."""
    kept, inside_refused = [], False
    for token in children:
        if token.type == "link_open" and _refused(str(token.attrGet("href") or "")):
            inside_refused = True
            continue
        if token.type == "link_close" and inside_refused:
            inside_refused = False
            continue
        kept.append(token)
    return kept


def link_targets(text: str) -> list[str]:
    """The href of every link in Markdown: [words](href), <href> and bare addresses."""
    return [str(t.attrGet("href") or "") for t in _walk(_tokens(text)) if t.type == "link_open"]


def _link_shows_its_address(token: Token, siblings: list[Token]) -> bool:
    """True for <https://x>, bare addresses and [https://x](https://x): the words are the URL."""
    if token.markup in ("autolink", "linkify"):
        return True
    index = siblings.index(token)
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    href = str(token.attrGet("href") or "").rstrip("/")
    text = (following.content if following is not None and following.type == "text" else "").rstrip("/")
    return bool(text) and (text == href or href.split("://", 1)[-1] == text.split("://", 1)[-1])


def render(text: str, base: Path | None = None) -> str:
    """Render Markdown to HTML; relative image paths resolve against base."""
    tokens = _tokens(text)
    for block in tokens:
        if block.children:
            block.children = _without_refused_links(block.children)
        for token in block.children or []:
            if token.type == "link_open":
                href = str(token.attrGet("href") or "")
                # Paper has no links: print output shows the address after the words.
                if href.startswith(("http://", "https://")) and not _link_shows_its_address(
                    token, block.children or []
                ):
                    token.attrSet("class", "external")
    for token in _walk(tokens):
        if token.type in ("heading_open", "heading_close"):
            level = max(TOP_BODY_HEADING, int(token.tag[1]) + 1)
            token.tag = f"h{min(level, 6)}"
        elif token.type == "image" and base is not None:
            src = token.attrGet("src") or ""
            if src and "://" not in src and not src.startswith(("/", "data:")):
                # markdown-it percent-encodes the src ('my photo.jpg' -> 'my%20photo.jpg'): decode it once.
                token.attrSet("src", (base / unquote(src)).absolute().as_uri())
    return _parser().renderer.render(tokens, _parser().options, {})


def render_inline(text: str) -> str:
    """Render one line of Markdown (emphasis, links) without a wrapping paragraph."""
    return _parser().renderInline(text or "")


def _block_starts(text: str) -> list[int]:
    """The first source line of each top-level block (paragraph, list, quote, heading)."""
    return [t.map[0] for t in _read_only_tokens(text) if t.level == 0 and t.nesting in (0, 1) and t.map]


def split_blocks(text: str, count: int) -> tuple[str, str]:
    """The Markdown of the first `count` top-level blocks, and of the rest ('' when there is none)."""
    starts = _block_starts(text)
    if count >= len(starts):
        return text, ""
    lines = (text or "").split("\n")
    cut = starts[count]
    return "\n".join(lines[:cut]).rstrip() + "\n", "\n".join(lines[cut:])


def block_count(text: str) -> int:
    return len(_block_starts(text))
