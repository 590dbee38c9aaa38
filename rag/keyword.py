"""Keyword search that works for Indonesian: stopwords, Sastrawi stemming, BM25."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import bm25s
import numpy as np
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+")
_ENGLISH_STOPWORDS = frozenset(
    "a an the of to in on at for with by from and or but is are was were be been being it its "
    "this that these those what which who whom whose when where why how did do does done has "
    "have had about into over than then there their they them he she his her we our you your "
    "i me my not no yes any all some can could would should will shall may might must".split()
)


class Stemmer:
    """Sastrawi's Indonesian stemmer with a cache, saved to disk since stemming is slow."""

    def __init__(self, cache_file: Path | None = None) -> None:
        self._stemmer = StemmerFactory().create_stemmer()
        self._stopwords = frozenset(StopWordRemoverFactory().get_stop_words()) | _ENGLISH_STOPWORDS
        self._cache_file = cache_file
        self._cache: dict[str, str] = {}
        self._dirty = False
        self._lock = threading.Lock()
        if cache_file and cache_file.exists():
            try:
                self._cache = json.loads(cache_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._cache = {}

    def tokens(self, text: str) -> list[str]:
        """Stemmed content words of `text`; numbers and names are kept as they are."""
        result = []
        for word in _TOKEN.findall(text.lower()):
            if word in self._stopwords or len(word) < 2:
                continue
            stem = self._cache.get(word)
            if stem is None:
                stem = self._stemmer.stem(word) if word.isalpha() else word
                with self._lock:
                    self._cache[word] = stem
                    self._dirty = True
            result.append(stem or word)
        return result

    def save(self) -> None:
        if not (self._cache_file and self._dirty):
            return
        self._cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._cache_file.with_suffix(".tmp")
        with self._lock:
            tmp.write_text(json.dumps(self._cache, ensure_ascii=False), encoding="utf-8")
            self._dirty = False
        tmp.replace(self._cache_file)


class KeywordIndex:
    """BM25 over chunk texts; `search` returns (chunk position, score) best first."""

    def __init__(self, stemmer: Stemmer, texts: list[str]) -> None:
        self._stemmer = stemmer
        self._size = len(texts)
        self._bm25 = bm25s.BM25()
        if texts:
            self._bm25.index([stemmer.tokens(text) for text in texts], show_progress=False)
            stemmer.save()

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        """The `n` best-matching chunk positions with their BM25 scores (zero scores dropped)."""
        vocab = getattr(self._bm25, "vocab_dict", None) or {}
        tokens = [t for t in self._stemmer.tokens(query) if t in vocab]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        top = np.argsort(-scores)[: min(n, self._size)]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
