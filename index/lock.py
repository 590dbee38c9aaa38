"""One `mitra index` at a time per data directory."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.errors import IndexBusyError


@contextmanager
def index_lock(data_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the data directory, or fail at once if another run has it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "index.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexBusyError(
                f"another `mitra index` (pid {holder}) is updating {data_dir}: wait for it to "
                "finish, then run this again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
