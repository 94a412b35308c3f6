"""``basins``: where runs from a grid of starts end, as a PNG map and the shares."""

from __future__ import annotations

import json

from landscape_gui.cli.analysis import add_analysis_args, analysis_inputs, basins_json, basins_text, tolerance
from landscape_gui.cli.common import PROG, UsageError

_gui_app = None


def _offscreen_painting() -> None:
    """An application for QPainter's fonts. With a display it is the app's own QApplication (shared GL contexts),
    so the same process can still open OpenGL views afterwards; without one, a QGuiApplication on the offscreen
    platform (no OpenGL is needed to paint a QImage)."""
    global _gui_app
    from PySide6.QtGui import QGuiApplication

    from landscape_gui.gui.app import create_app, has_display

    if QGuiApplication.instance() is not None:
        _gui_app = QGuiApplication.instance()
    elif has_display():
        _gui_app = create_app([PROG])
    else:
        _gui_app = QGuiApplication([PROG, "-platform", "offscreen"])


def cmd_basins(args) -> int:
    from pathlib import Path

    from landscape_gui.core.analysis.basins import MAX_GRID, BasinProblem, basin_map

    landscape, function, oid, params, steps, noise, seed, scenario = analysis_inputs(args)
    section = scenario.basins if scenario is not None else None
    tol = tolerance(args, section)
    grid = args.grid if args.grid is not None else (section.grid if section is not None else 200)
    if not 2 <= grid <= MAX_GRID:
        raise UsageError(f"--grid must be from 2 to {MAX_GRID} starts per axis, not {grid}")
    out = Path(args.output)
    if out.suffix.lower() != ".png":
        raise UsageError(f"bad -o {args.output!r}: the basin map is written as a PNG image (OUT.png)")
    if not out.parent.is_dir():
        raise UsageError(f"bad -o {args.output!r}: no folder {str(out.parent)!r}")
    problem = BasinProblem(landscape, oid, params, steps=steps, tol=tol, noise=noise, seed=seed)
    m = basin_map(problem, grid, retire=not args.no_retire)
    _offscreen_painting()
    from landscape_gui.drawing.basin_image import render_basin_image

    if not render_basin_image(m).save(str(out), "PNG"):
        raise UsageError(f"cannot write {args.output!r}")
    if args.format == "json":
        print(json.dumps(basins_json(m, function)))
    else:
        print(basins_text(m, str(out)))
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "basins", help="basins of attraction: where runs from a grid of starts end (PNG map + shares)"
    )
    add_analysis_args(p)
    p.add_argument("--grid", type=int, metavar="N", help="starts per axis (default 200)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.png", help="the map, as a PNG")
    p.add_argument("--no-retire", action="store_true", help="step every start to the end (checking)")
    p.set_defaults(func=cmd_basins)
