"""Publishing a finished build: one build per output folder, staged beside it, swapped in safely.

A build writes everything into a staging folder inside the output folder (same file system, so
renames are atomic), then swaps each published item into place. Before the first swap it writes
a journal naming every new item by inode; if the process dies during the swaps (power loss,
SIGKILL), the next build under the same lock finds the journal and finishes the swap, so the
output folder never stays half old, half new, nor loses an item. Where Linux offers
renameat2(RENAME_EXCHANGE), each swap is a single atomic exchange, so a reader (a web server
serving site/) never sees an item missing even for an instant.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import BuildBusy
from .files import write_atomically

PUBLISHED = ("site_src", "site", "dist", "mkdocs.yml")
"""What a build publishes into the output folder; nothing else there is touched."""

STAGING_PREFIX = ".pmodocs-build-"
JOURNAL = "publish-journal.json"
STAGE_OBSERVERS: list[Callable[[str], None]] = []
"""Called with the name of each publishing stage as it is reached (none in a normal run; the
tests of atomic publishing add one that stops the build there, so it can be killed)."""


def pause_point(stage: str) -> None:
    """Tell each stage observer that `stage` is reached."""
    for observe in STAGE_OBSERVERS:
        observe(stage)


def stage_files(staging: Path, out_dir: Path, files: dict[str, bytes]) -> None:
    """Write `files` (path under the output folder -> bytes) into `staging`. A file whose
    published twin in `out_dir` holds the same bytes is staged as a hard link to that twin
    instead of being written (keep_unchanged then keeps it without reading it again): a rebuild
    writes only the files whose content changed. A path staged before is replaced, never
    written through, since it may be such a link."""
    for rel, data in sorted(files.items()):
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        if not _linked_to_twin(out_dir / rel, target, data):
            target.write_bytes(data)


def _linked_to_twin(old: Path, new: Path, data: bytes) -> bool:
    """Link `new` to the published file `old` if that is a regular file holding `data`."""
    try:
        st = old.lstat()
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data) or old.read_bytes() != data:
            return False
        os.link(old, new)
    except OSError:
        return False  # unreadable, or no link possible here: the file is written anew
    return True


def keep_unchanged(staging: Path, out_dir: Path, published: tuple[str, ...]) -> int:
    """Replace each staged file that is byte-identical to its published twin by a hard link to
    that twin, so the swap keeps its inode and modification time: a rebuild rewrites only the
    files whose content changed. Returns how many files were kept (with those `stage_files`
    linked already, which are not read again)."""
    kept = 0
    for top in published:
        new_top = staging / top
        files = [new_top] if new_top.is_file() else (p for p in new_top.rglob("*") if p.is_file())
        for new in files:
            old = out_dir / new.relative_to(staging)
            try:
                old_st, new_st = old.lstat(), new.stat()
                if os.path.samestat(old_st, new_st):
                    kept += 1
                elif old_st.st_size == new_st.st_size:
                    link = new.with_name(new.name + ".pmodocs-keep")
                    if _linked_to_twin(old, link, new.read_bytes()):
                        os.replace(link, new)
                        kept += 1
            except OSError:
                continue  # a file we cannot link is simply published anew
    return kept


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """One build per output folder at a time; a second one fails at once with a clear message.

    The holder first repairs what an interrupted earlier build left (see `recover`).
    """
    import fcntl

    with open(out_dir / ".pmodocs.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusy(f"another pmodocs build is writing to {out_dir}; wait for it to "
                            "finish and run the build again") from None
        try:
            recover(out_dir)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def staging_dir(out_dir: Path) -> Iterator[Path]:
    """A temporary folder beside the outputs (call under `build_lock`); removed afterwards,
    once any swap that began has been finished."""
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    try:
        yield staging
    finally:
        _finish(staging, out_dir)


def publish(staging: Path, out_dir: Path) -> None:
    """Swap every finished output in `staging` into `out_dir`; the old ones are left in staging."""
    names = [name for name in PUBLISHED if (staging / name).exists()]
    _write_journal(staging, {name: (staging / name).lstat().st_ino for name in names})
    pause_point("publish")
    (staging / ".retired").mkdir(exist_ok=True)
    for name in names:
        _swap(staging / name, out_dir / name, staging / ".retired" / name)
        pause_point(f"published:{name}")
    (staging / JOURNAL).unlink()


def recover(out_dir: Path) -> list[str]:
    """Finish any swap an interrupted build left, remove its staging folders; names what was done."""
    done = []
    for staging in sorted(out_dir.glob(STAGING_PREFIX + "*")):
        if (staging / JOURNAL).is_file():
            _roll_forward(staging, out_dir)
            done.append(f"finished publishing {staging.name}")
        shutil.rmtree(staging, ignore_errors=True)
    return done


def _finish(staging: Path, out_dir: Path) -> None:
    """After a build (or its failure): complete a begun swap, then remove the staging folder."""
    if (staging / JOURNAL).is_file():
        _roll_forward(staging, out_dir)
    shutil.rmtree(staging, ignore_errors=True)


def _roll_forward(staging: Path, out_dir: Path) -> None:
    """Complete the swap recorded in the journal: every new item (known by inode) goes in place.

    The journal is written only once the staging folder holds a complete, checked build, so
    finishing the swap is always right; going back would need the old items, which the swap
    may already have moved.
    """
    items = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    (staging / ".retired").mkdir(exist_ok=True)
    for name, inode in items.items():
        current, new = out_dir / name, staging / name
        if _inode(current) == inode:
            continue  # already swapped
        if _inode(new) == inode:
            _swap(new, current, staging / ".retired" / name)
    (staging / JOURNAL).unlink()


def _inode(path: Path) -> int | None:
    try:
        return path.lstat().st_ino
    except FileNotFoundError:
        return None


def _write_journal(staging: Path, items: dict[str, int]) -> None:
    """Write the journal durably and atomically: it is the promise that the swap will complete."""
    write_atomically(staging / JOURNAL, json.dumps(items), durable=True)
    _fsync_dir(staging)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap(new: Path, current: Path, retired: Path) -> None:
    """Put `new` at `current`, moving what was there to `retired`."""
    if not (current.exists() or current.is_symlink()):
        os.replace(new, current)
    elif exchange(new, current):
        os.replace(new, retired)  # after the exchange, `new` names the old item
    else:
        os.replace(current, retired)
        pause_point(f"between:{current.name}")
        os.replace(new, current)
    _fsync_dir(current.parent)


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2(RENAME_EXCHANGE); False where unsupported."""
    if sys.platform != "linux" or os.environ.get("PMODOCS_NO_EXCHANGE"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # glibc before 2.28, or another C library
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # kernel or file system lacks it
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))
