"""Dates: month names in both languages, and the one way dates are shown to readers."""

from __future__ import annotations

import re

MONTHS = {
    "januari": 1,
    "january": 1,
    "jan": 1,
    "februari": 2,
    "february": 2,
    "feb": 2,
    "maret": 3,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "agustus": 8,
    "august": 8,
    "agu": 8,
    "aug": 8,
    "agt": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "desember": 12,
    "december": 12,
    "des": 12,
    "dec": 12,
}
# The full month names, English and Indonesian, as a regex alternation.
MONTH_NAMES = "|".join(
    n for n in MONTHS if len(n) > 4 or n in ("mei", "may", "juni", "june", "juli", "july")
)
_ABBREVIATED = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    "id": "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split(),
}
_ISO = re.compile(r"(\d{4}|-)-(\d{2})(?:-(\d{2}))?(?:$|T)")


def format_date(iso: str, language: str = "en") -> str:
    """An ISO date for readers: `2022-09-19` → `19 Sep 2022`, `--08-17` → `17 Aug` (`17 Agu`),
    `2022-08` → `Aug 2022`; anything else as it is."""
    match = _ISO.match(iso.strip())
    if not match:
        return iso.strip()
    year, month, day = match.groups()
    if not 1 <= int(month) <= 12:
        return iso.strip()
    name = _ABBREVIATED["id" if language == "id" else "en"][int(month) - 1]
    parts = [str(int(day)) if day else "", name, "" if year == "-" else year]
    return " ".join(p for p in parts if p)
