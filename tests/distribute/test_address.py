"""distribute/address.py: a copy per member, each back page carrying its own member's address and no other."""

from __future__ import annotations

import csv
import random
import shutil

import pikepdf
import pytest
from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from newsletter_pdf.distribute.address import address_copies, postcode_area, recipient_area
from newsletter_pdf.distribute.panel import RECIPIENT_MM
from newsletter_pdf.errors import UserError, ValidationProblems
from support.bad_inputs import MINIMAL

MM = 72 / 25.4


def write_members(path, count: int, seed: int = 3, long_line_at: int | None = None) -> list[dict]:
    """Generated members: names and streets in several scripts, mixed postcodes, every 9th on email only."""
    rng = random.Random(seed)
    names = ["Anna Kowalska", "Nguyễn Văn An", "Σοφία Παππά", "Олена Шевченко", "Ciarán Ó Briain", "Tom Hale"]
    streets = ["Weir Lane", "Mill Road", "Tanner's Row", "Rruga e Kalasë", "Church Street"]
    rows = []
    for i in range(count):
        area = rng.choice(["MB", "HW", "AB", "ZE", "B"])
        rows.append(
            {
                "name": f"{rng.choice(names)} {i:03d}",
                "address1": f"{rng.randint(1, 120)} {rng.choice(streets)}",
                "address2": "" if i % 3 else "Flat 2",
                "city": "Millbrook",
                "postcode": f"{area}{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}",
                "country": "",
                "paper": "no" if i % 9 == 4 else "",
            }
        )
    if long_line_at is not None:
        rows[long_line_at]["address1"] = "The Old Schoolhouse Annexe " * 12
        rows[long_line_at]["paper"] = ""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


@pytest.fixture(scope="module")
def issue(tmp_path_factory):
    root = tmp_path_factory.mktemp("self-mailer")
    shutil.copytree(MINIMAL, root, dirs_exist_ok=True)
    publication = root / "newsletter.yaml"
    publication.write_text(publication.read_text(encoding="utf-8") + "print:\n  mailing_panel: true\n")
    return root / "2025-11"


@pytest.fixture(scope="module")
def addressed(issue, tmp_path_factory):
    folder = tmp_path_factory.mktemp("members")
    rows = write_members(folder / "members.csv", 200)
    made = address_copies(issue, folder / "members.csv", folder / "out")
    return made, rows


def _back_pages(made) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(made.path))
    try:
        texts = []
        for copy in range(made.copies):
            page = document[copy * made.pages_per_copy + made.pages_per_copy - 1]
            texts.append(page.get_textpage().get_text_range())
        return texts
    finally:
        document.close()


def test_one_copy_per_member_on_paper(addressed):
    made, rows = addressed
    on_paper = [r for r in rows if r["paper"] != "no"]
    assert made.copies == len(on_paper) and made.skipped == len(rows) - len(on_paper)
    with pikepdf.open(made.path) as pdf:
        assert len(pdf.pages) == made.copies * made.pages_per_copy


def test_every_copy_carries_its_own_member_and_nobody_else(addressed):
    made, rows = addressed
    names = [r["name"] for r in rows]
    for text in _back_pages(made):
        found = [n for n in names if n in text]
        assert len(found) == 1, found
    skipped = {r["name"] for r in rows if r["paper"] == "no"}
    assert not any(n in t for t in _back_pages(made) for n in skipped)


def test_copies_come_in_postcode_order_with_a_summary_per_area(addressed):
    made, rows = addressed
    by_name = {r["name"]: r["postcode"] for r in rows}
    order = []
    for text in _back_pages(made):
        name = next(n for n in by_name if n in text)
        order.append(by_name[name])
    areas = [postcode_area(p) for p in order]
    assert areas == sorted(areas), "copies are not grouped by postcode area in order"
    assert made.areas == {a: areas.count(a) for a in sorted(set(areas))}
    lines = made.summary.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "area,copies" and lines[-1] == f"total,{made.copies}"


def test_the_address_lies_inside_the_recipient_area(addressed):
    import pdfplumber

    made, _ = addressed
    with pikepdf.open(made.path) as pdf:
        back, x, top = recipient_area_of_copy(pdf, made)
    width, height = RECIPIENT_MM[0] * MM, RECIPIENT_MM[1] * MM
    with pdfplumber.open(made.path) as pdf:
        for copy in (0, made.copies // 2, made.copies - 1):
            page = pdf.pages[copy * made.pages_per_copy + back]
            media_top = float(page.mediabox[3])
            words = page.extract_words()
            inside = [
                w
                for w in words
                if x - 0.5 <= w["x0"]
                and w["x1"] <= x + width + 0.5
                and media_top - top - 0.5 <= w["top"]
                and w["bottom"] <= media_top - top + height + 0.5
            ]
            assert len(inside) >= 4, "the address is not in the recipient's area"


def recipient_area_of_copy(pdf, made):
    """The area as the first copy's back page places it (every copy the same)."""
    # The addressed file keeps no named destinations: read the stamp's own placement instead.
    page = pdf.pages[made.pages_per_copy - 1]
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "cm" and len(operands) == 6 and float(operands[0]) == 1 and float(operands[3]) == 1:
            x, bottom = float(operands[4]), float(operands[5])
    return made.pages_per_copy - 1, x, bottom + RECIPIENT_MM[1] * MM


def test_an_address_too_long_for_the_panel_is_located_at_its_row_and_column(issue, tmp_path):
    rows = write_members(tmp_path / "members.csv", 5, long_line_at=2)
    with pytest.raises(ValidationProblems) as caught:
        address_copies(issue, tmp_path / "members.csv", tmp_path / "out")
    problem = caught.value.problems[0]
    assert problem.location.line == 4  # the header is line 1
    assert problem.location.column == 2 and problem.field == "address1"
    assert rows[2]["address1"][:20] in str(problem.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_publication_without_a_mailing_panel_is_told_how_to_make_one(tmp_path):
    shutil.copytree(MINIMAL, tmp_path / "src")
    write_members(tmp_path / "members.csv", 3)
    result = CliRunner().invoke(
        app, ["address", str(tmp_path / "src" / "2025-11"), str(tmp_path / "members.csv"), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "mailing_panel: true" in result.output


def test_the_recipient_area_is_found_from_the_print_pdf(issue, tmp_path):
    from newsletter_pdf.pipeline import build

    made = build(issue, tmp_path, profiles=["print"])
    with pikepdf.open(made.output("print").path) as pdf:
        index, x, top = recipient_area(pdf)
        assert index == len(pdf.pages) - 1
        trim = [float(v) for v in pdf.pages[index].trimbox]
    assert trim[0] < x < trim[2] and trim[1] < top < trim[3]
    assert top - RECIPIENT_MM[1] * MM > trim[1], "the recipient's area runs off the page"


def test_everyone_on_email_only_is_a_plain_message(issue, tmp_path):
    (tmp_path / "members.csv").write_text("name,address1,postcode,paper\nA B,1 Road,MB1 1AA,no\n", encoding="utf-8")
    with pytest.raises(UserError, match="nobody to post to"):
        address_copies(issue, tmp_path / "members.csv", tmp_path / "out")
