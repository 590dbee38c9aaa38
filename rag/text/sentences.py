"""Sentences and datelines: where sentences of news text start and end."""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    "jl no dr drs prof ir h hj st sdr bpk ny tn kec kab kel prov rp dll dsb dst tsb yth an "
    "mr mrs ms jr sr inc ltd co corp gen jend kol letjen mayjen brigjen kapt lt sgt vs etc "
    "u.s a.s p.t pt tbk m.sc s.h s.e s.t s.pd mt no. hal".split()
)
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) and whitespace.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)|\n+")


# A dateline names the outlet: "KONTAN.CO.ID - MOSKOW.", "Jakarta, MISTAR.ID", "Liputan6.com, …"
OUTLET = re.compile(
    r"\b([A-Za-z][A-Za-z0-9-]*(?:\.(?i:co\.id|com|id|tv|net|org|news|co))+)\b(?=[\s,.\-–—:]|$)"
)
# "KONTAN.CO.ID - MOSKOW. ", "JAKARTA - ", "Liputan6.com, Jakarta - " before the lead sentence.
_DATELINE = re.compile(r"^(?:[^\s,]+,\s*)?[A-Za-z0-9 .,]{3,40}?\s*[-–—]\s*(?:[A-Z]{3,}\.\s+)?")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, whitespace between them excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end() if match.group(0).strip() else match.start()
        if match.group(0).strip() and is_abbreviation(text, match.start()):
            continue
        _add_span(text, start, end, spans)
        start = match.end()
    _add_span(text, start, len(text), spans)
    return spans


def is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at `dot` closes an abbreviation, an initial or a number."""
    if text[dot] != ".":
        return False
    tail = re.search(r"[\w.]*$", text[max(0, dot - 12) : dot])
    assert tail is not None  # the pattern matches every string, if only emptily
    word = tail.group(0).lower()
    following = text[dot + 1 : dot + 3]
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    # "6.760 km" and "Rp1.194" have no space after the dot, so only initials like "J. Biden" stay.
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]?", word)) and following[:1] == " "


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    segment = text[start:end]
    stripped = segment.strip()
    if stripped:
        lead = len(segment) - len(segment.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))


def strip_dateline(line: str) -> str:
    """The line without its dateline.

    A dateline names an outlet, a place in capitals, or is only a known place ("Jakarta -").
    """
    match = _DATELINE.match(line)
    if not match:
        return line
    prefix = match.group(0)
    if OUTLET.search(prefix) or re.search(r"[A-Z]{3,}", prefix) or _only_a_place(prefix):
        return line[match.end() :]
    return line


def _only_a_place(prefix: str) -> bool:
    from rag.text.gazetteer import gazetteer  # the gazetteer's tables load on first use

    name = re.sub(r"\s*[-–—]\s*$", "", prefix).strip()
    mentions = gazetteer().find(name)
    return (
        len(mentions) == 1
        and not mentions[0].person
        and (mentions[0].start, mentions[0].end) == (0, len(name))
    )
