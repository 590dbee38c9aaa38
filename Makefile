# The commands people type, written down once. `make run` and `make test` set everything up.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test lint fix index eval bench test-deps

$(INSTALLED): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

run: $(INSTALLED)
	$(VENV)/bin/mitra ui

test: $(INSTALLED) test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

# A browser for the UI tests (Debian chromium, installed once when run as root).
test-deps:
	scripts/test-deps.sh

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fix: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

index: $(INSTALLED)
	$(VENV)/bin/mitra index

eval: $(INSTALLED)
	$(VENV)/bin/mitra eval ../shared/eval/dev_questions.jsonl

# Each prints its figures; several need ../shared/news-2025 (see their docstrings).
bench: $(INSTALLED)
	$(PYTHON) bench/index_bench.py
	$(PYTHON) bench/query_bench.py
	$(PYTHON) bench/answer_bench.py
	$(PYTHON) bench/checker_bench.py
	$(PYTHON) bench/events_bench.py
	$(PYTHON) bench/stories_bench.py
	$(PYTHON) bench/scale_bench.py
