"""Moving a finished export into place without replacing what appeared meanwhile, and cleaning up after
exports that were killed.

**No replace.** An export checks its output path when it starts and moves the finished file (or PNG
folder) there at the end. Another export to the same new path may finish in between: without ``--force``
the final move must then fail rather than silently replace it. :func:`move_no_replace` uses Linux's
``renameat2(RENAME_NOREPLACE)`` (one atomic step, files and folders); where that is missing it falls back
to ``os.link`` + ``unlink`` for a file (the link fails if the name exists) and to claiming the name with
``os.mkdir`` then renaming over that empty folder for a folder.

**Whole files.** :func:`write_atomically` writes one file's bytes (a basin map, a single image) the same way:
to a hidden temporary file next to it, flushed to the disk, then moved into place without replacing (or, with
``force``, replacing) what is there. Whatever goes wrong — a full disk, Ctrl+C — the temporary file is
removed and the output is left as it was.

**Stale partial files.** A temporary output is named ``.NAME.partial-PID-XXXX`` (PID: the exporting
process). SIGKILL, a power cut or an OOM kill leaves it behind; :func:`remove_stale_partials` (called when
the next export to ``NAME`` starts) removes those whose process is gone, and never one of a running export.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import re
import shutil
import time
from pathlib import Path

RENAME_NOREPLACE = 1
AT_FDCWD = -100
#: A partial file without a PID in its name (written by an older version) counts as stale after this.
LEGACY_STALE_S = 3600.0


def partial_prefix(out: Path) -> str:
    """Prefix of the temporary output of ``out`` written by this process."""
    return f".{out.name}.partial-{os.getpid()}-"


def _renameat2():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _renameat2() if os.name == "posix" else None


def move_no_replace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``; ``FileExistsError`` if ``dst`` exists (even if it appeared a moment ago)."""
    if _RENAMEAT2 is not None:
        if _RENAMEAT2(AT_FDCWD, os.fsencode(src), AT_FDCWD, os.fsencode(dst), RENAME_NOREPLACE) == 0:
            return
        err = ctypes.get_errno()
        if err == errno.EEXIST:
            raise FileExistsError(err, os.strerror(err), str(dst))
        if err not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise OSError(err, os.strerror(err), str(dst))
    if src.is_dir():
        os.mkdir(dst)  # FileExistsError when taken; the name is ours from here on
        try:
            os.rename(src, dst)  # replaces only the empty folder just made
        except OSError:
            with contextlib.suppress(OSError):
                os.rmdir(dst)
            raise
        return
    os.link(src, dst)  # FileExistsError when taken
    os.unlink(src)


def write_atomically(out: str | os.PathLike, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``out`` through a temporary file (see the module docstring); return ``out``.

    Raises ``FileExistsError`` when ``out`` exists (or appeared meanwhile) and ``force`` is False, and the
    ``OSError`` of a failed write (``ENOSPC``, ``EFBIG``, ...); on any exception, ``KeyboardInterrupt``
    included, nothing of this write is left behind.
    """
    import tempfile

    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    remove_stale_partials(out)
    fd, name = tempfile.mkstemp(prefix=partial_prefix(out), suffix=out.suffix, dir=folder)
    tmp = Path(name)
    try:
        try:
            view = memoryview(data).cast("B")
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)  # a full disk can first show here (delayed allocation)
        finally:
            os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private: the mode a new file would get
        if force:
            os.replace(tmp, out)
        else:
            move_no_replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return out


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_stale_partials(out: Path) -> list[Path]:
    """Remove the hidden ``.NAME.partial-*`` files/folders of ``out`` left by exports that no longer run."""
    folder = out.parent if str(out.parent) else Path(".")
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.partial-(?:(\d+)-)?")
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    now = time.time()
    for p in entries:
        m = pattern.match(p.name)
        if not m:
            continue
        try:
            if m.group(1) is not None:
                if _alive(int(m.group(1))):
                    continue
            elif now - p.lstat().st_mtime < LEGACY_STALE_S:
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
            removed.append(p)
        except OSError:
            continue
    return removed
