"""Which writer encodes which format: the registry above the writer base (:mod:`.writers`) and its kinds
(:mod:`.encoders`)."""

from __future__ import annotations

import os

from landscape_gui.export.encoders import FFmpegWriter, GifWriter, PngFolderWriter, WebmWriter
from landscape_gui.export.writers import FrameWriter, format_for

__all__ = ["WRITERS", "open_writer"]

WRITERS: dict[str, type[FrameWriter]] = {
    "mp4": FFmpegWriter,
    "webm": WebmWriter,
    "gif": GifWriter,
    "png": PngFolderWriter,
}


def open_writer(
    out: str | os.PathLike,
    size: tuple[int, int],
    fps: int,
    *,
    force: bool = False,
    fmt: str | None = None,
    pixels: str = "rgb",
) -> FrameWriter:
    """The writer for ``out``'s format (by extension unless ``fmt`` is given) taking frames laid out as
    ``pixels`` (``rgb`` or ``bgrx``, see :mod:`.writers`); not started yet."""
    fmt = fmt or format_for(out)
    return WRITERS[fmt](out, size, fps, force=force, pixels=pixels)
