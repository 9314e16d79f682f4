"""`address`: one print copy per member, each with its member's address stamped in the mailing panel.

The issue is typeset once (the print output). The address blocks are set, all of them, as small
pages of the recipient area's size (in batches, through the label setter, which shrinks a long
line to fit and refuses one that cannot fit), and each becomes a form XObject stamped on its
copy's back page (pikepdf). Every other page of every copy is the same page object: a thousand
copies cost seconds and little more than one copy's size per hundred.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsletter_pdf.distribute.members import ADDRESS_COLUMNS, Postal, read_rows
from newsletter_pdf.errors import Location, Problem, UserError, ValidationProblems

RECIPIENT_DEST = "mailing-recipient"  # the id of the recipient's area in mailing-panel.html.j2
BATCH = 400  # address blocks set per WeasyPrint layout
NO_PAPER = {"no", "n", "false", "0", "email only"}


@dataclass(frozen=True)
class Member:
    line: int  # in members.csv
    lines: tuple[str, ...]
    postcode: str
    columns: tuple[int, ...] = ()  # the CSV column of each line, 1-based
    fields: tuple[str, ...] = ()  # and its name


@dataclass
class Addressed:
    path: Path
    copies: int
    skipped: int  # members flagged paper: no
    pages_per_copy: int
    areas: dict[str, int]  # postcode area -> copies, in sorting order
    summary: Path


def postcode_area(postcode: str) -> str:
    """The sorting area: the letters a postcode starts with (UK 'AB12 3CD' -> 'AB'), or its first two digits."""
    compact = postcode.strip().upper()
    letters = re.match(r"[A-Z]+", compact)
    if letters:
        return letters.group(0)
    digits = re.match(r"\d{2}", compact)
    return digits.group(0) if digits else (compact[:2] or "?")


def sort_key(member: Member) -> tuple:
    """Postcode order, as a sorting office reads it: area, then the rest with numbers compared as numbers."""
    compact = member.postcode.upper().replace(" ", "")
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"\d+|\D+", compact)]
    return (compact == "", postcode_area(member.postcode), [(isinstance(p, int), p) for p in parts], member.line)


def read_members(path: Path) -> tuple[list[Member], int]:
    """Members to post to (paper: no skipped), in postcode order, and how many were skipped."""
    header, rows = read_rows(path, ("name", "postcode"))
    problems: list[Problem] = []
    members: list[Member] = []
    skipped = 0
    for row in rows:
        if row.values.get("paper", "").strip().lower() in NO_PAPER:
            skipped += 1
            continue
        if not row.values.get("name"):
            problems.append(
                Problem(Location(path, row.line, header.index("name") + 1), "is empty; a copy needs a name.", "name")
            )
            continue
        if not any(row.values.get(c) for c in ADDRESS_COLUMNS[1:7]):
            problems.append(
                Problem(Location(path, row.line), "has no address: fill address1 or city at least.", "address1")
            )
            continue
        filled = [c for c in ADDRESS_COLUMNS if row.values.get(c, "")]
        lines = tuple(row.values[c] for c in filled)
        columns = tuple(header.index(c) + 1 for c in filled)
        members.append(Member(row.line, lines, row.values.get("postcode", ""), columns, tuple(filled)))
    if problems:
        raise ValidationProblems(problems)
    return sorted(members, key=sort_key), skipped


def recipient_area(pdf) -> tuple[int, float, float]:
    """(page index, x, top) of the recipient's area, from the named destination WeasyPrint writes for its id."""
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    found = _find_name(dests, RECIPIENT_DEST) if dests is not None else None
    if found is None:
        raise UserError(
            "the print output has no mailing panel: set print: {mailing_panel: true} in newsletter.yaml "
            "to make room for the address on the back page."
        )
    page = found[0]
    index = next(i for i, p in enumerate(pdf.pages) if p.objgen == page.objgen)
    return index, float(found[2]), float(found[3])


def _find_name(tree, key: str):
    if "/Names" in tree:
        items = list(tree.Names)
        for name, value in zip(items[::2], items[1::2], strict=True):
            if str(name) == key:
                return value.get("/D", value) if hasattr(value, "get") else value
    for kid in tree.get("/Kids", []):
        found = _find_name(kid, key)
        if found is not None:
            return found
    return None


