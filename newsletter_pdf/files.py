"""Safe writing of outputs: atomic files, one build at a time per folder, a set of files all or nothing.

- atomic_writer / write_atomically: a temp file in the target's folder, renamed over it when complete.
- output_lock: a lock per output folder, so two builds into one folder take turns.
- write_set: every file of a build (PDFs, their .sha256, the HTML) is written to a temp file
  first; only when all are complete on disk are they renamed, in one go. A journal listing the
  renames is written before the first one, so a build killed between two renames is completed
  by the next build that takes the folder's lock: a PDF and its checksum always end up a pair.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from newsletter_pdf.errors import UserError

LOCK_NAME = ".newsletter-pdf.lock"
JOURNAL_NAME = ".newsletter-pdf.journal"
LOCK_WAIT_SECONDS = 600.0


def _write_error(target: Path, error: OSError) -> UserError:
    """A failed write as the editor needs it: which file, and why, in words."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        why = "the disk is full"
    elif error.errno == errno.EFBIG:
        why = "the file is larger than this disk or account allows"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "this folder may not be written to"
    else:
        why = error.strerror or str(error)
    return UserError(
        f"could not write {target}: {why}. Nothing was replaced: the outputs already in "
        f"{target.parent} are as they were. Free some space (or choose another folder with -o) and build again."
    )


def _temp_for(target: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


@contextmanager
def atomic_writer(target: Path) -> Iterator[BinaryIO]:
    """Yield a stream; the target is replaced only if the block completes.

    A build killed half-way leaves the last good file untouched (at worst a stray
    hidden .part file, never a truncated PDF under the real name).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = _temp_for(target)
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


def _complete(temp: Path, data: bytes) -> None:
    with open(temp, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(temp, 0o644)


def write_set(files: list[tuple[Path, bytes | str]]) -> list[Path]:
    """Write every file or none: all to temp files first, then all renamed (files in one folder).

    A write that fails (a full disk) names its file and leaves every target as it was. Call it
    while holding output_lock on the folder, so that an interrupted set is completed by the next build.
    """
    if not files:
        return []
    folder = files[0][0].parent
    assert all(target.parent == folder for target, _ in files), "a set is written into one folder"
    folder.mkdir(parents=True, exist_ok=True)
    renames: list[tuple[Path, Path]] = []
    try:
        for target, data in files:
            try:
                handle, name = _temp_for(target)
                os.close(handle)
                renames.append((Path(name), target))
                _complete(Path(name), data.encode("utf-8") if isinstance(data, str) else data)
            except OSError as error:
                raise _write_error(target, error) from error
        journal = [[temp.name, target.name] for temp, target in renames]
        try:
            write_atomically(folder / JOURNAL_NAME, json.dumps(journal))
        except OSError as error:
            raise _write_error(folder / JOURNAL_NAME, error) from error
    except BaseException:
        for temp, _ in renames:
            temp.unlink(missing_ok=True)
        raise
    # From here on the set is committed: a kill leaves the journal, and the next build finishes it.
    _roll_forward(folder)
    return [target for _, target in renames]


def _roll_forward(folder: Path) -> None:
    """Finish the renames a journal lists (those whose temp file is still there), then drop it."""
    journal_path = folder / JOURNAL_NAME
    try:
        entries = json.loads(journal_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        entries = []  # unreadable: it was never complete (it is written atomically), so nothing was renamed
    for temp_name, target_name in entries:
        temp = folder / Path(temp_name).name
        if temp.exists():
            os.replace(temp, folder / Path(target_name).name)
    _fsync_folder(folder)
    journal_path.unlink(missing_ok=True)
    _fsync_folder(folder)


@contextmanager
def output_lock(
    folder: Path, progress: Callable[[str], None] | None = None, wait: float = LOCK_WAIT_SECONDS
) -> Iterator[None]:
    """Hold the output folder's lock: one build writes into a folder at a time.

    A second build waits (saying which process it waits for) and gives up after `wait` seconds
    with a message naming the holder. On taking the lock, a set of outputs left half-renamed by
    a killed build is completed first.
    """
    import fcntl

    path = folder / LOCK_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise _write_error(path, error) from error
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(path)
                if time.monotonic() >= deadline:
                    raise UserError(
                        f"another build ({holder}) is writing into {folder}, and has been for over "
                        f"{wait:.0f} s. Wait for it to finish, or build into another folder with -o."
                    ) from None
                if not told and progress is not None:
                    progress(f"Waiting for another build ({holder}) to finish writing into {folder}")
                    told = True
                time.sleep(0.1)
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        _roll_forward(folder)
        yield
    finally:
        os.close(handle)  # releases the lock


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        pid = ""
    return f"process {pid}" if pid.isdigit() else "another process"
