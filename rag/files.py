"""Writing a file so that no reader ever sees it partly written."""

from __future__ import annotations

import os
import threading
from contextlib import suppress
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: into a file beside it, then renamed into place.

    That file's name is this process's and thread's own, so concurrent writers of the same path
    never share one. Raises OSError, leaving no partial file behind.
    """
    staged = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        staged.write_bytes(data)
        staged.replace(path)
    except OSError:
        with suppress(OSError):
            staged.unlink(missing_ok=True)
        raise
