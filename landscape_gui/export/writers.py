"""Frame writers: MP4 (H.264), WebM (VP9), looping GIF and a folder of PNG frames.

A writer takes RGB frames (``uint8`` arrays of shape (height, width, 3), all the size it was opened with) and
encodes them **on a background thread** fed through a bounded queue, so the caller renders the next frame while
the previous ones are encoded (for video the encoder is also a separate ffmpeg process). Opened with
``pixels="bgrx"`` it takes (height, width, 4) frames of blue, green, red and an unused byte instead — how Qt's
``Format_RGB32`` images lie in a little-endian machine's memory — so that the renderer hands its images over
as they are, and ``write(frame, copy=False)`` queues the caller's array itself (which must not change after). Use it as a context
manager (:func:`landscape_gui.export.formats.open_writer` picks the writer for a file name)::

    with open_writer("clip.mp4", (640, 480), fps=30) as w:
        for frame in frames:
            w.write(frame)

**Atomic output.** Everything is written to a hidden temporary file (or folder) next to the output and moved
into place with one ``os.replace``/``os.rename`` only when the last frame is encoded. A cancelled export
(:meth:`FrameWriter.abort`, or an exception inside the ``with`` block) or a failed one (full disk, unwritable
folder, ffmpeg error) leaves nothing at the output path and no temporary file; failures raise
:class:`ExportError` with one line saying why. An existing output is refused unless ``force=True``; a folder
is only ever replaced when it holds nothing but the frames an export writes (``frame_00000.png`` …, see
:func:`frame_name`), so ``--force`` can never delete other files, PNG images included. Outputs are regular
files and folders only: a symbolic link, a FIFO, a socket or a device at the output path is refused, never
followed or written into, ``force`` or not.

**Video** is encoded by the ffmpeg binary that the imageio-ffmpeg wheel carries (nothing is downloaded),
driven directly so that its exit status and error message are checked: H.264 ``yuv420p`` (plays everywhere;
width and height must be even) with ``-movflags +faststart``; VP9 in WebM with constant quality.

**GIF** uses one global palette, quantised from frames sampled over the whole clip, then applied to every
frame without dithering: colours are stable from frame to frame and encoding is fast. Since the palette
needs the whole clip, frames are spooled to a temporary file as they arrive and quantised at the end (still
on the writer thread). Each frame is stored as the rectangle that changed since the previous one; a frame
identical to the previous one is still written (as a 1×1 patch), so the file has exactly one GIF frame per
frame written. GIF delays are in hundredths of a second: they alternate (3 and 4 cs at 30 fps) so that frame
i starts at round(100·i / fps) and the clip lasts exactly frames / fps (browsers slow down delays below
2/100 s, so GIFs above 50 fps play at 50 fps).
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np

from landscape_gui.export.atomic import move_no_replace, partial_prefix, remove_stale_partials

__all__ = [
    "FORMATS",
    "PIXELS",
    "ExportCancelled",
    "ExportError",
    "FrameWriter",
    "check_output",
    "ffmpeg_exe",
    "format_for",
    "frame_name",
]

#: Output formats by extension; anything else (no extension, or an existing folder) is a PNG folder.
FORMATS = {".mp4": "mp4", ".webm": "webm", ".gif": "gif"}
#: The pixel layouts a writer takes, with their bytes per pixel (see the module docstring).
PIXELS = {"rgb": 3, "bgrx": 4}
#: The names :func:`frame_name` gives: the only files ``--force`` may replace in a folder of PNG frames.
FRAME_NAME = re.compile(r"frame_\d{5,}\.png")


def frame_name(index: int) -> str:
    """The file name of frame ``index`` (0-based) in a folder of PNG frames: ``frame_00042.png``."""
    return f"frame_{index:05d}.png"


class ExportError(Exception):
    """An export that could not be done; ``str(error)`` is one line saying why."""


class ExportCancelled(ExportError):
    """The user cancelled the export; nothing was left behind."""


def format_for(out: str | os.PathLike) -> str:
    """``mp4``, ``webm``, ``gif`` by extension; ``png`` for a folder (an existing one, or a name without one)."""
    p = Path(out)
    ext = p.suffix.lower()
    if ext in FORMATS and not p.is_dir():
        return FORMATS[ext]
    if ext == ".png":  # one name for a whole folder of frames would read as one image
        raise ExportError(
            f"{p.name}: PNG frames are written into a folder; give a folder name without .png "
            f"(e.g. {p.stem or 'frames'}), or .mp4, .gif, .webm for one file"
        )
    if ext in ("", ".frames") or p.is_dir() or str(out).endswith(os.sep):
        return "png"
    raise ExportError(
        f"{p.name}: unknown output format '{ext}' (use .mp4, .gif, .webm or a folder for PNG frames)"
    )


def _is_frames_folder(p: Path) -> bool:
    """Whether ``p`` holds nothing but frames an export wrote (regular files named as :func:`frame_name`)."""
    return all(FRAME_NAME.fullmatch(c.name) and c.is_file() and not c.is_symlink() for c in p.iterdir())


def check_output(out: str | os.PathLike, fmt: str, force: bool = False) -> Path:
    """Refuse an output that exists (unless ``force``), that is not a regular file or folder (a symbolic
    link, a FIFO, a device: never, ``force`` or not), or whose folder cannot take it; return it as a Path."""
    p = Path(out)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {p}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {p}: folder {folder} is not writable")
    if p.is_symlink():
        raise ExportError(f"{p} is a symbolic link: not following it (give the path it points to)")
    if p.exists() and not (p.is_file() or p.is_dir()):
        raise ExportError(f"{p} is not a regular file (a FIFO, socket or device): not writing to it")
    if p.exists():
        if fmt == "png":
            if not p.is_dir():
                raise ExportError(f"{p} exists and is not a folder (PNG frames need a folder)")
            if any(p.iterdir()):
                if not _is_frames_folder(p):
                    raise ExportError(
                        f"{p} holds other files than the frames an export writes (frame_00000.png …): "
                        "not replacing it"
                    )
                if not force:
                    raise ExportError(f"{p} already holds PNG frames (use --force to replace them)")
        else:
            if p.is_dir():
                raise ExportError(f"{p} is a folder; give a file name ending in .{fmt.split('-')[0]}")
            if not force:
                raise ExportError(f"{p} already exists (use --force to overwrite it)")
    return p


def ffmpeg_exe() -> str:
    """The ffmpeg binary carried by the imageio-ffmpeg wheel."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _why(e: OSError) -> str:
    return e.strerror or str(e)


