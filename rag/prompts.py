"""Prompt templates: the bundled `prompts/` package data, or a user's folder that overrides them.

Rendered by Jinja2 with `StrictUndefined`: a variable a template uses but is not given fails.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from rag.errors import ConfigError

BUNDLED_PROMPTS = Path(str(files("prompts")))


@cache
def _environment(user_dir: Path | None) -> Environment:
    folders = [user_dir, BUNDLED_PROMPTS] if user_dir else [BUNDLED_PROMPTS]
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(folder) for folder in folders]),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
    )


def render_prompt(name: str, user_dir: Path | None = None, **variables: Any) -> str:
    """Render the template `name` (from `user_dir` when it has one, else the bundled one)."""
    try:
        template = _environment(user_dir).get_template(name)
    except TemplateNotFound as exc:
        raise ConfigError(
            f"prompt template {name!r} is missing from {user_dir or BUNDLED_PROMPTS}: reinstall "
            "mitra, or unset MITRA_PROMPTS_DIR"
        ) from exc
    return template.render(**variables).strip()
