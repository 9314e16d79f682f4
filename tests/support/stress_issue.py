"""A generated, deterministic issue that stresses the layout engine.

``write_stress_issue(folder)`` writes ``folder/newsletter.yaml`` and an issue in
``folder/2026-02/`` (issue.yaml, articles/*.md, images/*) and returns the issue
folder. The same arguments always give byte-identical files.

The issue mixes tiny, medium and long articles with the cases that tend to break
multi-column layouts: very long unbreakable words, long URLs (as link text, as
bare text and as ``source:``), email addresses, long titles with and without a
``short_title``, Vietnamese, Greek and Cyrillic names, nested lists, block
quotes, subheadings and images of very different aspect ratios (optionally one
large, noisy photograph for testing downsampling).

The text comes from an original word list below, arranged by ``random.Random``.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

ISSUE_MONTH = "2026-02"

# An original vocabulary in the register of a community newsletter (about 200 words).
NOUNS = [
    "allotment",
    "bakery",
    "bandstand",
    "bench",
    "bicycle",
    "bridge",
    "bulletin",
    "cafe",
    "canal",
    "carpark",
    "chapel",
    "choir",
    "committee",
    "community",
    "corner",
    "council",
    "cricket",
    "crossing",
    "cupboard",
    "deadline",
    "donation",
    "drain",
    "estate",
    "fence",
    "festival",
    "footpath",
    "fundraiser",
    "garden",
    "gate",
    "grant",
    "hall",
    "harvest",
    "hedgerow",
    "heritage",
    "hospice",
    "jumble",
    "kitchen",
    "lantern",
    "library",
    "market",
    "meadow",
    "meeting",
    "member",
    "minibus",
    "neighbour",
    "newsletter",
    "orchard",
    "parish",
    "pavement",
    "petition",
    "playground",
    "pond",
    "porch",
    "quiz",
    "raffle",
    "recycling",
    "resident",
    "river",
    "roundabout",
    "rota",
    "school",
    "season",
    "shelter",
    "shop",
    "station",
    "steward",
    "street",
    "surgery",
    "survey",
    "table",
    "teapot",
    "tenant",
    "timetable",
    "towpath",
    "trustee",
    "verge",
    "village",
    "volunteer",
    "walk",
    "warden",
    "weekend",
    "well",
    "woodland",
    "workshop",
]

VERBS = [
    "agreed",
    "arranged",
    "asked",
    "baked",
    "built",
    "carried",
    "checked",
    "cleared",
    "collected",
    "cooked",
    "counted",
    "decided",
    "delivered",
    "discussed",
    "donated",
    "drafted",
    "explained",
    "fixed",
    "gathered",
    "helped",
    "hosted",
    "invited",
    "joined",
    "listed",
    "mended",
    "noticed",
    "opened",
    "organised",
    "painted",
    "planned",
    "planted",
    "posted",
    "raised",
    "recorded",
    "repaired",
    "reported",
    "sang",
    "served",
    "shared",
    "sorted",
    "swept",
    "thanked",
    "tidied",
    "visited",
    "walked",
    "welcomed",
    "wrote",
]

ADJECTIVES = [
    "annual",
    "bright",
    "busy",
    "careful",
    "cheerful",
    "cold",
    "cosy",
    "damp",
    "early",
    "friendly",
    "generous",
    "gentle",
    "green",
    "grateful",
    "hardy",
    "helpful",
    "local",
    "lively",
    "long",
    "muddy",
    "narrow",
    "new",
    "old",
    "patient",
    "popular",
    "quiet",
    "rainy",
    "regular",
    "shared",
    "short",
    "small",
    "spare",
    "steady",
    "sunny",
    "tidy",
    "warm",
    "welcome",
    "wet",
    "wooden",
    "young",
]

SMALL = [
    "after",
    "again",
    "almost",
    "also",
    "always",
    "around",
    "before",
    "behind",
    "beside",
    "between",
    "during",
    "each",
    "every",
    "few",
    "from",
    "into",
    "many",
    "more",
    "most",
    "near",
    "next",
    "once",
    "other",
    "over",
    "since",
    "some",
    "soon",
    "still",
    "through",
    "together",
    "under",
    "until",
    "very",
    "while",
    "with",
    "without",
]

NAMES = [
    "Margaret Ellery",
    "Dev Chaudhary",
    "Owen Pritchard",
    "Bronwen Lloyd",
    "Kwame Mensah",
    "Agnieszka Nowak",
    "Farah Siddiqui",
    "Hamish Cairns",
    "Rosalind Teague",
    "Tomás Ferreira",
]
STREETS = ["Chapel Lane", "Orchard Rise", "Ferry Road", "Kiln Street", "Mill Close", "Quarry Hill"]
PLACES = ["the Institute", "the Reading Room", "St Anne's hall", "the old forge", "the cricket pavilion"]

# Hard cases.
WELSH = "Llanfairpwllgwyngyllgogerychwyndrobwllllantysiliogogogoch"
COMPOUND = "Tetramethylhydroxypropylaminobenzoylchloride"  # 44 letters, no hyphen anywhere
COMPOUND2 = "polyhydroxyethylmethacrylatecopolymerisation"
LONG_URL = (
    "https://example.org/a/very/long/path/with-many-segments/and-a-query"
    "?x=1&y=2&utm_source=newsletter&utm_medium=print&utm_campaign=stress-test-gazette-february"
)
LONG_URL2 = (
    "https://council.example.gov.uk/planning/applications/2026/00417/FUL/"
    "documents/consultation-responses/highways-authority-final-comments.pdf"
)
LONG_EMAIL = "volunteer.coordinator.north.ward@stress-test-gazette.example.org"
VIETNAMESE = ["Nguyễn Thị Minh Khai", "Trần Hưng Đạo", "Lê Văn Thịnh", "Phạm Ngọc Thạch"]
GREEK = ["Αθηνά Παπαδοπούλου", "Γιώργος Οικονόμου"]
CYRILLIC = ["Снежана Иваненко", "Ярослав Шевчук"]


# --- text ------------------------------------------------------------------


class Writer:
    """Sentences and paragraphs from the word lists, driven by one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def word(self) -> str:
        r = self.rng.random()
        if r < 0.34:
            return self.rng.choice(NOUNS)
        if r < 0.52:
            return self.rng.choice(VERBS)
        if r < 0.72:
            return self.rng.choice(ADJECTIVES)
        if r < 0.97:
            return self.rng.choice(SMALL)
        return self.rng.choice(
            [
                str(self.rng.randint(2, 99)),
                f"£{self.rng.randint(3, 450)}",
                f"{self.rng.randint(1, 9)},{self.rng.randint(100, 999)}",
            ]
        )

    def sentence(self, low: int = 4, high: int = 26) -> str:
        n = self.rng.randint(low, high)
        words = [self.word() for _ in range(n)]
        if n > 6 and self.rng.random() < 0.25:  # a proper name somewhere in the middle
            words.insert(self.rng.randint(1, n - 2), self.rng.choice(NAMES + STREETS))
        if n > 12 and self.rng.random() < 0.2:  # a parenthetical between em dashes
            a = self.rng.randint(2, n // 2)
            words.insert(a, "—")
            words.insert(min(a + self.rng.randint(3, 5), len(words) - 1), "—")
        if n > 9 and self.rng.random() < 0.45:
            i = self.rng.randint(3, len(words) - 4)
            if "—" not in (words[i], words[i + 1]):
                words[i] += ","
        text = " ".join(words)
        text = text[0].upper() + text[1:]
        return text + self.rng.choice([".", ".", ".", ".", ".", ".", "?", "!", ";"]).replace(";", ".")

    def words_sentence_count(self, words: int) -> list[str]:
        out, total = [], 0
        while total < words:
            s = self.sentence()
            out.append(s)
            total += len(s.split())
        return out

    def paragraph(self, words: int = 70, extras: list[str] | None = None) -> str:
        sentences = self.words_sentence_count(words)
        for extra in extras or []:
            sentences.insert(self.rng.randint(0, len(sentences)), extra)
        return " ".join(sentences)

    def paragraphs(self, words: int, per: tuple[int, int] = (50, 110), extras: list[str] | None = None) -> list[str]:
        """Paragraphs totalling about `words`; each extra sentence lands in one of them."""
        sizes = []
        while sum(sizes) < words:
            sizes.append(self.rng.randint(*per))
        paras = [self.paragraph(s) for s in sizes]
        for extra in extras or []:
            i = self.rng.randrange(len(paras))
            paras[i] = self._insert(paras[i], extra)
        return paras

    def _insert(self, para: str, extra: str) -> str:
        parts = para.split(". ")
        i = self.rng.randint(0, len(parts) - 1)
        parts.insert(i, extra.rstrip("."))
        joined = ". ".join(parts)
        return joined if joined.endswith((".", "?", "!")) else joined + "."

    def bullet(self, low: int = 3, high: int = 14) -> str:
        return self.sentence(low, high).rstrip(".?!;")

    def heading(self) -> str:
        words = [
            self.rng.choice(ADJECTIVES),
            self.rng.choice(NOUNS),
            self.rng.choice(SMALL),
            "the",
            self.rng.choice(NOUNS),
        ]
        text = " ".join(words[: self.rng.randint(2, 5)])
        return text[0].upper() + text[1:]

    def title(self, used: set[str]) -> str:
        while True:
            words = [
                self.rng.choice(ADJECTIVES),
                self.rng.choice(NOUNS),
                self.rng.choice(VERBS),
                self.rng.choice(SMALL),
                "the",
                self.rng.choice(NOUNS),
            ]
            text = " ".join(words[: self.rng.randint(3, 6)])
            text = text[0].upper() + text[1:]
            if text.casefold() not in used:
                return text


# --- images ----------------------------------------------------------------


def _gradient(
    size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int], angle: int
) -> Image.Image:
    mask = Image.linear_gradient("L").rotate(angle, resample=Image.BILINEAR, expand=False)
    mask = mask.resize(size, Image.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _picture(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    palette = [
        (29, 78, 110),
        (214, 140, 69),
        (111, 150, 94),
        (180, 70, 70),
        (240, 215, 140),
        (90, 60, 120),
        (230, 230, 220),
        (40, 40, 50),
        (120, 180, 200),
    ]
    top, bottom = rng.sample(palette, 2)
    img = _gradient(size, top, bottom, rng.choice([0, 90, 180, 270]))
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(6, 11)):
        colour = rng.choice(palette)
        x0, y0 = rng.randint(-w // 4, w), rng.randint(-h // 4, h)
        x1, y1 = x0 + rng.randint(w // 10, w // 2), y0 + rng.randint(h // 10, h // 2)
        shape = rng.choice(["ellipse", "rectangle", "polygon"])
        if shape == "ellipse":
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        elif shape == "rectangle":
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.polygon([(x0, y1), ((x0 + x1) // 2, y0), (x1, y1)], fill=colour)
    # A horizon line and a frame, so that cropping or scaling is easy to spot.
    draw.line((0, h * 2 // 3, w, h * 2 // 3), fill=(250, 250, 250), width=max(2, h // 150))
    draw.rectangle((0, 0, w - 1, h - 1), outline=(0, 0, 0), width=max(2, w // 200))
    return img


def _save(img: Image.Image, path: Path) -> None:
    if path.suffix == ".png":
        img.save(path, "PNG", optimize=False, compress_level=6)
    else:
        img.save(path, "JPEG", quality=85, optimize=False, progressive=False, subsampling=2)


@dataclass
class Picture:
    file: str
    size: tuple[int, int]
    alt: str
    caption: str
    credit: str


PICTURES = [
    Picture(
        "landscape-river.jpg",
        (1600, 1000),
        "Landscape picture: a gradient sky over overlapping coloured shapes, with a white horizon line.",
        "The riverside meadow from the footbridge, looking towards Kiln Street.",
        "Photo: Owen Pritchard",
    ),
    Picture(
        "portrait-chapel.png",
        (900, 1400),
        "Portrait picture: tall gradient background with circles, rectangles and triangles.",
        "The chapel porch after the volunteers repainted the doors and railings.",
        "Photo: Αθηνά Παπαδοπούλου",
    ),
    Picture(
        "tall-banner.png",
        (600, 1800),
        "A very tall, narrow picture of stacked coloured shapes on a gradient.",
        "The new noticeboard by the station steps, which is taller than most of the people who read it.",
        "Drawing: Nguyễn Thị Minh Khai",
    ),
    Picture(
        "square-market.jpg",
        (1000, 1000),
        "Square picture: coloured shapes on a gradient background.",
        "Stalls at the winter market.",
        "Photo: Снежана Иваненко for the Gazette",
    ),
    Picture(
        "panorama-ridge.jpg",
        (2400, 700),
        "A wide panoramic picture: a band of coloured shapes on a gradient with a horizon line.",
        "The whole ridge from Quarry Hill on the morning of the survey walk — a panorama stitched from "
        "eleven frames by the photography club.",
        "Panorama: Tomás Ferreira, Hamish Cairns and Bronwen Lloyd",
    ),
]
BIG_PHOTO = "large-noisy-photo.jpg"


def _big_photo(seed: int, megapixels: float, path: Path) -> tuple[int, int]:
    """A 4:3 JPEG of about `megapixels`, a gradient with fine noise so it stays large (quality 92)."""
    h = max(3, round((megapixels * 1_000_000 * 3 / 4) ** 0.5))
    w = max(4, round(h * 4 / 3))
    noise = Image.frombytes("RGB", (w, h), random.Random(seed * 7919 + 1).randbytes(w * h * 3))
    base = _picture(random.Random(seed + 101), (w, h))
    Image.blend(base, noise, 0.35).save(path, "JPEG", quality=92, optimize=False, progressive=False, subsampling=2)
    return w, h


# --- YAML ------------------------------------------------------------------


def _scalar(value) -> str:
    """A YAML scalar: plain where safe, otherwise a double-quoted (JSON) string."""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain_ok = (
        text
        and text == text.strip()
        and not any(c in text for c in ":#'\"{}[],&*!|>%@`?")
        and text[0] not in "-+."
        and text.lower() not in ("yes", "no", "true", "false", "null", "on", "off", "~")
        and not text[0].isdigit()
    )
    return text if plain_ok else json.dumps(text, ensure_ascii=False)


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    return "|\n" + "\n".join((pad + line) if line else "" for line in text.split("\n")) + "\n"


def _mapping(data: dict, indent: int, first_prefix: str = "") -> str:
    """A mapping as YAML lines; the first line may carry a prefix such as '- '."""
    out = []
    pad = " " * indent
    for i, (key, value) in enumerate(data.items()):
        if value is None:
            continue
        lead = (pad[: -len(first_prefix)] + first_prefix) if (i == 0 and first_prefix) else pad
        if key == "body":
            out.append(f"{lead}{key}: {_block(value, indent + 2)}")
        elif isinstance(value, dict):
            out.append(f"{lead}{key}:\n" + _mapping(value, indent + 2))
        elif isinstance(value, list):
            out.append(f"{lead}{key}:\n" + "".join(f"{pad}  - {_scalar(v)}\n" for v in value))
        else:
            out.append(f"{lead}{key}: {_scalar(value)}\n")
    return "".join(out)


# --- the issue -------------------------------------------------------------


@dataclass
class Spec:
    kind: str  # tiny, medium, long
    fields: dict = field(default_factory=dict)
    extras: list[str] = field(default_factory=list)
    picture: int | None = None  # index into PICTURES
    as_file: str | None = None


def _publication() -> str:
    about_body = (
        "The Stress Test Gazette is written by volunteers for everyone who lives, works or studies "
        "between Ferry Road and Quarry Hill. It is independent, free and printed on recycled paper. "
        "We aim to:\n\n"
        "- report what the council, the school and the local groups are doing;\n"
        "- give every street a voice, in whatever language its residents write;\n"
        "- keep a record of the parish for the people who come after us;\n"
        "- raise money for the hall roof, the minibus and the winter warm room.\n\n"
        "Contributions are welcome by email to "
        f"[{LONG_EMAIL}](mailto:{LONG_EMAIL}) or through the letterbox at the hall."
    )
    data = {
        "name": "The Stress Test Gazette",
        "tagline": "Monthly news, notices and nonsense for the parishes of Ferry Road and Quarry Hill",
        "language": "en",
        "layout": "classic",
        "page_size": "A4",
        "about": {"title": "About the Stress Test Gazette", "body": about_body},
        "address": {
            "lines": [
                "The Stress Test Gazette",
                "c/o The Reading Room, 1 Chapel Lane",
                "Ferry Road, Testbury TB1 2ZZ",
            ],
            "email": "editor@stress-test-gazette.example.org",
            "phone": "+44 1632 960 000",
            "website": "https://stress-test-gazette.example.org",
        },
    }
    return "# Generated by tests/support/stress_issue.py: do not edit by hand.\n" + _mapping(data, 0)


def _specs(with_images: bool) -> list[Spec]:
    pic = (lambda i: i) if with_images else (lambda i: None)
    link_url = f"[{LONG_URL}]({LONG_URL})"
    return [
        # 1: the lead, with a long title and a short_title; gets the big photo when asked.
        Spec(
            "medium",
            {
                "title": "Parish council backs a ten-year plan to restore the riverside meadows and the old towpath",
                "short_title": "Ten-year plan for the meadows",
                "author": "Margaret Ellery",
                "source": LONG_URL,
            },
            [f"The full plan is at {link_url}"],
            picture=pic(0),
        ),
        Spec("tiny", {"title": "Hall roof appeal passes £4,000"}),
        Spec(
            "medium",
            {"title": "Consultation on the Ferry Road crossing", "author": "Dev Chaudhary", "source": LONG_URL2},
            [
                f"The highways response is published at <{LONG_URL2}>",
                f"Comments may also be sent to {LONG_EMAIL} before 28 February",
            ],
        ),
        # 4: long article kept as a file, with the very tall picture (path relative to the .md file).
        Spec(
            "long",
            {
                "title": "A century of the Reading Room: how a village built its own library, shelf by shelf",
                "short_title": "A century of the Reading Room",
                "author": "Bronwen Lloyd",
            },
            picture=pic(2),
            as_file="04-reading-room-century.md",
        ),
        Spec(
            "medium",
            {"title": "Gặp gỡ Nguyễn Thị Minh Khai: our new treasurer", "author": "Trần Hưng Đạo"},
            [
                "Nguyễn Thị Minh Khai grew up near Trần Hưng Đạo street in Huế and moved to Kiln Street in 2014",
                "Phở, bánh mì and chè will be on sale at the spring fair",
            ],
        ),
        Spec("tiny", {"title": "Lost: one blue umbrella", "author": "Hamish Cairns"}),
        Spec(
            "medium",
            {
                "title": f"Twinning visit to {WELSH} confirmed",
                "author": "Owen Pritchard",
                "short_title": "Twinning visit confirmed",
            },
            [
                f"The coach leaves for {WELSH} at 7 am sharp",
                f"Nobody on the committee can yet pronounce {WELSH} without practice",
            ],
        ),
        Spec(
            "medium",
            {
                "title": f"Chemistry club explains {COMPOUND}",
                "author": "Farah Siddiqui",
                "source": "https://chemistry-club.example.org/notes",
            },
            [
                f"The demonstration used a harmless cousin of {COMPOUND} and a great deal of {COMPOUND2}",
                "Goggles — provided — must be worn at all times",
            ],
            picture=pic(3),
        ),
        Spec(
            "medium",
            {"title": "Ένα γράμμα από την Αθήνα: a letter from Athens", "author": GREEK[0]},
            [
                "Αθηνά Παπαδοπούλου writes that the twinned school in Αθήνα sends its greetings",
                "Γιώργος Οικονόμου will visit in May",
            ],
        ),
        Spec("tiny", {"title": "Email the editor", "author": "The Editor"}, [f"Write to {LONG_EMAIL}"]),
        # 11: a long title with no short_title.
        Spec(
            "medium",
            {
                "title": "Residents, volunteers and two local schools agree how to share the new community orchard",
                "author": "Rosalind Teague",
            },
        ),
        Spec(
            "medium",
            {"title": "Привіт from Снежана Иваненко, our Ukrainian correspondent", "author": CYRILLIC[0]},
            [
                "Снежана Иваненко and Ярослав Шевчук have now lived on Orchard Rise for three years",
                "Дякуємо — thank you — to everyone who helped with the flat",
            ],
        ),
        # 13: long article inline, with the portrait picture.
        Spec(
            "long",
            {
                "title": "Annual report of the trustees for the year ending 31 December 2025",
                "short_title": "Trustees' annual report",
                "author": "Kwame Mensah",
                "source": "https://stress-test-gazette.example.org/reports/2025",
            },
            picture=pic(1),
        ),
        Spec(
            "medium",
            {"title": "Bell ringers ring a quarter peal", "author": "Agnieszka Nowak"},
            as_file="14-bell-ringers.md",
        ),
        Spec("tiny", {"title": "Warm room hours"}),
        Spec(
            "medium",
            {
                "title": "By the numbers: 1,250 volunteers, 48 events, 3 new benches — and 1 very old minibus",
                "short_title": "By the numbers",
                "author": "Tomás Ferreira",
            },
            [
                "In 2025 the minibus covered 14,382 miles — about 23,146 km — on 612 trips",
                "Of 1,250 volunteers, 311 gave more than 40 hours; 97 gave more than 100",
            ],
        ),
        Spec(
            "medium",
            {"title": "Survey walk along the ridge", "author": "Hamish Cairns"},
            ["The walk took 4 hours 35 minutes — longer than planned"],
            picture=pic(4),
            as_file="17-survey-walk.md",
        ),
        Spec("medium", {"title": "What the committee decided in January", "author": "Margaret Ellery"}),
        Spec(
            "medium",
            {
                "title": "Lê Văn Thịnh and the lantern workshop",
                "author": VIETNAMESE[2],
                "source": "https://lanterns.example.org/workshop-2026",
            },
            ["Phạm Ngọc Thạch brought bamboo from the allotment"],
        ),
        Spec("medium", {"title": "Letters to the editor", "author": "Readers of the Gazette"}),
        Spec(
            "medium",
            {"title": "The verge-cutting rota explained", "author": "Dev Chaudhary"},
            [
                "See https://example.org/rota/2026/verges-and-hedgerows/north-ward/full-schedule-with-maps.pdf for the map"
            ],
        ),
        Spec("tiny", {"title": "Thank you", "author": "Γιώργος Οικονόμου"}),
        Spec(
            "medium",
            {"title": "A plaque for Trần Hưng Đạo Street? Twinning committee asks", "author": VIETNAMESE[3]},
            ["Trần Hưng Đạo is among the most common street names in Việt Nam"],
        ),
        Spec("medium", {"title": "Cricket pavilion repairs begin", "author": "Kwame Mensah"}),
        Spec("medium", {"title": "Dates for your diary", "author": None}),
    ]


def _medium_body(w: Writer, spec: Spec, index: int) -> str:
    words = w.rng.randint(150, 400)
    parts = w.paragraphs(words, extras=spec.extras)
    r = index % 5
    if r == 0:  # a bulleted list, one level nested
        items = [f"- {w.bullet()}" for _ in range(w.rng.randint(3, 5))]
        items.insert(2, f"  - {w.bullet()}\n  - {w.bullet()}")
        parts.insert(min(1, len(parts)), "\n".join(items))
    elif r == 1:  # a block quote
        parts.insert(min(1, len(parts)), "> " + w.paragraph(w.rng.randint(25, 60)))
    elif r == 2:  # a numbered list
        items = [f"{n}. {w.bullet()}" for n in range(1, w.rng.randint(4, 7))]
        parts.append("\n".join(items))
    elif r == 3:  # emphasis
        parts[0] = f"**{w.sentence(3, 8)}** " + parts[0]
    return "\n\n".join(parts)


def _long_body(w: Writer, spec: Spec) -> str:
    target = w.rng.randint(900, 1400)
    blocks: list[str] = []
    total = 0
    extras = [
        f"The archive catalogue is online at [{LONG_URL}]({LONG_URL})",
        f"A sample jar labelled {COMPOUND} was found in the cellar",
        "The 1926 minutes — written in pencil — are still legible",
    ]
    section = 0
    while total < target:
        if section:
            blocks.append(f"## {w.heading()}")
        paras = w.paragraphs(w.rng.randint(140, 260), extras=[extras[section % len(extras)]])
        if section % 3 == 0:
            items = [f"- {w.bullet(3, 18)}" for _ in range(4)]
            items.insert(1, f"  - {w.bullet()}\n  - {w.bullet()}\n  - {w.bullet()}")
            paras.insert(1, "\n".join(items))
        elif section % 3 == 1:
            paras.insert(1, "> " + w.paragraph(w.rng.randint(40, 80)) + "\n>\n> — " + w.rng.choice(NAMES))
        else:
            items = [f"{n}. {w.bullet(4, 16)}" for n in range(1, 6)]
            items.insert(2, f"   - {w.bullet()}\n   - {w.bullet()}")
            paras.append("\n".join(items))
        blocks.extend(paras)
        total += sum(len(p.split()) for p in paras)
        section += 1
    # A subheading that is itself long, and one at the very end followed by a short paragraph.
    blocks.append(f"## {w.heading()} {w.heading().lower()} and {w.heading().lower()}")
    blocks.append(w.paragraph(30))
    return "\n\n".join(blocks)


def _special_body(w: Writer, title: str) -> str | None:
    if title == "Dates for your diary":
        lines = ["All events are at the Reading Room unless stated otherwise.", "", "**February**", ""]
        for day in (3, 7, 11, 14, 18, 21, 25, 28):
            lines.append(
                f"- **{w.rng.choice(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])} {day}, "
                f"{w.rng.randint(1, 11)} {w.rng.choice(['am', 'pm'])}:** {w.bullet(3, 12).lower()}."
            )
        lines += ["", "**March**", ""]
        for day in (2, 9, 16):
            lines.append(f"- **{day} March:** {w.bullet(3, 10).lower()}.")
        return "\n".join(lines)
    if title == "Letters to the editor":
        letters = []
        for name in ("Bronwen Lloyd, Chapel Lane", "Снежана Иваненко, Orchard Rise", "A. Reader, by email"):
            letters.append("> " + w.paragraph(w.rng.randint(40, 90)) + "\n>\n> — *" + name + "*")
        return "\n\n".join(letters)
    return None


def write_stress_issue(
    folder: Path,
    articles: int = 25,
    seed: int = 7,
    with_images: bool = True,
    photo_megapixels: float | None = None,
) -> Path:
    """Write newsletter.yaml in `folder` and a generated issue in `folder/2026-02`; return the issue folder."""
    folder = Path(folder)
    issue_dir = folder / ISSUE_MONTH
    (issue_dir / "articles").mkdir(parents=True, exist_ok=True)
    images_dir = issue_dir / "images"
    (folder / "newsletter.yaml").write_text(_publication(), encoding="utf-8")

    rng = random.Random(seed)
    w = Writer(rng)

    if with_images:
        images_dir.mkdir(exist_ok=True)
        for picture in PICTURES:
            _save(_picture(rng, picture.size), images_dir / picture.file)
    big = None
    if with_images and photo_megapixels:
        bw, bh = _big_photo(seed, photo_megapixels, images_dir / BIG_PHOTO)
        big = Picture(
            BIG_PHOTO,
            (bw, bh),
            f"A large noisy photograph, {bw} by {bh} pixels: coloured shapes under fine grain.",
            "A deliberately heavy photograph, for testing how pictures are shrunk for email.",
            "Photo: the Gazette test rig",
        )

    specs = _specs(with_images)
    used: set[str] = {" ".join(s.fields["title"].casefold().split()) for s in specs}
    extra = Writer(random.Random(seed * 31 + 5))  # own generator: the first 25 articles never change
    while len(specs) < articles:  # more than the planned 25: extra tiny and medium articles
        title = extra.title(used)
        used.add(title.casefold())
        specs.append(
            Spec(extra.rng.choice(["tiny", "medium", "medium"]), {"title": title, "author": extra.rng.choice(NAMES)})
        )
    specs = specs[:articles]

    entries: list[str] = []
    for index, spec in enumerate(specs, start=1):
        fields = dict(spec.fields)
        fields["date"] = f"2026-{1 + (index % 2):02d}-{1 + (index * 7) % 27:02d}"
        special = _special_body(w, fields["title"])
        if special is not None:
            body = special
        elif spec.kind == "tiny":
            body = " ".join(w.paragraph(30).split()[:30]).rstrip(",;—")
            body += "" if body.endswith((".", "!", "?")) else "."
            body += "".join(f" {extra}." for extra in spec.extras)
        elif spec.kind == "long":
            body = _long_body(w, spec)
        else:
            body = _medium_body(w, spec, index)

        picture = (
            big if (index == 1 and big is not None) else (PICTURES[spec.picture] if spec.picture is not None else None)
        )
        prefix = "../images/" if spec.as_file else "images/"
        image = None
        if picture is not None:
            image = {
                "src": prefix + picture.file,
                "alt": picture.alt,
                "caption": picture.caption,
                "credit": picture.credit,
            }
        ordered = {
            "title": fields["title"],
            "short_title": fields.get("short_title"),
            "date": fields["date"],
            "author": fields.get("author"),
            "source": fields.get("source"),
            "image": image,
        }

        if spec.as_file:
            front = _mapping(ordered, 0)
            text = f"---\n{front}---\n{body}\n"
            (issue_dir / "articles" / spec.as_file).write_text(text, encoding="utf-8")
            entries.append(f"  - file: articles/{spec.as_file}\n")
        else:
            ordered["body"] = body
            entries.append(_mapping(ordered, 4, first_prefix="- "))

    issue = (
        "# Generated by tests/support/stress_issue.py: do not edit by hand.\n"
        f"date: {_scalar(ISSUE_MONTH)}\nvolume: 9\nnumber: 99\narticles:\n" + "\n".join(entries)
    )
    (issue_dir / "issue.yaml").write_text(issue, encoding="utf-8")
    return issue_dir


# --- random issues for property tests ----------------------------------------------


def _random_body(w: Writer, size: str, box: bool) -> str:
    """A body of the given size: paragraphs, and sometimes a subheading, a list, a quote or a long word."""
    rng = w.rng
    if size == "tiny":
        return w.paragraph(rng.randint(15, 40))
    words = {"short": (60, 160), "medium": (180, 420), "long": (500, 900)}[size]
    blocks = w.paragraphs(rng.randint(*words))
    if rng.random() < 0.3:
        blocks.insert(rng.randint(1, len(blocks)), "\n".join(f"- {w.bullet()}" for _ in range(rng.randint(2, 7))))
    if not box and rng.random() < 0.25 and len(blocks) > 2:
        blocks.insert(rng.randint(1, len(blocks) - 1), "## " + w.heading())
    if rng.random() < 0.2:
        blocks.insert(rng.randint(0, len(blocks)), "> " + w.paragraph(rng.randint(25, 60)))
    if rng.random() < 0.2:
        i = rng.randrange(len(blocks))
        if not blocks[i].startswith(("-", "#", ">")):
            blocks[i] = w._insert(blocks[i], rng.choice([f"Ask about {COMPOUND}", f"We visited {WELSH}"]))
    if box and rng.random() < 0.5:  # a diary: bold month lines over lists, as editors write them
        blocks += [
            part
            for month in ("March", "April")
            for part in (f"**{month}**", "\n".join(f"- **{w.bullet(1, 2)}:** {w.bullet()}" for _ in range(4)))
        ]
    return "\n\n".join(blocks)


def write_random_issue(folder: Path, seed: int, articles: int | None = None) -> tuple[Path, int]:
    """A generated issue nobody tuned a layout for: 1 to 40 articles of random length, with pictures,
    boxes, pull quotes, lists, quotes and long words, and sometimes a `lead: true` story.

    Returns the issue folder and the number of articles.
    """
    folder = Path(folder)
    rng = random.Random(seed)
    w = Writer(rng)
    count = articles or rng.randint(1, 40)
    issue_dir = folder / ISSUE_MONTH
    images_dir = issue_dir / "images"
    images_dir.mkdir(parents=True, exist_ok=True)
    (folder / "newsletter.yaml").write_text(_publication(), encoding="utf-8")
    for picture in PICTURES:
        _save(_picture(rng, (picture.size[0] // 4, picture.size[1] // 4)), images_dir / picture.file)
    lead = rng.randrange(count) if rng.random() < 0.25 else None
    used: set[str] = set()
    entries = []
    for index in range(count):
        title = w.title(used) if rng.random() < 0.8 else w.title(used) + " " + w.sentence(4, 9).rstrip(".?!")
        used.add(title.casefold())
        box = rng.random() < 0.15
        size = rng.choices(["tiny", "short", "medium", "long"], [3, 4, 3, 1])[0]
        body = _random_body(w, size, box)
        fields: dict = {"title": title}
        if len(title) > 30:
            fields["short_title"] = " ".join(title.split()[:4])
        fields["date"] = f"2026-01-{1 + index % 28:02d}"
        if rng.random() < 0.8:
            fields["author"] = rng.choice(NAMES)
        if box:
            fields["kind"] = "box"
        if index == lead:
            fields["lead"] = True
        paragraphs = [b for b in body.split("\n\n") if b and b[0].isalpha()]
        if size in ("medium", "long") and rng.random() < 0.4 and len(paragraphs) > 2:
            fields["pull_quote"] = " ".join(rng.choice(paragraphs[1:]).split(". ")[0].split()[:18]).rstrip(",;") + "."
        if rng.random() < 0.35 or index == (lead or 0):
            picture = rng.choice(PICTURES)
            fields["image"] = {
                "src": "images/" + picture.file,
                "alt": picture.alt,
                "caption": picture.caption,
                "credit": picture.credit,
            }
        if rng.random() < 0.2:
            fields["source"] = rng.choice([LONG_URL, "https://stress-test-gazette.example.org/news"])
        fields["body"] = body
        entries.append(_mapping(fields, 4, first_prefix="- "))
    issue = (
        "# Generated by tests/support/stress_issue.py (write_random_issue): do not edit by hand.\n"
        f"date: {_scalar(ISSUE_MONTH)}\nvolume: 9\nnumber: {seed % 90 + 1}\narticles:\n" + "\n".join(entries)
    )
    (issue_dir / "issue.yaml").write_text(issue, encoding="utf-8")
    return issue_dir, count