class FrameWriter:
    """Base class: queue, background thread, temporary output, commit or clean-up. See the module docstring."""

    fmt = ""

    def __init__(
        self,
        out: str | os.PathLike,
        size: tuple[int, int],
        fps: int,
        *,
        force: bool = False,
        queue_frames: int = 6,
        pixels: str = "rgb",
    ):
        self.out = check_output(out, self.fmt, force)
        self.force = force
        self._existed = self.out.exists()  # an empty folder (PNG frames) may be there from the start
        self.size = (int(size[0]), int(size[1]))
        self.fps = int(fps)
        if self.size[0] < 1 or self.size[1] < 1 or self.fps < 1:
            raise ExportError(f"bad size {self.size} or fps {fps}")
        if pixels not in PIXELS:
            raise ExportError(f"unknown pixel layout {pixels!r} (known: {', '.join(PIXELS)})")
        self.pixels = pixels
        self._queue: queue.Queue = queue.Queue(maxsize=queue_frames)
        self._error: BaseException | None = None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames_written = 0
        self.tmp: Path | None = None

    # -- subclass hooks (run on the writer thread, except _create) -------------------------------------------
    def _create(self) -> Path:
        fd, name = tempfile.mkstemp(
            prefix=partial_prefix(self.out),
            suffix=self.out.suffix,
            dir=self.out.parent if str(self.out.parent) else ".",
        )
        os.close(fd)
        return Path(name)

    def _begin(self) -> None: ...

    def _encode(self, frame: np.ndarray) -> None:
        raise NotImplementedError

    def _finish(self) -> None: ...

    def _kill(self) -> None:
        """Stop any external process (cancel or error)."""

    def _remove_tmp(self) -> None:
        if self.tmp is not None and (self.tmp.exists() or self.tmp.is_symlink()):
            if self.tmp.is_dir():
                shutil.rmtree(self.tmp, ignore_errors=True)
            else:
                self.tmp.unlink(missing_ok=True)

    def _commit(self) -> None:
        """Move the finished output into place; without ``force``, never over one that appeared meanwhile."""
        assert self.tmp is not None  # made by start()
        if self.force:
            os.replace(self.tmp, self.out)
        else:
            self._move_no_replace()

    def _move_no_replace(self) -> None:
        assert self.tmp is not None  # made by start()
        try:
            move_no_replace(self.tmp, self.out)
        except FileExistsError:
            raise ExportError(
                f"{self.out} appeared while exporting (another export to the same name?): not replaced "
                "(use --force to overwrite it)"
            ) from None

    def _publish_mode(self) -> None:
        """Give the temporary output the permissions a new file would get (mkstemp makes it private)."""
        assert self.tmp is not None  # made by start()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, (0o777 if self.tmp.is_dir() else 0o666) & ~umask)

    # -- public API -----------------------------------------------------------------------------------------
    def start(self) -> FrameWriter:
        remove_stale_partials(self.out)  # left by an export that was killed
        try:
            self.tmp = self._create()
        except OSError as e:
            raise ExportError(f"cannot write {self.out}: {_why(e)}") from None
        self._thread = threading.Thread(target=self._loop, name=f"{self.fmt}-writer", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        try:
            self._begin()
            while True:
                frame = self._queue.get()
                if frame is None or self._cancel.is_set():
                    break
                self._encode(frame)
            if not self._cancel.is_set():
                self._finish()
        except BaseException as e:  # noqa: BLE001 - reported to the caller by write()/close()
            self._error = e
            self._kill()
            while True:  # unblock a producer waiting on a full queue
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break

    def _raise_error(self) -> None:
        e = self._error
        if isinstance(e, ExportError):
            raise e
        if isinstance(e, OSError):
            raise ExportError(f"cannot write {self.out}: {_why(e)}") from None
        raise ExportError(f"cannot write {self.out}: {type(e).__name__}: {e}") from None

    def write(self, frame: np.ndarray, *, copy: bool = True) -> None:
        """Queue one frame (copied, unless ``copy=False``: then it must not change until it is encoded); blocks
        while the queue is full. Raises the writer's error, if any."""
        if self._thread is None:
            self.start()
        frame = np.asarray(frame)
        if frame.shape != (self.size[1], self.size[0], PIXELS[self.pixels]) or frame.dtype != np.uint8:
            self.abort()
            raise ExportError(
                f"frame {self.frames_written}: expected a {self.size[0]}×{self.size[1]} "
                f"{self.pixels.upper()} uint8 image, got shape {frame.shape} {frame.dtype}"
            )
        frame = np.ascontiguousarray(frame)
        if copy:
            frame = frame.copy()
        while True:
            if self._error is not None:
                self.abort()
                self._raise_error()
            try:
                self._queue.put(frame, timeout=0.1)
                break
            except queue.Full:
                continue
        self.frames_written += 1

    def close(self, cancel: Callable[[], bool] | None = None) -> Path:
        """Encode what is queued, move the result into place and return its path.

        ``cancel()`` is polled while the encoder finishes and once more just before the move: when it turns
        True, everything is removed and :class:`ExportCancelled` raised.
        """
        if self._thread is None:
            self.start()
        while True:  # a full queue: wait for the writer (or its failure), still listening to cancel
            try:
                self._queue.put(None, timeout=0.05)
                break
            except queue.Full:
                if cancel is not None and cancel():
                    break
        assert self._thread is not None  # start() made it
        while self._thread.is_alive():
            if cancel is not None and cancel():
                break
            self._thread.join(timeout=0.05)
        if cancel is not None and cancel():
            self.abort()
            raise ExportCancelled("export cancelled: nothing was written")
        if self._error is None and self.frames_written == 0:
            self._error = ExportError(f"no frames to write to {self.out}")
        if self._error is not None:
            self._remove_tmp()
            self._raise_error()
        try:
            self._publish_mode()
            self._commit()
        except ExportError:
            self._remove_tmp()
            raise
        except OSError as e:
            self._remove_tmp()
            raise ExportError(f"cannot write {self.out}: {_why(e)}") from None
        return self.out

    def abort(self) -> None:
        """Stop encoding and remove everything written so far (the output path is left untouched)."""
        self._cancel.set()
        self._kill()
        if self._thread is not None:
            while self._thread.is_alive():
                try:
                    self._queue.put(None, timeout=0.05)
                except queue.Full:
                    with contextlib.suppress(queue.Empty):
                        self._queue.get_nowait()
                self._thread.join(timeout=0.05)
        self._remove_tmp()

    def __enter__(self) -> FrameWriter:
        return self.start()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> Literal[False]:
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False
