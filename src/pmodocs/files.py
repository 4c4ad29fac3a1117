"""Writing one file so that a reader never sees half of it.

The one way pmodocs replaces a file in place: content edits (approve, import, migrate), the
build cache, the publish journal, the preview's pages. A leaf module (standard library only, and
light: the no-op build imports it through the cache).
"""

from __future__ import annotations

import os
import stat
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NoReturn


def write_atomically(path: Path, data: bytes | str, *, durable: bool = False) -> None:
    """Write `data` (text as UTF-8) to `path` through a temporary file beside it and one rename,
    so the file holds either its old bytes or all of the new ones, never a part: an interrupted
    write (a full disk, Ctrl-C, a crash) leaves the old file as it was and no temporary behind.

    The temporary name is unique (two processes may write the same cache object at once) and
    hidden (`.name.….tmp`), so no glob for content or cache files picks it up. A replaced file
    keeps its permission bits; a new one gets the usual ones (0666 less the umask).
    `durable` also flushes the bytes to disk before the rename (the publish journal).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = None
    while True:
        tmp = path.with_name(f".{path.name[:40]}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_scratch: dict[int, Path] = {}
_scratch_lock = threading.Lock()


def scratch_folder() -> Path:
    """This process's private scratch folder (for an engine that reads only files): made on
    first use, removed by `remove_scratch` or when the interpreter exits (a forked worker makes
    its own)."""
    import atexit
    import tempfile

    pid = os.getpid()
    with _scratch_lock:  # the PDF threads ask at the same time
        if pid not in _scratch:
            _scratch[pid] = Path(tempfile.mkdtemp(prefix="pmodocs-scratch-"))
            atexit.register(remove_scratch)
        return _scratch[pid]


def remove_scratch() -> None:
    """Remove this process's scratch folder, if it made one (a process that ends with
    `os._exit`, as the `pmodocs` command does, calls this first: exit handlers do not run)."""
    import shutil

    with _scratch_lock:
        folder = _scratch.pop(os.getpid(), None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def exit_now(code: int) -> NoReturn:
    """End this process with `code` at once, skipping the interpreter's teardown of its heap
    (the `pmodocs` command and the site worker keep what they allocate until they end, so that
    teardown is pure overhead): the scratch folder is removed and the output flushed first,
    since exit handlers do not run. Every file the process wrote must be closed by then."""
    import sys

    remove_scratch()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


@contextmanager
def scratch_file(name: str, data: bytes | str) -> Iterator[Path]:
    """`data` in the file `name` of the scratch folder for the time of the block, then removed
    (so even a process killed outright leaves at most an empty folder behind)."""
    path = scratch_folder() / name
    try:
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        yield path
    finally:
        path.unlink(missing_ok=True)
