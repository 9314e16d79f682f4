"""Atomic file writes: a temp file in the target's folder, renamed over it when complete."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_writer(target: Path) -> Iterator[BinaryIO]:
    """Yield a stream; the target is replaced only if the block completes.

    A build killed half-way leaves the last good file untouched (at worst a stray
    hidden .part file, never a truncated PDF under the real name).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_atomically(target: Path, data: bytes | str) -> Path:
    with atomic_writer(target) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)
    return target
