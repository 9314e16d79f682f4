"""Address labels read back from the PDF: every word inside its own label, on the right sheet."""

from __future__ import annotations

import csv
import itertools
import random
import unicodedata

import pdfplumber
import pytest
from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from newsletter_pdf.distribute.labels import PT_PER_MM, label_formats, write_labels
from newsletter_pdf.distribute.members import ADDRESS_COLUMNS
from newsletter_pdf.errors import ValidationProblems

runner = CliRunner()
NAMES = [
    "Ada Lovelace",
    "Nguyễn Thị Lan",
    "Ödön Kovács",
    "Σοφία Παπαδοπούλου",
    "Анна Иванова-Сидоренко",
    "Siobhán Ní Bhriain",
    "Bartholomew Fotheringham-Smythe-Worthington",
    "Jo Li",
    "Zoë Ångström",
]
STREETS = ["Weir Lane", "Tanner's Row", "Station Road", "Orchard Close", "Mill Street", "Улица Ленина", "Οδός Αθηνάς"]
LONG = "Flat 14, The Old Granary Buildings, Riverside Industrial Estate"


def write_members(path, count: int, seed: int = 17) -> list[list[str]]:
    """`count` members with a fixed seed: several scripts, blank columns, some very long lines."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        row = dict.fromkeys(ADDRESS_COLUMNS, "")
        row["name"] = rng.choice(NAMES)
        row["address1"] = f"{rng.randint(1, 240)} {rng.choice(STREETS)}"
        if rng.random() < 0.35:
            row["address2"] = LONG if rng.random() < 0.5 else "Second Floor"
        if rng.random() < 0.2:
            row["address3"] = "c/o The Millbrook Commons Association Hall"
        row["city"] = rng.choice(["Millbrook", "Harwick", "Αθήνα", "Санкт-Петербург"])
        row["postcode"] = f"HW{rng.randint(1, 9)} {rng.randint(1, 9)}LN"
        if n % 4 == 0:
            row["country"] = rng.choice(["United Kingdom of Great Britain and Northern Ireland", "Ελλάδα", "France"])
        rows.append(row)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=[*ADDRESS_COLUMNS, "email"])
        writer.writeheader()
        writer.writerows(rows)
    return [[row[c] for c in ADDRESS_COLUMNS if row[c]] for row in rows]


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _words_by_label(pdf_path, fmt, count: int, skip: int):
    """For each address, the words found inside its label's rectangle; and any word outside every label."""
    found: dict[int, list[str]] = {i: [] for i in range(count)}
    strays = []
    with pdfplumber.open(pdf_path) as pdf:
        pages = [page.extract_words(keep_blank_chars=False, use_text_flow=True) for page in pdf.pages]
        sheet_count = len(pdf.pages)
    for sheet, words in enumerate(pages):
        for word in words:
            owner = None
            for slot in range(fmt.per_sheet):
                left, top, right, bottom = (v * PT_PER_MM for v in fmt.rectangle(slot))
                if left <= word["x0"] and word["x1"] <= right and top <= word["top"] and word["bottom"] <= bottom:
                    owner = sheet * fmt.per_sheet + slot - skip
                    break
            if owner is None or owner not in found:
                strays.append((sheet + 1, word["text"]))
            else:
                found[owner].append(_norm(word["text"]))
    return found, strays, sheet_count


@pytest.fixture(scope="module")
def fifty_labels(tmp_path_factory):
    folder = tmp_path_factory.mktemp("labels")
    addresses = write_members(folder / "members.csv", 50)
    result = write_labels(folder / "members.csv", folder, "L7160")
    return result, addresses


def test_fifty_addresses_fill_three_a4_sheets_with_every_word_inside_its_label(fifty_labels):
    result, addresses = fifty_labels
    assert (result.labels, result.sheets) == (50, 3)
    found, strays, sheets = _words_by_label(result.path, result.format, 50, 0)
    assert sheets == 3
    assert strays == []
    for index, lines in enumerate(addresses):
        expected = _norm(" ".join(lines)).split()
        assert found[index] == expected, f"label {index + 1}"


def test_labels_use_only_the_bundled_fonts(fifty_labels):
    result, _ = fifty_labels
    with pdfplumber.open(result.path) as pdf:
        fonts = {char["fontname"].split("+")[-1] for page in pdf.pages for char in page.chars}
    assert fonts and all(name.startswith("Noto") for name in fonts), fonts


