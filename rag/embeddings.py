"""Embedding models behind LangChain's `Embeddings`: the bundled e5-small, or any ST model."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import torch
from langchain_core.embeddings import Embeddings
from sentence_transformers import SentenceTransformer

from rag.e5_model import ensure_e5_model

DEFAULT_EMBEDDING_MODEL = "multilingual-e5-small"
BATCH_SIZE = 32


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model; e5 models get their `query: `/`passage: ` prefixes."""

    def __init__(self, model: SentenceTransformer, model_name: str) -> None:
        self.model = model
        self.model_name = model_name
        self.dimension = int(model.get_embedding_dimension() or 0)
        self._e5 = "e5" in model_name.lower()
        self.show_progress = False

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self.model.encode(
            texts,
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            show_progress_bar=self.show_progress and len(texts) > BATCH_SIZE,
            convert_to_numpy=True,
        )
        return vectors.tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        prefix = "passage: " if self._e5 else ""
        return self._encode([prefix + t for t in texts])

    def embed_query(self, text: str) -> list[float]:
        prefix = "query: " if self._e5 else ""
        return self._encode([prefix + text])[0]


@lru_cache(maxsize=4)
def load_embeddings(
    name: str, cache_dir: Path, *, show_progress: bool = False
) -> SentenceTransformerEmbeddings:
    """The bundled e5-small (converted into `cache_dir` once), or a local/installed ST model.

    Loaded once per process: every caller shares the model.
    """
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    if name == DEFAULT_EMBEDDING_MODEL:
        path = ensure_e5_model(cache_dir / DEFAULT_EMBEDDING_MODEL)
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    else:
        try:
            model = SentenceTransformer(name, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ValueError(
                f"embedding model {name!r} is not available offline: give a local model folder "
                f"or an installed model, or unset MITRA_EMBEDDING_MODEL ({exc})"
            ) from exc
    embeddings = SentenceTransformerEmbeddings(model, name)
    embeddings.show_progress = show_progress
    return embeddings
