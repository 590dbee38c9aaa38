"""One `mitra index` at a time per data directory."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from rag.catalog import storage_error
from rag.errors import IndexBusyError, StorageError


@contextmanager
def index_lock(data_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the data directory, or fail at once if another run has it.

    Raises:
        IndexBusyError: another run holds the lock.
        StorageError: the data directory is read-only (or otherwise cannot hold the lock file).
    """
    path = data_dir / "index.lock"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise storage_error(exc, data_dir) or StorageError(
            f"cannot create the index lock {path}: {exc.strerror}"
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise IndexBusyError(
                f"another `mitra index` (pid {holder}) is updating {data_dir}: wait for it to "
                "finish, then run this again"
            ) from None
        # The pid only names the holder in the message above: on a full disk the run goes on
        # without it and fails, if at all, where the index is written, leaving it as it was.
        with suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            with suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
