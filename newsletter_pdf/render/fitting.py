"""Page-count fitting: make an issue fill exactly `pages:` pages, within the layout's limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from newsletter_pdf.render.layouts import Layout

MM_PER_PX = 25.4 / 96


@dataclass(frozen=True)
class Fit:
    """Adjustments the templates apply (fit.css.j2, filler.html.j2); None/0 means the layout's own value."""

    leading: str | None = None
    image_height: str | None = None
    notes_lines: int = 0
    back_page: bool = False  # the About box and address on a page of their own
    closing_drop: int = 0  # mm of space above the About box, setting it at the foot of the last page


@dataclass
class FitReport:
    target: int
    pages: int
    fit: Fit
    renders: int
    message: str

    @property
    def reached(self) -> bool:
        return self.pages == self.target


def lines_beyond(rendered, target: int, layout: Layout | None = None) -> int:
    """Lines of text set on the pages after the target page count: how far over it is.

    A mailing panel (distribute/panel.py) that fell past the target counts as the body lines its height holds.
    """
    from newsletter_pdf.render import engine  # WeasyPrint only where pages are laid out

    lines = sum(engine.page_lines(page) for page in rendered.document.pages[target:])
    if layout is not None:
        for page in rendered.document.pages[target:]:
            for box in engine.element_boxes(page, "aside", "mailing-panel"):
                lines += int(box.height / _body_line_px(layout)) * layout.columns
    return lines


def free_lines(rendered, layout: Layout) -> int:
    """Lines of body text that would still fit below the last content on the last page, all columns."""
    return max(0, int(_free_height_px(rendered) / _body_line_px(layout))) * layout.columns


def _free_height_px(rendered) -> float:
    """The height left below the last content on the last page."""
    from newsletter_pdf.render import engine  # WeasyPrint only where pages are laid out

    page = rendered.document.pages[-1]
    box = engine.page_box(page)
    content_top = box.content_box_y()
    content_bottom = content_top + box.height
    used = content_top
    for root in engine.flow_boxes(page):
        for child in root.descendants():
            if _in_mailing_panel(child):
                # The panel sits at the foot of the page: the free room ends above it.
                content_bottom = min(content_bottom, box.content_box_y() + box.height - child.margin_height())
            elif hasattr(child, "margin_height") and getattr(child, "element_tag", None) not in ("html", "body"):
                used = max(used, child.position_y + child.margin_height())
    return max(0.0, content_bottom - used)


def _in_mailing_panel(box) -> bool:
    """The mailing panel's in-flow block, or its contents placed at the foot of the page (distribute/panel.py)."""
    element = getattr(box, "element", None)
    if element is None or not hasattr(box, "margin_height"):
        return False
    return element.get("id") == "mailing-panel" or "mailing-panel-inner" in (element.get("class") or "").split()


def _body_line_px(layout: Layout) -> float:
    size_pt = float(layout.body_size.removesuffix("pt")) if layout.body_size.endswith("pt") else 10.0
    return size_pt * float(layout.leading) * 96 / 72


# --- estimate before laying out: a page count far out of reach is refused at once -------------

PAGE_HEIGHTS_MM = {"A4": 297.0, "A5": 210.0, "Letter": 279.4, "Legal": 355.6}
# Average advance of a character of body text, in ems (Noto Serif and Sans set about 0.5 em; lower
# means more characters a line, so fewer lines: the estimate stays on the low side).
CHAR_EM = 0.45
# The estimate is refused only when even this many times the pages asked for cannot hold it.
OUT_OF_REACH = 2.0


def least_pages(newsletter, layout: Layout) -> float:
    """A low estimate of the pages the issue needs at the layout's tightest leading, from its text alone.

    Counts only body text and one line per heading (no pictures, no boxes), so the true count is higher.
    """
    from newsletter_pdf.input.lint import _mm, column_width_mm

    size_mm = _mm(layout.body_size)
    line_mm = size_mm * float(layout.fit.leading_min)
    chars_per_line = max(1, int(column_width_mm(newsletter, layout) / (size_mm * CHAR_EM)))
    height = PAGE_HEIGHTS_MM[newsletter.publication.page_size.value]
    lines_per_page = (height - _mm(layout.margins.top) - _mm(layout.margins.bottom)) / line_mm * layout.columns
    lines = 0
    for article in newsletter.issue.articles:
        lines += 1 + len(article.title) // chars_per_line
        for paragraph in article.body.split("\n\n"):
            if paragraph.strip():
                lines += 1 + len(" ".join(paragraph.split())) // chars_per_line
    return lines / max(1.0, lines_per_page)


def pages_out_of_reach(newsletter, layout: Layout, target: int) -> str | None:
    """Why `pages:` cannot be reached, known before any layout (None when it may be)."""
    needed = least_pages(newsletter, layout)
    if needed <= target * OUT_OF_REACH:
        return None
    articles = len(newsletter.issue.articles)
    return (
        f"pages: {target} cannot hold this issue: its {articles} articles need at least {needed:.0f} pages even "
        f"with the layout's tightest leading ({layout.fit.leading_min}). Set pages: to {4 * -(-int(needed) // 4)} "
        "or more (a multiple of 4 folds into sheets), cut articles, or remove pages: to let the issue run its length."
    )


