"""The prompt templates (Jinja2 `.md` files), shipped as package data; see `rag.prompts`."""
