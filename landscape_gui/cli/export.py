"""``export``: a scenario or preset rendered offscreen to MP4, GIF, WebM or a folder of PNG frames."""

from __future__ import annotations

import contextlib
import sys

from landscape_gui.cli.common import PROG, UsageError, add_setting_options, load_source, settings_from_args


def cmd_export(args) -> int:
    """``export SOURCE -o OUT``: a scenario file or preset id rendered offscreen to a video, GIF or PNG folder.

    Ctrl+C, SIGTERM or SIGHUP (the terminal closed) stops it between two frames (never inside GL code):
    nothing is left behind, the message says so and the exit status is 130, 143 or 129 (see
    :mod:`landscape_gui.export.interrupt`).
    """
    from landscape_gui.export.interrupt import InterruptFlag

    with InterruptFlag() as stop:
        try:
            return _export(args, stop)
        except ExportInterrupted:
            _say(f"{PROG}: export interrupted: nothing was written")
            return stop.exit_status


def _say(line: str) -> None:
    """One line on stderr, if there is still somewhere to write it (after SIGHUP the terminal is gone)."""
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)


def _quiet(bar):
    """The progress bar, drawn while it can be: a terminal that went away stops the drawing, not the export
    (the SIGHUP that comes with it stops the export between two frames)."""

    def progress(done: int, total: int) -> None:
        with contextlib.suppress(OSError, ValueError):
            bar(done, total)

    return progress


class ExportInterrupted(Exception):
    """SIGINT/SIGTERM/SIGHUP arrived during an export (after clean-up)."""


def _export(args, stop) -> int:
    from dataclasses import replace
    from pathlib import Path

    from landscape_gui.core.scenario.model import ExportSettings, ViewSettings
    from landscape_gui.export.headless import DisplayError, ProgressBar, private_display
    from landscape_gui.export.writers import ExportCancelled, ExportError, check_output, format_for

    scenario = load_source(args.source)
    settings = settings_from_args(args, ExportSettings, EXPORT_OPTIONS)
    view = settings_from_args(args, ViewSettings, VIEW_OPTIONS)
    if args.camera is not None:
        view["camera"] = camera_from_text(args.camera, scenario.view.camera)
    if view:
        scenario = replace(scenario, view=replace(scenario.view, **view))
    try:
        from landscape_gui.export.exporter import export_scenario, export_settings

        export_settings(scenario.export, scenario.steps, **settings)  # bad settings: before any display
        check_output(args.output, format_for(args.output), args.force)
        if stop:
            raise ExportInterrupted
        private_display()

        bar = ProgressBar(Path(args.output).name)
        try:
            out = export_scenario(
                scenario, args.output, force=args.force, progress=_quiet(bar), cancel=stop.is_set, **settings
            )
        finally:
            with contextlib.suppress(OSError, ValueError):
                bar.end()
    except (ExportError, DisplayError) as e:
        if stop:  # cancelled, or a child (ffmpeg) that got the terminal's Ctrl+C too: either way, interrupted
            raise ExportInterrupted from None
        if isinstance(e, ExportCancelled):
            raise
        raise UsageError(str(e)) from None
    with contextlib.suppress(OSError, ValueError) if stop else contextlib.nullcontext():
        print(f"wrote {out} in {bar.elapsed:.1f} s", flush=True)
    if stop:  # the signal came after the last frame was moved into place: the file is whole
        _say(f"{PROG}: interrupted after {out} was complete")
        return stop.exit_status
    return 0


#: The export's own settings and the view's that the command line sets (each declared once, in the core).
EXPORT_OPTIONS = ("size", "fps", "duration", "steps_per_frame", "orbit", "view", "overlays")
VIEW_OPTIONS = ("theme", "trail_steps")


def camera_from_text(text: str, base=None):
    """``--camera ELEVATION,AZIMUTH[,DISTANCE]`` as a :class:`~landscape_gui.core.scenario.model.Camera`, each
    number read and checked by its declaration; the rest (centre, a distance not given) from ``base``, the
    scenario's camera, or the default camera's."""
    from dataclasses import replace

    from landscape_gui.core.scenario.declarations import SettingError, from_text
    from landscape_gui.core.scenario.model import Camera
    from landscape_gui.drawing.scene_space import CAMERA

    parts = [p.strip() for p in text.split(",")]
    if not 2 <= len(parts) <= 3:
        raise UsageError(f"--camera: expected ELEVATION,AZIMUTH or ELEVATION,AZIMUTH,DISTANCE, got {text!r}")
    try:
        values = {
            n: from_text(Camera, n, t)
            for n, t in zip(("elevation", "azimuth", "distance"), parts, strict=False)
        }
    except SettingError as e:
        raise UsageError(f"--camera: {e}") from None
    return replace(base or Camera(distance=CAMERA["distance"], center=CAMERA["center"]), **values)


def register(sub) -> None:
    from landscape_gui.core.scenario.model import ExportSettings, ViewSettings

    p = sub.add_parser(
        "export", help="render a scenario or preset to MP4, GIF, WebM or a folder of PNG frames"
    )
    p.add_argument("source", metavar="SOURCE", help="a scenario file (.toml) or a preset id (see 'presets')")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="OUT's extension decides the format, whatever the scenario's [export] format says: .mp4, .gif, "
        ".webm, or a folder name (not ending in .png) for PNG frames",
    )
    add_setting_options(p, ExportSettings, EXPORT_OPTIONS, exclusive=("duration", "steps_per_frame"))
    add_setting_options(p, ViewSettings, VIEW_OPTIONS)
    p.add_argument(
        "--camera",
        metavar="ELEV,AZIM[,DIST]",
        help="the 3D camera: degrees above the floor, degrees around the vertical axis, and optionally its "
        "distance (e.g. 60,-90; default: the scenario's, or the landscape's: from azimuth -62, as high as it "
        "takes to see a valley's floor)",
    )
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.set_defaults(func=cmd_export)
