"""rag.config: settings from MITRA_* variables and a TOML file; bad values are one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import ConfigError


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    settings = Settings.load({})
    assert settings == Settings()
    assert settings.data_dir == tmp_path / "mitra"
    assert settings.models_dir == tmp_path / "mitra" / "models"
    assert (settings.llm, settings.k, settings.share, settings.articles_dir) == (
        "local",
        5,
        False,
        None,
    )


def test_each_test_has_its_own_data_dir(mitra_env: Path, tmp_path: Path) -> None:
    assert Settings.load().data_dir == mitra_env == tmp_path / "data"
    outside = {n for n in os.environ if n.startswith("MITRA_") and not n.startswith("MITRA_TEST_")}
    assert outside == {"MITRA_DATA_DIR", "MITRA_MODEL_CACHE", "MITRA_LLM"}
    assert Settings.load().llm == "extractive"  # tests name the LLM when they need it


def test_environment_values_are_coerced(tmp_path: Path) -> None:
    settings = Settings.load(
        {
            "MITRA_DATA_DIR": "~/mitra-data",
            "MITRA_MODEL_CACHE": str(tmp_path / "models"),
            "MITRA_K": "3",
            "MITRA_LLM_TIMEOUT": "2.5",
            "MITRA_SHARE": "true",
            "MITRA_FOLLOW_SYMLINKS": "0",
            "MITRA_LLM": "ollama:qwen2.5",
            "MITRA_PORT": "",  # empty: the default
        }
    )
    assert settings.data_dir == Path.home() / "mitra-data"
    assert settings.models_dir == tmp_path / "models"
    assert (settings.k, settings.llm_timeout, settings.port) == (3, 2.5, 7860)
    assert settings.share is True and settings.follow_symlinks is False
    assert settings.llm == "ollama:qwen2.5"


@pytest.mark.parametrize("true", ["1", "true", "True", "yes"])
def test_true_spellings(true: str) -> None:
    assert Settings.load({"MITRA_SHARE": true}).share is True


def test_a_settings_file_under_the_environment(tmp_path: Path) -> None:
    toml = tmp_path / "mitra.toml"
    toml.write_text(
        'k = 3\nllm = "ollama:qwen2.5"\nshare = true\ndata_dir = "/srv/mitra"\n', encoding="utf-8"
    )
    from_file = Settings.load({"MITRA_SETTINGS": str(toml)})
    assert (from_file.k, from_file.llm, from_file.share) == (3, "ollama:qwen2.5", True)
    assert from_file.data_dir == Path("/srv/mitra")
    both = Settings.load({"MITRA_SETTINGS": str(toml), "MITRA_K": "7"})
    assert (both.k, both.llm) == (7, "ollama:qwen2.5")


def test_with_overrides_ignores_none() -> None:
    settings = Settings(k=4)
    assert settings.with_overrides(k=None, llm="ollama:x") == Settings(k=4, llm="ollama:x")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MITRA_K": "many"}, "MITRA_K='many' is not a valid int"),
        ({"MITRA_PORT": "80.5"}, "MITRA_PORT='80.5' is not a valid int"),
        ({"MITRA_LLM_TIMEOUT": "soon"}, "MITRA_LLM_TIMEOUT='soon' is not a valid float"),
    ],
)
def test_malformed_values_are_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.load(environ)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('k = 3\nmodel = "e5"\ntheme = "dark"\n', r"unknown setting\(s\) in .*: model, theme"),
        ("k = = 3\n", "is not valid TOML"),
        ('k = "many"\n', "MITRA_K='many' is not a valid int"),
    ],
)
def test_bad_settings_files(tmp_path: Path, content: str, message: str) -> None:
    toml = tmp_path / "mitra.toml"
    toml.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        Settings.load({"MITRA_SETTINGS": str(toml)})


def test_a_missing_settings_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read settings file .*absent\.toml"):
        Settings.load({"MITRA_SETTINGS": str(tmp_path / "absent.toml")})


def test_bad_settings_are_one_line_from_the_cli(tmp_path: Path) -> None:
    """Each bad setting ends `mitra ask` with one line and status 2 (the processes run at once:
    each imports torch before it can tell)."""
    not_a_model = tmp_path / "empty-folder"
    not_a_model.mkdir()
    cases = [
        ("MITRA_EMBEDDING_MODEL", "no-such-model", "'no-such-model' was not found on this machine"),
        ("MITRA_EMBEDDING_MODEL", str(tmp_path / "absent"), "absent' was not found on this"),
        ("MITRA_EMBEDDING_MODEL", str(not_a_model), "is not a sentence-transformers model"),
        ("MITRA_K", "many", "MITRA_K='many' is not a valid int"),
    ]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "ask", "Siapa Lavrov?"],
            env={**os.environ, name: value},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, value, _ in cases
    ]
    for (name, value, message), process in zip(cases, runs, strict=True):
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 2, (name, value, stderr)
        assert stderr.startswith("mitra: ") and message in stderr, stderr
        assert len(stderr.strip().splitlines()) == 1, stderr