def test_the_check_fails_when_a_word_leaves_its_label(fifty_labels, tmp_path):
    """The reader above catches an overflow: set the text for labels 15 mm wider, and it must report strays."""
    from newsletter_pdf.distribute import labels as module

    result, _addresses = fifty_labels
    fmt = result.format.model_copy(update={"label": (result.format.label[0] + 15, result.format.label[1])})
    members = tmp_path / "members.csv"
    write_members(members, 50)
    rendered, _ = module.render_labels(module.read_postal(members), fmt)
    from newsletter_pdf.render import engine

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(engine.to_bytes(rendered)[0])
    _, strays, _ = _words_by_label(bad, result.format, 50, 0)
    assert strays


def test_skip_starts_on_a_partly_used_sheet(tmp_path):
    addresses = write_members(tmp_path / "members.csv", 12, seed=3)
    result = write_labels(tmp_path / "members.csv", tmp_path, "L7160", skip=15)
    assert result.sheets == 2  # 15 used + 12 = 27 > 21
    found, strays, sheets = _words_by_label(result.path, result.format, 12, 15)
    assert strays == [] and sheets == 2
    for index, lines in enumerate(addresses):
        assert found[index] == _norm(" ".join(lines)).split()


def test_us_letter_5160_holds_thirty_a_sheet(tmp_path):
    addresses = write_members(tmp_path / "members.csv", 31, seed=5)
    result = write_labels(tmp_path / "members.csv", tmp_path, "5160")
    assert result.sheets == 2
    with pdfplumber.open(result.path) as pdf:
        assert (round(pdf.pages[0].width), round(pdf.pages[0].height)) == (612, 792)
    found, strays, _ = _words_by_label(result.path, result.format, 31, 0)
    assert strays == []
    assert all(found[i] == _norm(" ".join(lines)).split() for i, lines in enumerate(addresses))


@pytest.mark.parametrize("name", list(label_formats()))
def test_every_format_keeps_its_labels_on_the_page_without_overlap(name):
    fmt = label_formats()[name]
    rectangles = [fmt.rectangle(slot) for slot in range(fmt.per_sheet)]
    for left, top, right, bottom in rectangles:
        assert 0 <= left < right <= fmt.page[0] and 0 <= top < bottom <= fmt.page[1]
    for a, b in itertools.pairwise(rectangles):
        assert a[2] <= b[0] + 1e-6 or a[3] <= b[1] + 1e-6


def test_csv_problems_are_located_at_row_and_column(tmp_path):
    members = tmp_path / "members.csv"
    members.write_text(
        "name,address1,city\nAda,1 Weir Lane,Millbrook\n,2 Weir Lane,Millbrook\nBob,,\n", encoding="utf-8"
    )
    with pytest.raises(ValidationProblems) as caught:
        write_labels(members, tmp_path)
    located = [(p.location.line, p.location.column, p.field) for p in caught.value.problems]
    assert located == [(3, 1, "name"), (4, None, "address1")]
    members.write_text("email,address1\nx@example.org,1 Weir Lane\n", encoding="utf-8")
    with pytest.raises(ValidationProblems) as caught:
        write_labels(members, tmp_path)
    assert caught.value.problems[0].location.line == 1 and caught.value.problems[0].field == "name"


def test_an_address_too_long_for_any_size_is_a_problem_not_an_overflow(tmp_path):
    members = tmp_path / "members.csv"
    members.write_text(f"name,address1\nAda,{'Very long street name ' * 12}\n", encoding="utf-8")
    with pytest.raises(ValidationProblems, match="too long for a L7160 label"):
        write_labels(members, tmp_path)
    assert not list(tmp_path.glob("*.pdf"))


def test_the_command_prints_the_path_and_rejects_a_bad_format_or_skip(tmp_path):
    write_members(tmp_path / "members.csv", 3)
    result = runner.invoke(app, ["labels", str(tmp_path / "members.csv"), "-o", str(tmp_path), "--skip", "2"])
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "members-labels-L7160.pdf") in result.output
    result = runner.invoke(app, ["labels", str(tmp_path / "members.csv"), "--format", "L9999"])
    assert result.exit_code == 2 and "L7160" in result.output
    result = runner.invoke(app, ["labels", str(tmp_path / "members.csv"), "--skip", "21"])
    assert result.exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("name,address1\n,1 Weir Lane\n", encoding="utf-8")
    result = runner.invoke(app, ["labels", str(bad), "-o", str(tmp_path)])
    assert result.exit_code == 1 and "bad.csv:2:1" in result.output


def test_a_character_no_bundled_font_has_is_located_not_printed_from_a_system_font(tmp_path):
    members = tmp_path / "members.csv"
    members.write_text("name,address1\nAda,1 Weir Lane\n山田 太郎,2 Weir Lane\n", encoding="utf-8")
    with pytest.raises(ValidationProblems) as caught:
        write_labels(members, tmp_path)
    (problem,) = caught.value.problems
    assert problem.location.line == 3 and "U+5C71" in problem.message
    assert not list(tmp_path.glob("*.pdf"))
