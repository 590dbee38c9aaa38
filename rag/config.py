"""Settings: environment variables prefixed `MITRA_`, optionally a TOML settings file."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from rag.errors import ConfigError


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "mitra"


@dataclass(frozen=True)
class Settings:
    """Everything configurable; `Settings.load()` reads it from the environment."""

    data_dir: Path = field(default_factory=_default_data_dir)
    articles_dir: Path | None = None  # None: the bundled articles
    embedding_model: str = "multilingual-e5-small"
    model_cache: Path | None = None
    chroma_url: str | None = None
    chroma_timeout: float = 30.0
    collection: str = "articles"
    max_file_bytes: int = 5_000_000
    follow_symlinks: bool = False  # index links to files outside the indexed folder
    llm: str = "local"
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 60.0
    unsupported: str = "remove"  # a sentence no source supports: "remove" it, or "flag" it
    prompts_dir: Path | None = None  # templates here override the bundled ones of the same name
    k: int = 5
    max_question_chars: int = 1000
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None
    share: bool = False
    max_upload_mb: int = 20
    concurrency: int = 2

    @property
    def models_dir(self) -> Path:
        """Where converted embedding models are kept (MITRA_MODEL_CACHE, else the data dir)."""
        return self.model_cache or self.data_dir / "models"

    @property
    def chroma_dir(self) -> Path:
        """The folder of the embedded Chroma database."""
        return self.data_dir / "chroma"

    @property
    def catalog_path(self) -> Path:
        """The catalog of what the index holds (`rag.catalog`)."""
        return self.data_dir / "catalog.sqlite3"

    @property
    def keyword_dir(self) -> Path:
        """The saved keyword indexes, one folder per catalog generation."""
        return self.data_dir / "keyword"

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given fields replaced (None values are ignored)."""
        # Each value's type is checked by whoever passes it; `Any` lets them through `replace`.
        given: dict[str, Any] = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **given)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read `MITRA_*` variables; `MITRA_SETTINGS` may name a TOML file they override."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        settings_file = env.get("MITRA_SETTINGS")
        if settings_file:
            values.update(_read_settings_file(Path(settings_file)))
        for f in fields(cls):
            raw = env.get(f"MITRA_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = raw
        # `_coerce` converts each value to its field's type, which mypy cannot follow by name.
        coerced: dict[str, Any] = {name: _coerce(name, value) for name, value in values.items()}
        return cls(**coerced)


def _read_settings_file(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from exc
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown setting(s) in {path}: {', '.join(unknown)}")
    return data


def _coerce(name: str, value: object) -> object:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind in ("Path", "Path | None"):
            return Path(str(value)).expanduser()
        if kind == "int":
            return int(str(value))
        if kind == "float":
            return float(str(value))
        if kind == "bool":
            return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes"}
    except ValueError as exc:
        raise ConfigError(f"setting MITRA_{name.upper()}={value!r} is not a valid {kind}") from exc
    return str(value)