def _address_pages(members: list[Member], source: Path, start: int):
    """One batch of address blocks, each a page of the recipient area's size, as an open pikepdf.Pdf."""
    import pikepdf

    from newsletter_pdf.distribute.labels import LabelFormat, render_labels
    from newsletter_pdf.distribute.panel import RECIPIENT_MM
    from newsletter_pdf.render import engine

    width, height = RECIPIENT_MM
    area = LabelFormat(
        name="mailing panel",
        description="the recipient's area of the mailing panel",
        page=(width, height),
        columns=1,
        rows=1,
        label=(width, height),
        top=0,
        left=0,
        pitch_x=width,
        pitch_y=height,
        padding=5.0,
        padding_y=4.0,
    )
    postal = [Postal(m.line, m.lines) for m in members]
    try:
        rendered, _ = render_labels(postal, area, 0, source)
    except ValidationProblems as error:
        raise ValidationProblems([_at_longest_line(problem, members) for problem in error.problems]) from None
    if rendered.warnings:
        raise UserError("WeasyPrint warned while setting the addresses:\n  " + "\n  ".join(rendered.warnings))
    data, _ = engine.to_bytes(rendered)
    return pikepdf.open(io.BytesIO(data))


def _at_longest_line(problem: Problem, members: list[Member]) -> Problem:
    """The label setter names the row; name the column too: the longest line is the one to shorten."""
    member = next((m for m in members if m.line == problem.location.line), None)
    if member is None or not member.lines:
        return problem
    longest = max(range(len(member.lines)), key=lambda i: len(member.lines[i]))
    where = Location(problem.location.file, member.line, member.columns[longest] if member.columns else None)
    message = (
        f"this address does not fit the mailing panel even in small type; shorten "
        f"{member.lines[longest]!r} or split it over two address columns."
    )
    field = member.fields[longest] if member.fields else ""
    return Problem(where, message, field, member.lines[longest])


def address_copies(
    issue_dir: Path | str,
    members_csv: Path | str,
    out_dir: Path | str = "out",
    *,
    progress: Callable[[str], None] = lambda message: None,
) -> Addressed:
    """OUT/<slug>-<YYYY-MM>-addressed.pdf (one copy per member, postcode order) and its postcode summary."""
    import pikepdf

    from newsletter_pdf.files import write_atomically
    from newsletter_pdf.pipeline import build

    members_csv = Path(members_csv)
    members, skipped = read_members(members_csv)
    if not members:
        raise UserError(f"{members_csv} lists nobody to post to (every row is paper: no, or there is no row).")
    with tempfile.TemporaryDirectory(prefix="newsletter-pdf-address-") as scratch:
        result = build(issue_dir, scratch, profiles=["print"], progress=progress)
        source = pikepdf.open(io.BytesIO(result.output("print").path.read_bytes()))
    back, x, top = recipient_area(source)
    out = pikepdf.new()
    for start in range(0, len(members), BATCH):
        batch = members[start : start + BATCH]
        with _address_pages(batch, members_csv, start) as blocks:
            forms = [out.copy_foreign(page.as_form_xobject()) for page in blocks.pages]
        for form in forms:
            for index, page in enumerate(source.pages):
                out.pages.append(page)  # the same content and resources for every copy
                if index == back:
                    _stamp(out, out.pages[-1], form, x, top)
        progress(f"Addressed {min(start + BATCH, len(members))} of {len(members)} copies")
    slug, date = result.newsletter.slug, result.newsletter.issue.date
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True)
    target = write_atomically(Path(out_dir) / f"{slug}-{date}-addressed.pdf", buffer.getvalue())
    areas = Counter(postcode_area(m.postcode) for m in members)
    ordered = dict(sorted(areas.items()))
    lines = ["area,copies", *(f"{area},{count}" for area, count in ordered.items()), f"total,{len(members)}"]
    summary = write_atomically(Path(out_dir) / f"{slug}-{date}-postcodes.csv", "\n".join(lines) + "\n")
    return Addressed(target, len(members), skipped, len(source.pages), ordered, summary)


def _stamp(pdf, page, form, x: float, top: float) -> None:
    """Draw the address form at the recipient area's top left corner, on this copy's back page only."""
    import pikepdf

    height = float(form.BBox[3]) - float(form.BBox[1])
    shared = page.obj.get("/Resources")
    resources = pikepdf.Dictionary(dict(shared.items()) if shared is not None else {})  # this copy's own
    listed = resources.get("/XObject")
    xobjects = pikepdf.Dictionary(dict(listed.items()) if listed is not None else {})
    xobjects["/Address"] = form
    resources["/XObject"] = xobjects
    page.obj.Resources = resources
    # The page's own drawing is wrapped in q ... Q, so its transformations end before the address.
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    stamp = f"\nQ\nq 1 0 0 1 {x:.3f} {top - height:.3f} cm /Address Do Q\n"
    page.contents_add(pikepdf.Stream(pdf, stamp.encode()), prepend=False)
