"""Articles for the page's tests: a story in two outlets, dated partnership events with markup in
their partner phrases, and a synthetic library the size of the news-2025 batch."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from index import BUNDLED_ARTICLES

BUNDLED_STORY = "002_3604e166b6412a05.txt"
STORY_COPY = "kerjasama-keamanan-liputan6"
PARTNERSHIPS = (
    "Rusia perluas kemitraan <script>alert('title')</script> militer di Asia\n"
    "Rusia dan India menandatangani perjanjian kerja sama militer di Moskow pada 12 Maret 2023.\n"
    "Rusia dan Vietnam sepakat memperluas kerja sama energi nuklir pada Juni 2022.\n"
    "Pada 2021, Rusia dan Mesir menandatangani kontrak pembelian senjata.\n"
    "Rusia dan Iran <script>alert('event')</script> <img src=x onerror=alert(1)> menggelar "
    "latihan militer bersama pada 5 Januari 2024.\n"
)
OUTLETS = (
    "detik.com",
    "liputan6.com",
    "kompas.com",
    "cnnindonesia.com",
    "tempo.co",
    "antaranews.com",
    "okezone.com",
    "tribunnews.com",
    "sindonews.com",
    "republika.co.id",
    "reuters.com",
    "tass.com",
)
NEEDLE = "Kapal selam Kilo berlabuh."  # in the text (not the title) of some synthetic articles
_GLUE = {
    "id": "yang dan di dengan untuk dari pada dalam ini itu akan telah juga oleh".split(),
    "en": "the of and to in with for from that this will has also by".split(),
}
_SYLLABLES = "ba be bi bo bu ka ke ki ko ku ma me mi mo mu na ne ni no nu ra re ri ro ru".split()


def story_copy() -> dict[str, str]:
    """Another outlet's copy of a bundled story, a day later, as a .json record."""
    text = (BUNDLED_ARTICLES / BUNDLED_STORY).read_text(encoding="utf-8").split("\n", 1)[1]
    return {
        "id": STORY_COPY,
        "title": "Rusia dan China Perluas Kerja Sama Keamanan",
        "date": "2022-09-20",
        "source": "liputan6.com",
        "text": text,
    }


def write_extra_articles(folder: Path) -> tuple[Path, Path]:
    """The story copy and the partnership events article; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "liputan6.json"
    copy.write_text(json.dumps(story_copy(), ensure_ascii=False), encoding="utf-8")
    events = folder / "kemitraan.txt"
    events.write_text(PARTNERSHIPS, encoding="utf-8")
    return copy, events


def synthetic_library(count: int, seed: int = 7) -> list[dict[str, str]]:
    """`count` short articles of random words in 12 outlets over 2021–2025, a quarter English.

    Among them are stories: 50 articles with three copies in other outlets, 135 with one.
    """
    rng = random.Random(seed)
    vocabulary = sorted(
        {"".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(6000)}
    )
    copies = 50 * 3 + 135
    records = []
    for n in range(count - copies):
        glue = _GLUE["en" if n % 4 == 0 else "id"]
        words = [w for _ in range(24) for w in (rng.choice(vocabulary), rng.choice(glue))]
        text = f"{' '.join(words[:24]).capitalize()}. {' '.join(words[24:]).capitalize()}."
        if n % 170 == 0:
            text += f" {NEEDLE}"
        day = date(2021, 1, 1) + timedelta(days=rng.randrange(1640))
        title = f"{rng.choice(vocabulary).capitalize()} {rng.choice(vocabulary)} {n:04d}"
        records.append(
            {
                "id": f"syn-{n:04d}",
                "title": title,
                "text": text,
                "date": day.isoformat(),
                "source": rng.choice(OUTLETS),
            }
        )
    for n in range(copies):
        original = records[(n // 3 if n < 150 else n - 100) * 13]
        outlet = OUTLETS[(OUTLETS.index(original["source"]) + 1 + n % 3) % len(OUTLETS)]
        records.append({**original, "id": f"syn-copy-{n:03d}", "source": outlet})
    return records
