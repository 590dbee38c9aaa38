"""The package as users get it: the wheel, installed outside the checkout, finds its own prompts,
articles and lexicon, indexes the bundled articles and answers with a cited quote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA_FILES = ("prompts/*.md", "index/articles/*.txt", "rag/lexicon/*.txt")
PIP = (sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input")

pytestmark = pytest.mark.slow


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources: a build in the checkout would leave
    build/ and *.egg-info there. No index and no build isolation: nothing is downloaded."""
    source = tmp_path_factory.mktemp("source")
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for top in sorted({name.split(".")[0] for name in packages["packages"]}):
        shutil.copytree(ROOT / top, source / top, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    run(
        *PIP,
        "wheel",
        "--no-deps",
        "--no-index",
        "--no-build-isolation",
        "-w",
        str(dist),
        ".",
        cwd=source,
    )
    (built,) = dist.glob("mitra-*.whl")
    return built


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed into a folder of its own; the venv provides the dependencies."""
    target = tmp_path_factory.mktemp("site")
    run(*PIP, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel))
    return target


def test_the_wheel_holds_the_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for pattern in DATA_FILES:
        shipped = {path.relative_to(ROOT).as_posix() for path in ROOT.glob(pattern)}
        assert shipped and shipped <= names, pattern
    assert not [name for name in names if name.startswith("tests/")]


def test_installed_it_indexes_and_answers_with_a_citation(
    site: Path, tmp_path: Path, model_cache: Path
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "MITRA_DATA_DIR": str(tmp_path / "data"),
        "MITRA_MODEL_CACHE": str(model_cache),
    }
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run(
        sys.executable,
        "-c",
        "import importlib.resources as r, index, rag, ui; from rag.prompts import BUNDLED_PROMPTS;"
        "print(rag.__file__, index.BUNDLED_ARTICLES, BUNDLED_PROMPTS, ui.__file__,"
        "r.files('rag.lexicon').joinpath('words.txt'), sep='\\n')",
        env=env,
        cwd=elsewhere,
    )
    for line in where.stdout.splitlines():
        assert Path(line).is_relative_to(site), line

    indexed = run(sys.executable, "-m", "ui.cli", "index", env=env, cwd=elsewhere)
    assert "added 5 · " in indexed.stdout
    asked = run(
        sys.executable,
        "-m",
        "ui.cli",
        "ask",
        "--llm",
        "extractive",
        "--json",
        "Whom did Sergei Lavrov visit in Jakarta?",
        env=env,
        cwd=elsewhere,
    )
    answer = json.loads(asked.stdout)
    assert "Retno Marsudi" in answer["text"] and "[1]" in answer["text"]
    citation = answer["citations"][0]
    article = (site / "index" / "articles" / citation["article_id"]).read_text(encoding="utf-8")
    assert citation["quote"] and citation["quote"] in article and citation["verified"]
