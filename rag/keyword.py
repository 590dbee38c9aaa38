"""Keyword search that works for Indonesian: the toolkit's stems and stopwords, scored by BM25.

The index is built by `mitra index` from the chunks' stored tokens and saved beside the catalog,
one folder per catalog generation; readers memory-map it, so it loads in milliseconds.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import bm25s
import numpy as np

from rag.text.stem import keyword_tokens

log = logging.getLogger("mitra.keyword")
_IDS = "chunk_ids.json"
logging.getLogger("bm25s").setLevel(logging.WARNING)


class KeywordIndex:
    """BM25 over chunks; `search` returns (chunk id, score), best first."""

    def __init__(self, chunk_ids: Sequence[str], bm25: bm25s.BM25 | None) -> None:
        self.chunk_ids = list(chunk_ids)
        self._bm25 = bm25

    @classmethod
    def build(cls, chunks: Iterable[tuple[str, Sequence[str]]]) -> KeywordIndex:
        """From (chunk id, keyword tokens) pairs."""
        ids, corpus = [], []
        for chunk_id, tokens in chunks:
            ids.append(chunk_id)
            corpus.append(list(tokens))
        if not ids:
            return cls([], None)
        bm25 = bm25s.BM25()
        bm25.index(corpus, show_progress=False)
        return cls(ids, bm25)

    def save(self, folder: Path) -> None:
        """Write to `folder` atomically: a reader sees the whole index or no folder."""
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        if self._bm25 is not None:
            self._bm25.save(partial, show_progress=False)
        (partial / _IDS).write_text(json.dumps(self.chunk_ids), encoding="utf-8")
        partial.rename(folder)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        """Memory-map a saved index; raises OSError or ValueError when it is missing or damaged."""
        ids = json.loads((folder / _IDS).read_text(encoding="utf-8"))
        if not ids:
            return cls([], None)
        bm25 = bm25s.BM25.load(folder, mmap=True, show_progress=False)
        if bm25.scores["num_docs"] != len(ids):
            raise ValueError(f"{folder} holds {bm25.scores['num_docs']} documents, not {len(ids)}")
        return cls(ids, bm25)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """The `n` best-matching chunks with their BM25 scores (zero scores dropped)."""
        if self._bm25 is None:
            return []
        vocab = self._bm25.vocab_dict or {}
        tokens = [t for t in keyword_tokens(query) if t in vocab]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        count = min(n, len(scores))
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.argsort(-scores[top])]
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]


def prune_folders(root: Path, keep: set[str]) -> None:
    """Remove saved indexes other than `keep` (readers that mapped one keep their copy)."""
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
