"""Metadata that news text states about itself: headline, outlet, wire agency, date."""

from __future__ import annotations

import re

from rag.text.dates import MONTHS
from rag.text.sentences import OUTLET, strip_dateline

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_FULL_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\.?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\((?:[A-Za-z]+,?\s*)?(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\)")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\b(?!\s+(?:19|20)\d\d)", re.IGNORECASE)

_AGENCIES = (
    "Reuters",
    "Associated Press",
    "AFP",
    "Agence France-Presse",
    "TASS",
    "RIA Novosti",
    "RIA",
    "Interfax",
    "Sputnik",
    "Xinhua",
    "Antara",
    "Bloomberg",
    "Al Jazeera",
    "CNN",
    "BBC",
    "IRNA",
    "Yonhap",
    "Kyodo",
    "Bernama",
    "ChannelNewsAsia",
    "Channel NewsAsia",
    "FOX News",
    "The Guardian",
    "New York Times",
    "Washington Post",
    "Anadolu",
    "AP",
)
_ATTRIBUTION = (
    r"(?:dilansir(?:\s+dari)?|melansir(?:\s+dari)?|dikutip(?:\s+dari)?|mengutip|menurut"
    r"|dilaporkan|laporan|kantor\s+berita[^,.]{0,40},?|via|sumber\s*:)"
)
_AGENCY_NAMES = "|".join(re.escape(a) for a in _AGENCIES)
_ATTRIBUTED_AGENCY = re.compile(rf"{_ATTRIBUTION}\s+({_AGENCY_NAMES})\b", re.IGNORECASE)
_CREDIT_AGENCY = re.compile(rf"\(({_AGENCY_NAMES})\s*/", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def find_title(text: str) -> str:
    """The headline line when the text opens with one, else the lead's first sentence."""
    lines = [line for line in text.split("\n") if not OUTLET.search(line) or len(line) > 60]
    if not lines:
        return ""
    first = lines[0]
    if len(lines) > 1 and 15 <= len(first) <= 160 and not first.endswith((".", ":", "”", '"')):
        return first
    sentence = _SENTENCE_END.split(strip_dateline(first), maxsplit=1)[0]
    return sentence if len(sentence) <= 160 else sentence[:160].rsplit(" ", 1)[0] + "…"


def find_outlet(text: str) -> str:
    """The outlet named in the dateline, looked for in the opening lines."""
    match = OUTLET.search(text[:300])
    return match.group(1) if match else ""


def find_agency(text: str) -> str:
    """The wire agency the article credits ("Dilansir dari Reuters", "melansir TASS")."""
    match = _ATTRIBUTED_AGENCY.search(text) or _CREDIT_AGENCY.search(text)
    if not match:
        return ""
    name = match.group(1)
    return next(a for a in _AGENCIES if a.lower() == name.lower())


def find_date(text: str) -> str:
    """The first date the text states, ISO 8601: `2022-09-19`, or `--08-17` without a year."""
    candidates = []
    if m := _FULL_DATE.search(text):
        candidates.append(
            (m.start(), f"{m.group(3)}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}")
        )
    if m := _NUMERIC_DATE.search(text):
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if 1 <= day <= 31 and 1 <= month <= 12:
            iso = f"--{month:02d}-{day:02d}"
            if year:
                iso = f"{int(year) + 2000 if len(year) == 2 else int(year)}-{month:02d}-{day:02d}"
            candidates.append((m.start(), iso))
    if m := _DAY_MONTH.search(text):
        candidates.append((m.start(), f"--{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"))
    if not candidates:
        return ""
    # Prefer a date with a year when it is stated near the top, as datelines are.
    full = [c for c in candidates if not c[1].startswith("--") and c[0] < 400]
    return (full or sorted(candidates))[0][1]
