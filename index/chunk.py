"""Sentence-aware chunking with overlap; every chunk is an exact slice of the article text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# About 600 characters: see README, "Measurements", for why.
CHUNK_CHARS = 600
OVERLAP_SENTENCES = 1

_ABBREVIATIONS = frozenset(
    "jl no dr drs prof ir h hj st sdr bpk ny tn kec kab kel prov rp dll dsb dst tsb yth an "
    "mr mrs ms jr sr inc ltd co corp gen jend kol letjen mayjen brigjen kapt lt sgt vs etc "
    "u.s a.s p.t pt tbk m.sc s.h s.e s.t s.pd mt no. hal".split()
)
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) and whitespace.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)|\n+")


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, whitespace between them excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end() if match.group(0).strip() else match.start()
        if match.group(0).strip() and _is_abbreviation(text, match.start()):
            continue
        _add_span(text, start, end, spans)
        start = match.end()
    _add_span(text, start, len(text), spans)
    return spans


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at `dot` closes an abbreviation, an initial or a number."""
    if text[dot] != ".":
        return False
    word = re.search(r"[\w.]*$", text[max(0, dot - 12) : dot]).group(0).lower()
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


def chunk_text(text: str, size: int = CHUNK_CHARS, overlap: int = OVERLAP_SENTENCES) -> list[Chunk]:
    """Group whole sentences into chunks of about `size` characters, `overlap` sentences shared."""
    sentences = _split_long(text, split_sentences(text), size)
    chunks: list[Chunk] = []
    first = 0
    while first < len(sentences):
        last = first
        while last + 1 < len(sentences) and sentences[last + 1][1] - sentences[first][0] <= size:
            last += 1
        start, end = sentences[first][0], sentences[last][1]
        chunks.append(Chunk(len(chunks), start, end, text[start:end]))
        if last + 1 >= len(sentences):
            break
        first = max(first + 1, last + 1 - overlap)
    return chunks


def _split_long(text: str, spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Cut sentences longer than `size` (run-on scraped text), at a space where there is one."""
    result: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > size:
            cut = text.rfind(" ", start + size // 2, start + size)
            cut = cut if cut > start else start + size
            result.append((start, cut))
            start = cut + 1 if text[cut] == " " else cut
        result.append((start, end))
    return result