CACHE_ENV = "NEWSLETTER_PDF_CACHE"
CACHE_ENTRIES = 200


def _cache_file():
    import os
    from pathlib import Path

    setting = os.environ.get(CACHE_ENV, "")
    if setting.lower() in ("0", "off", "no"):
        return None
    base = Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsletter-pdf" / "fits.json"


def _entries() -> dict:
    """Everything in the cache file (empty when it is off, missing or unreadable)."""
    import json

    path = _cache_file()
    try:
        entries = json.loads(path.read_text()) if path is not None and path.is_file() else {}
    except (OSError, ValueError):
        return {}
    return entries if isinstance(entries, dict) else {}


def _store(key: str, value) -> None:
    import json

    from newsletter_pdf.files import write_atomically

    path = _cache_file()
    if path is None:
        return
    entries = _entries()
    entries.pop(key, None)
    entries[key] = value
    entries = dict(list(entries.items())[-CACHE_ENTRIES:])
    try:
        write_atomically(path, json.dumps(entries))
    except OSError:
        pass  # a cache that cannot be written only costs time


def remembered(key: str) -> Fit | None:
    """A fit found before for exactly this HTML, layout and target (it is verified before use)."""
    entry = _entries().get(key)
    return Fit(**entry) if isinstance(entry, dict) else None


def remember(key: str, fit: Fit) -> None:
    from dataclasses import asdict

    _store(key, asdict(fit))


def remembered_jumps(key: str) -> dict[int, int] | None:
    """Jumps decided before for exactly this content (article index -> blocks kept)."""
    entry = _entries().get("jumps:" + key)
    return {int(k): v for k, v in entry.items()} if isinstance(entry, dict) else None


def remember_jumps(key: str, jumps: dict[int, int]) -> None:
    _store("jumps:" + key, {str(k): v for k, v in jumps.items()})


def fit_pages_cached(
    key: str,
    layout: Layout,
    target: int,
    render: Callable[[Fit | None], Any],
    last_key: str | None = None,
    paper: bool = True,
) -> tuple[Any, FitReport]:
    """fit_pages, skipping the search when the same content was fitted before (one layout instead of several).

    last_key (watch only): also try the fit last used for this issue, edited or not. That saves the
    search after a small edit, but makes the result depend on history, so builds whose bytes must
    follow from their sources alone (the archive) never pass it.
    """
    known = remembered(key)
    if known is None and last_key is not None:
        known = remembered(last_key)
    if known is not None:
        rendered = render(known)
        if len(rendered.document.pages) == target:
            if last_key is not None:
                remember(last_key, known)
            return rendered, FitReport(target, target, known, 1, f"fitted as before ({_describe(known)})")
    rendered, report = fit_pages(layout, target, render, paper)
    if report.reached:
        remember(key, report.fit)
        if last_key is not None:
            remember(last_key, report.fit)
    return rendered, report


def _describe(fit: Fit) -> str:
    parts = [
        f"leading {fit.leading}" if fit.leading else "",
        f"pictures at most {fit.image_height}" if fit.image_height else "",
        f"a Notes box of {fit.notes_lines} lines" if fit.notes_lines else "",
        "the About box on a back page" if fit.back_page else "",
        "the About box at the foot of the last page" if fit.closing_drop else "",
    ]
    return ", ".join(p for p in parts if p) or "no change"


def fit_pages(
    layout: Layout, target: int, render: Callable[[Fit | None], Any], paper: bool = True
) -> tuple[Any, FitReport]:
    """Render, then adjust leading, image height, a back page and a Notes box until the issue has `target` pages.

    paper: the print pass (a Notes box is for writing on; the screen editions never get one).

    `render(fit)` lays the issue out with those adjustments and returns the Rendered pages.
    Returns the final rendering and what was done, or why the count cannot be reached.
    """
    renders = 1
    rendered = render(None)
    pages = len(rendered.document.pages)
    default = float(layout.leading)
    low = float(layout.fit.leading_min)
    count = f"{target} page{'s' if target != 1 else ''}"

    if pages > target:
        over = lines_beyond(rendered, target, layout)
        # Tighten the leading first: the loosest leading that fits, starting from an estimate.
        for candidate in _descending(default, low, over, rendered):
            trial = render(Fit(leading=f"{candidate:.3f}"))
            renders += 1
            if len(trial.document.pages) <= target:
                best, rendered = Fit(leading=f"{candidate:.3f}"), trial
                # One step back towards the layout's own leading, in case less change is enough.
                middle = round((candidate + default) / 2, 3)
                if middle - candidate >= 0.01:
                    trial = render(Fit(leading=f"{middle:.3f}"))
                    renders += 1
                    if len(trial.document.pages) <= target:
                        best, rendered = Fit(leading=f"{middle:.3f}"), trial
                break
        else:
            best = Fit(leading=f"{low:.3f}", image_height=layout.fit.image_height_min)
            rendered = render(best)
            renders += 1
        pages = len(rendered.document.pages)
        if pages > target:
            over = lines_beyond(rendered, target, layout)
            message = (
                f"over by {over} lines: {pages} pages even with the layout's tightest leading ({low}) and "
                f"smallest pictures ({layout.fit.image_height_min}); cut about {over} lines, or set a larger pages:"
            )
            return rendered, FitReport(target, pages, best, renders, message)
        done = f"was over by {over} lines; fitted with leading {best.leading}"
        if best.image_height:
            done += f" and pictures at most {best.image_height}"
        return rendered, FitReport(target, pages, best, renders, done)

    if pages == target and free_lines(rendered, layout) <= 2 * layout.columns:
        return rendered, FitReport(target, pages, Fit(), renders, f"fits {count} as it is")
    return _fill(layout, target, render, rendered, renders, paper)


