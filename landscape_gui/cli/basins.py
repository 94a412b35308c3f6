"""``basins``: where runs from a grid of starts end, as a PNG map and the shares."""

from __future__ import annotations

import json

from landscape_gui.cli.analysis import add_analysis_args, analysis_inputs, basins_json, basins_text, tolerance
from landscape_gui.cli.common import PROG, UsageError

#: The application QPainter's fonts need, kept alive while the command runs.
_app = None


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
    global _app
    from landscape_gui.drawing.qt_app import painting_app

    _app = painting_app([PROG])
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
