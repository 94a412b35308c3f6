"""``basins``: where runs from a grid of starts end, as a PNG map and the shares."""

from __future__ import annotations

import json

from landscape_gui.cli.analysis import add_analysis_args, analysis_inputs, basins_json, basins_text, tolerance
from landscape_gui.cli.common import PROG, UsageError
from landscape_gui.core.limits import shorten

#: The application QPainter's fonts need, kept alive while the command runs.
_app = None


def cmd_basins(args) -> int:
    from landscape_gui.core.analysis.basins import MAX_GRID, basin_map

    inputs = analysis_inputs(args)
    section = inputs.scenario.basins if inputs.scenario is not None else None
    tol = tolerance(args, section)
    grid = args.grid if args.grid is not None else (section.grid if section is not None else 200)
    if not 2 <= grid <= MAX_GRID:
        raise UsageError(f"--grid must be from 2 to {MAX_GRID} starts per axis, not {grid}")
    out = _check_output(args.output, args.force)
    problem = inputs.problem(tol)
    too_much = problem.check_work(grid**inputs.landscape.dim)
    if too_much:
        raise UsageError(f"--grid {grid}: {too_much}; use a smaller --grid or fewer --steps")
    m = basin_map(problem, grid, retire=not args.no_retire)
    global _app
    from landscape_gui.drawing.qt_app import painting_app

    _app = painting_app([PROG])
    from landscape_gui.drawing.basin_image import render_basin_image

    _write_png(render_basin_image(m), out, args.force)
    if args.format == "json":
        print(json.dumps(basins_json(m, inputs.function)))
    else:
        print(basins_text(m, str(out)))
    return 0


def _check_output(output: str, force: bool):
    """``-o``, checked as an export checks its output before any work: a .png in a folder that exists, not
    there yet unless ``--force``, and a regular file (never a symbolic link, a FIFO or a device)."""
    from pathlib import Path

    from landscape_gui.export.writers import ExportError, check_output

    out = Path(output)
    if out.suffix.lower() != ".png":
        raise UsageError(f"bad -o {shorten(output)!r}: the basin map is written as a PNG image (OUT.png)")
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise UsageError(f"bad -o {shorten(output)!r}: no folder {shorten(str(out.parent))!r}")
    try:
        return check_output(out, "png-file", force)
    except ExportError as e:
        raise UsageError(str(e)) from None


def _write_png(image, out, force: bool) -> None:
    """The image's PNG bytes written as exports write (:func:`landscape_gui.export.atomic.write_atomically`):
    all of it or nothing, never over a file that appeared meanwhile unless ``--force``."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from landscape_gui.export.atomic import write_atomically

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise UsageError(f"cannot write {out}: the map could not be encoded as PNG")
    buffer.close()
    try:
        write_atomically(out, bytes(data.data()), force=force)
    except FileExistsError:
        raise UsageError(f"{out} appeared meanwhile: not replaced (use --force to overwrite it)") from None
    except OSError as e:
        raise UsageError(f"cannot write {out}: {e.strerror or e}; nothing was written") from None


def register(sub) -> None:
    p = sub.add_parser(
        "basins", help="basins of attraction: where runs from a grid of starts end (PNG map + shares)"
    )
    add_analysis_args(p)
    p.add_argument("--grid", type=int, metavar="N", help="starts per axis (default 200)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.png", help="the map, as a PNG")
    p.add_argument("--force", action="store_true", help="overwrite OUT.png if it exists")
    p.add_argument("--no-retire", action="store_true", help="step every start to the end (checking)")
    p.set_defaults(func=cmd_basins)
