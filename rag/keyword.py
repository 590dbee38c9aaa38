"""Keyword search that works for Indonesian: the toolkit's stems and stopwords, scored by BM25."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np

from rag.text.stem import keyword_tokens


class KeywordIndex:
    """BM25 over chunks given as their keyword tokens; `search` returns (position, score)."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self._size = len(documents)
        self._bm25 = bm25s.BM25()
        if documents:
            self._bm25.index([list(tokens) for tokens in documents], show_progress=False)

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> KeywordIndex:
        return cls([keyword_tokens(text) for text in texts])

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        """The `n` best-matching chunk positions with their BM25 scores (zero scores dropped)."""
        vocab = getattr(self._bm25, "vocab_dict", None) or {}
        tokens = [t for t in keyword_tokens(query) if t in vocab]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        top = np.argsort(-scores)[: min(n, self._size)]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
