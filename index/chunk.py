"""Sentence-aware chunking with overlap; every chunk is an exact slice of the article text."""

from __future__ import annotations

from dataclasses import dataclass

from rag.text.sentences import split_sentences

# About 600 characters: see README, "Measurements", for why.
CHUNK_CHARS = 600
OVERLAP_SENTENCES = 1


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int
    end: int
    text: str


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
