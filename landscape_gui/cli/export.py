"""``export``: a scenario or preset rendered offscreen to MP4, GIF, WebM or a folder of PNG frames."""

from __future__ import annotations

import sys

from landscape_gui.cli.common import PROG, UsageError, load_source, parse_size


def cmd_export(args) -> int:
    """``export SOURCE -o OUT``: a scenario file or preset id rendered offscreen to a video, GIF or PNG folder.

    Ctrl+C or SIGTERM stops it between two frames (never inside GL code): nothing is left behind, the
    message says so and the exit status is 130 or 143 (see :mod:`landscape_gui.export.interrupt`).
    """
    from landscape_gui.export.interrupt import InterruptFlag

    with InterruptFlag() as stop:
        try:
            return _export(args, stop)
        except ExportInterrupted:
            print(f"{PROG}: export interrupted: nothing was written", file=sys.stderr)
            return stop.exit_status


class ExportInterrupted(Exception):
    """SIGINT/SIGTERM arrived during an export (after clean-up)."""


def _export(args, stop) -> int:
    from pathlib import Path

    from landscape_gui.export.headless import DisplayError, ProgressBar, private_display
    from landscape_gui.export.writers import ExportCancelled, ExportError, check_output, format_for

    scenario = load_source(args.source)
    settings = {
        "size": parse_size(args.size) if args.size else None,
        "fps": args.fps,
        "duration": args.duration,
        "steps_per_frame": args.steps_per_frame,
        "orbit": args.orbit,
        "view": args.view,
    }
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
                scenario, args.output, force=args.force, progress=bar, cancel=stop.is_set, **settings
            )
        finally:
            bar.end()
    except (ExportError, DisplayError) as e:
        if stop:  # cancelled, or a child (ffmpeg) that got the terminal's Ctrl+C too: either way, interrupted
            raise ExportInterrupted from None
        if isinstance(e, ExportCancelled):
            raise
        raise UsageError(str(e)) from None
    print(f"wrote {out} in {bar.elapsed:.1f} s", flush=True)
    if stop:  # the signal came after the last frame was moved into place: the file is whole
        print(f"{PROG}: interrupted after {out} was complete", file=sys.stderr)
        return stop.exit_status
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "export", help="render a scenario or preset to MP4, GIF, WebM or a folder of PNG frames"
    )
    p.add_argument("source", metavar="SOURCE", help="a scenario file (.toml) or a preset id (see 'presets')")
    p.add_argument(
        "-o", "--output", required=True, metavar="OUT", help=".mp4, .gif, .webm, or a folder for PNGs"
    )
    from landscape_gui.core.scenario.model import ExportSettings

    d = ExportSettings()  # what a scenario without an [export] setting gets: the defaults said below
    p.add_argument(
        "--size",
        metavar="WxH",
        help=f"frame size in pixels (default: the scenario's, else {d.size[0]}x{d.size[1]})",
    )
    p.add_argument(
        "--fps", type=int, metavar="N", help=f"frames per second (default: the scenario's, else {d.fps})"
    )
    length = p.add_mutually_exclusive_group()
    length.add_argument(
        "--duration",
        type=float,
        metavar="SECONDS",
        help=f"length of the clip (default: the scenario's, else {d.duration:g})",
    )
    length.add_argument(
        "--steps-per-frame",
        type=int,
        metavar="N",
        help="simulation steps per frame (default: set by the duration)",
    )
    p.add_argument(
        "--orbit",
        type=float,
        metavar="DEGREES",
        help=f"turn the camera this far over the clip (default: the scenario's, else {d.orbit:g})",
    )
    p.add_argument(
        "--view",
        metavar="VIEW",
        help="3d (the default), map (the 2-D map) or composite (3D, map and loss curves)",
    )
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.set_defaults(func=cmd_export)
