"""Ingestion: article files in; cleaned, chunked, embedded and analysed into the index."""

from importlib.resources import files
from pathlib import Path

# The five founding articles: what `mitra index` and the first `mitra ui` index by default.
BUNDLED_ARTICLES = Path(str(files("index") / "articles"))
