"""Export a scenario as a video, a GIF or a folder of PNG frames: renderer + writer, with progress and cancel.

The output is checked first (an existing file is refused unless ``force``; see
:func:`~landscape_gui.export.writers.check_output`), so nothing is rendered for an export that cannot be
written. Frames are rendered on the calling thread (GL needs the GUI thread) and encoded on the writer's
thread; a cancelled or failed export leaves nothing at the output path.

For example ``export_scenario(load_preset("double-well"), "dw.gif", size=(320, 240), fps=10, duration=1)``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from landscape_gui.core.scenario.declarations import SettingError, check_changes
from landscape_gui.core.scenario.files import ExportSettings, Scenario
from landscape_gui.export.atomic import move_no_replace, partial_prefix, remove_stale_partials
from landscape_gui.export.formats import open_writer
from landscape_gui.export.writers import ExportCancelled, ExportError, format_for

__all__ = ["ExportJob", "export_image", "export_scenario", "export_settings"]


def export_settings(
    base: ExportSettings,
    steps: int,
    *,
    fmt: str | None = None,
    duration: float | None = None,
    steps_per_frame: int | None = None,
    **changes,
) -> ExportSettings:
    """``base`` with the given settings replaced (None: kept), each checked by its declaration
    (:class:`~landscape_gui.core.scenario.model.ExportSettings`: the ranges a scenario file has), the clip's
    length set one way (a duration replaces steps per frame and the other way round) and its frame count
    bounded. A setting refused raises :class:`ExportError` with the declaration's one-line message."""
    changes = {k: v for k, v in changes.items() if v is not None}
    if fmt is not None:
        changes["format"] = fmt
    try:
        settings = check_changes(
            base.with_length(duration=duration, steps_per_frame=steps_per_frame), **changes
        )
        return settings.for_steps(steps)
    except SettingError as e:
        raise ExportError(str(e)) from None


class ExportJob:
    """One export, one frame at a time: ``while job.step(): ...; job.finish()`` (or ``job.abort()``)."""

    def __init__(
        self,
        scenario: Scenario,
        out: str | os.PathLike,
        *,
        force: bool = False,
        landscape=None,
        cancel: Callable[[], bool] | None = None,
        trained=None,
        **settings,
    ):
        """``cancel``: stops a trained network's training (the frames check it between frames); ``trained``: its
        plane and surface when the window already has them (see :class:`~landscape_gui.export.training.
        TrainingRenderer`)."""
        from landscape_gui.drawing.qt_app import ensure_app
        from landscape_gui.export.render import FRAME_PIXELS, FrameRenderer
        from landscape_gui.export.training import TrainingRenderer

        # Qt first, on this thread: PySide6's first import walks sys.modules, and the writer thread (started
        # below) importing imageio-ffmpeg at the same moment made it fail ("dictionary changed size during
        # iteration", then a fatal error: 1 export in ~50 in the signal stress test)
        ensure_app()
        fmt = format_for(out)
        self.scenario = scenario
        self.settings = export_settings(scenario.export, scenario.steps, fmt=fmt, **settings)
        self.writer = open_writer(
            out, self.settings.size, self.settings.fps, force=force, fmt=fmt, pixels=FRAME_PIXELS
        )
        self.out = self.writer.out
        self.writer.start()
        try:
            self.renderer: FrameRenderer | TrainingRenderer
            if scenario.training is None:
                self.renderer = FrameRenderer(scenario, self.settings, landscape=landscape)
            else:  # the trained network
                self.renderer = TrainingRenderer(
                    scenario, self.settings, landscape=landscape, cancel=cancel, trained=trained
                )
        except BaseException:
            self.writer.abort()
            raise
        self.total = self.renderer.total
        self.done = 0

    def step(self) -> bool:
        """Render and queue the next frame; False once every frame is queued."""
        from landscape_gui.export.render import frame_pixels

        if self.done < self.total:
            # the frame's own memory goes to the encoder: it is a new image for every frame, never painted again
            self.writer.write(frame_pixels(self.renderer.frame(self.done)), copy=False)
            self.done += 1
        return self.done < self.total

    def finish(self, cancel: Callable[[], bool] | None = None) -> Path:
        """Wait for the encoder and move the file into place (unless ``cancel()`` turns True before)."""
        try:
            return self.writer.close(cancel)
        finally:
            self.renderer.close()

    def abort(self) -> None:
        """Stop and remove everything written (safe to call more than once)."""
        self.writer.abort()
        self.renderer.close()


def export_scenario(
    scenario: Scenario,
    out: str | os.PathLike,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    **settings,
) -> Path:
    """Export ``scenario`` to ``out`` (format by extension; a folder for PNG frames) and return its path.

    ``settings`` override the scenario's export settings (``size``, ``fps``, ``duration``,
    ``steps_per_frame``, ``orbit``, ``overlays``, ``view``). ``progress(done, total)`` is called after each frame;
    ``cancel()`` returning True stops the export with :class:`ExportCancelled`, leaving nothing behind.
    """
    job = ExportJob(scenario, out, force=force, cancel=cancel, **settings)
    try:
        while True:
            if cancel is not None and cancel():
                raise ExportCancelled("export cancelled: nothing was written")
            more = job.step()
            if progress is not None:
                progress(job.done, job.total)
            if not more:
                break
        path = job.finish(cancel)
        if progress is not None:
            progress(job.total, job.total)
        return path
    except BaseException:
        job.abort()
        raise


def export_image(
    scenario: Scenario,
    out: str | os.PathLike,
    size: tuple[int, int],
    *,
    step: int | None = None,
    force: bool = False,
    overlays: tuple[str, ...] = (),
    view: str | None = None,
) -> Path:
    """One PNG of the scenario's view (or ``view``) at any size, after ``step`` steps (default: all), written
    atomically."""
    import tempfile

    from PIL import Image

    from landscape_gui.export.render import FrameRenderer
    from landscape_gui.export.training import TrainingRenderer
    from landscape_gui.export.writers import check_output

    p = Path(out)
    if p.suffix.lower() != ".png":
        raise ExportError(f"{p.name}: an image is saved as .png")
    check_output(p, "png-file", force)
    # a trained network's image is its whole training (the window's step counts its landscape's runs)
    steps = scenario.steps if step is None or scenario.training is not None else int(step)
    s = replace(scenario, steps=steps)
    settings = export_settings(
        scenario.export, steps, size=size, steps_per_frame=max(1, steps), overlays=overlays, view=view
    )
    renderer = (FrameRenderer if s.training is None else TrainingRenderer)(s, settings)
    try:
        frame = None
        for frame in renderer.frames():  # noqa: B007 - the last one is the picture
            pass
    finally:
        renderer.close()
    remove_stale_partials(p)
    fd, tmp = tempfile.mkstemp(
        prefix=partial_prefix(p), suffix=".png", dir=p.parent if str(p.parent) else "."
    )
    os.close(fd)
    assert frame is not None  # the renderer gives step 0's frame at least
    try:
        Image.fromarray(frame).save(tmp, format="PNG")
        if force:
            os.replace(tmp, p)
        else:
            move_no_replace(Path(tmp), p)
    except FileExistsError:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(
            f"{p} appeared while exporting: not replaced (use --force to overwrite it)"
        ) from None
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {p}: {e.strerror or e}") from None
    return p
