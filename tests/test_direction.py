"""Dependencies point one way: the library (`rag`) ← ingestion (`index`) ← applications (`ui`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

IMPORT_ALL = """
import importlib, pkgutil, sys
package = importlib.import_module({package!r})
for module in pkgutil.walk_packages(package.__path__, {package!r} + "."):
    importlib.import_module(module.name)
print(" ".join(sorted({{name.split(".")[0] for name in sys.modules}} & {{"rag", "index", "ui"}})))
"""


@pytest.mark.parametrize(
    ("package", "allowed"),
    [("rag", {"rag"}), ("index", {"rag", "index"}), ("ui", {"rag", "index", "ui"})],
)
def test_every_module_imports_only_the_layers_below_it(package: str, allowed: set[str]) -> None:
    # A fresh interpreter: this one has every layer loaded already.
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL.format(package=package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) <= allowed
    assert package in result.stdout.split()