def _fill(layout: Layout, target: int, render, rendered, renders: int, paper: bool) -> tuple[Any, FitReport]:
    """Grow a short issue to `target` pages: looser leading, then the About box on a back page of its
    own, then (on paper only: a screen has nowhere to write) a ruled Notes box."""

    def pages_of(trial) -> int:
        return len(trial.document.pages)

    pages = pages_of(rendered)
    under = free_lines(rendered, layout) + (target - pages) * _page_lines(rendered, layout)
    default, high = float(layout.leading), float(layout.fit.leading_max)
    fit = Fit()
    # A page short: the loosest leading allowed; only a little room left: a touch looser.
    looser = Fit(leading=f"{(high if pages < target else min(high, default * 1.03)):.3f}")
    trial = render(looser)
    renders += 1
    if pages_of(trial) <= target:
        fit, rendered = looser, trial
    if pages_of(rendered) < target:
        trial = render(replace(fit, back_page=True))
        renders += 1
        if pages_of(trial) <= target:
            fit, rendered = replace(fit, back_page=True), trial
    if paper and layout.fit.notes_max_lines >= 3:
        if pages_of(rendered) < target:
            high_n = layout.fit.notes_max_lines
        else:
            high_n = min(layout.fit.notes_max_lines, _notes_lines_for(free_lines(rendered, layout), layout))
        low_n = 0
        while high_n - low_n > 0 and high_n >= 3:
            middle = max(3, (low_n + high_n + 1) // 2)
            trial = render(replace(fit, notes_lines=middle))
            renders += 1
            if pages_of(trial) <= target:
                low_n, fit, rendered = middle, replace(fit, notes_lines=middle), trial
            else:
                high_n = middle - 1
    if pages_of(rendered) == target:
        # What room is left: the About box and address go to the foot of the last page.
        low_mm, high_mm = 0, int(_free_height_px(rendered) * MM_PER_PX)
        while high_mm - low_mm > 2:
            middle = (low_mm + high_mm + 1) // 2
            trial = render(replace(fit, closing_drop=middle))
            renders += 1
            if pages_of(trial) <= target:
                low_mm, fit, rendered = middle, replace(fit, closing_drop=middle), trial
            else:
                high_mm = middle - 1
    pages = pages_of(rendered)
    if pages < target:
        fillers = "a looser leading and the About box on a back page"
        if paper:
            fillers += f", and a Notes box of at most {layout.fit.notes_max_lines} lines"
        message = (
            f"under by {under} lines: {pages} of {target} pages even with {fillers}; add content, or set pages: {pages}"
        )
        return rendered, FitReport(target, pages, fit, renders, message)
    if fit == Fit():
        return rendered, FitReport(target, pages, fit, renders, f"fits {target} pages as it is")
    done = f"was under by {under} lines; filled with {_describe(fit)}"
    left = free_lines(rendered, layout)
    if left > 2 * layout.columns:
        done += f"; {left} lines are still free"
    return rendered, FitReport(target, pages, fit, renders, done)


def _descending(default: float, low: float, over_lines: int, rendered) -> list[float]:
    """Leading values to try, loosest first, starting from an estimate of what is needed."""
    from newsletter_pdf.render import engine  # WeasyPrint only where pages are laid out

    total = sum(engine.page_lines(page) for page in rendered.document.pages) or 1
    estimate = default * (total - over_lines) / total
    steps = sorted(
        {round(max(low, min(default, estimate + delta)), 3) for delta in (0.01, 0.0, -0.015, -0.03)}, reverse=True
    )
    return [s for s in steps if s < default] + ([low] if low not in steps else [])


def _page_lines(rendered, layout: Layout) -> int:
    from newsletter_pdf.render import engine  # WeasyPrint only where pages are laid out

    box = engine.page_box(rendered.document.pages[0])
    return int(box.height / _body_line_px(layout)) * layout.columns


def _notes_lines_for(free_body_lines: int, layout: Layout) -> int:
    """The free height below the last content, as 7 mm ruled lines of a full-width Notes box."""
    height_px = free_body_lines / layout.columns * _body_line_px(layout)
    return max(0, int(height_px * MM_PER_PX / 7))
