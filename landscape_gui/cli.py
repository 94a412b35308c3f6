"""Command line: ``landscape-gui`` launches the app; subcommands work without a display.

    landscape-gui [SCENARIO.toml]       the app (optionally opening a scenario)
    landscape-gui functions             built-in landscapes
    landscape-gui optimizers            optimizers and their hyperparameters
    landscape-gui trace ...             trajectories as JSON or CSV
    landscape-gui critical ...          critical points as JSON or text

Bad input exits with status 2 and one line on stderr; nothing else is printed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
from collections.abc import Sequence

PROG = "landscape-gui"


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not usage + message
        raise UsageError(message)


# -- helpers shared by subcommands -------------------------------------------------------------------------
def load_landscape(function: str | None, expr: str | None, domain: str | None = None):
    """The landscape named by ``--function`` or typed with ``--expr`` (exactly one of them)."""
    from landscape_gui.core.library import get_landscape

    if (function is None) == (expr is None):
        raise UsageError("give exactly one of --function ID or --expr FORMULA")
    if function is not None:
        try:
            landscape = get_landscape(function)  # precompiled: no sympy
        except KeyError as e:
            raise UsageError(e.args[0]) from None
    else:
        landscape = _formula_landscape(expr)
    if domain:
        from landscape_gui.core.domain import DomainError

        want = "XMIN,XMAX" if landscape.dim == 1 else "XMIN,XMAX,YMIN,YMAX"
        try:
            bounds = [float(v) for v in domain.split(",")]
        except ValueError:
            bounds = []
        if len(bounds) != 2 * landscape.dim:
            raise UsageError(f"bad --domain {domain!r}: expected {want} (numbers)")
        try:
            landscape = landscape.with_domain(list(zip(bounds[::2], bounds[1::2], strict=True)))
        except DomainError as e:
            raise UsageError(f"bad --domain {domain!r}: {e}") from None
    return landscape


#: Seconds a formula may take to build; past that it is refused (sympy cannot be interrupted, so the build
#: runs in a daemon thread that ends with the process).
FORMULA_TIMEOUT_S = 10.0


def _formula_landscape(expr: str):
    from landscape_gui.core.expressions import FormulaError, landscape_from_formula

    result: dict = {}

    def build():
        try:
            result["landscape"] = landscape_from_formula(expr)
        except FormulaError as e:
            result["error"] = f"bad formula {expr!r}: {e}"

    worker = threading.Thread(target=build, daemon=True, name="formula")
    worker.start()
    worker.join(FORMULA_TIMEOUT_S)
    if worker.is_alive():
        raise UsageError(
            f"bad formula {expr!r}: too complex to differentiate in time (over {FORMULA_TIMEOUT_S:g} s)"
        )
    if "error" in result:
        raise UsageError(result["error"])
    return result["landscape"]


def parse_point(text: str, dim: int) -> list[float]:
    parts = text.split(",")
    try:
        point = [float(p) for p in parts]
    except ValueError:
        point = []
    if len(point) != dim or not all(math.isfinite(c) for c in point):
        want = "X" if dim == 1 else "X,Y"
        raise UsageError(
            f"malformed start {text!r}: expected {want} with finite numbers (e.g. --start=-1.5,2)"
        )
    return point


def parse_settings(items: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise UsageError(
                f"bad --set {item!r}: expected NAME=VALUE with a number, e.g. --set lr=0.01"
            ) from None
    return out


# -- subcommands --------------------------------------------------------------------------------------------
def cmd_functions(args) -> int:
    from landscape_gui.core.library import LANDSCAPE_IDS, get_landscape

    rows = []
    for lid in LANDSCAPE_IDS:
        L = get_landscape(lid)
        rows.append(
            {
                "id": lid,
                "name": L.name,
                "dim": L.dim,
                "formula": L.formula,
                "domain": [list(b) for b in L.domain],
                "description": L.description,
                "source": L.source,
            }
        )
    if args.format == "json":
        print(json.dumps({"functions": rows}, indent=2, ensure_ascii=False))
    else:
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            dom = " × ".join(f"[{lo:g}, {hi:g}]" for lo, hi in r["domain"])
            print(f"{r['id']:<{width}}  {r['dim']}-D  {r['description']}")
            print(f"{'':<{width}}       {r['formula']}   on {dom}")
    return 0


def cmd_optimizers(args) -> int:
    from landscape_gui.core.optimizers import OPTIMIZERS

    if args.format == "json":
        data = [
            {
                "id": o.id,
                "name": o.name,
                "summary": o.summary,
                "hyperparameters": [
                    {
                        "name": h.name,
                        "default": h.default,
                        "min": h.low,
                        "max": h.high,
                        "log": h.log,
                        "help": h.help,
                    }
                    for h in o.hyperparameters
                ],
            }
            for o in OPTIMIZERS.values()
        ]
        print(json.dumps({"optimizers": data}, indent=2, ensure_ascii=False))
        return 0
    width = max(len(i) for i in OPTIMIZERS)
    for o in OPTIMIZERS.values():
        print(f"{o.id:<{width}}  {o.name}: {o.summary}")
        for h in o.hyperparameters:
            print(f"{'':<{width}}    {h.name}={h.default:g}  [{h.low:g} … {h.high:g}]  {h.help}")
    return 0


def cmd_trace(args) -> int:
    from landscape_gui.core.optimizers import get_optimizer
    from landscape_gui.core.simulation import Simulation
    from landscape_gui.core.trace import MAX_NOISE, MAX_SEED, check_trace_size, write_csv, write_json

    landscape = load_landscape(args.function, args.expr, args.domain)
    try:
        optimizer = get_optimizer(args.optimizer)
    except KeyError as e:
        raise UsageError(e.args[0]) from None
    try:
        params = optimizer.resolve(parse_settings(args.set))
    except ValueError as e:
        raise UsageError(str(e)) from None
    if not args.start:
        raise UsageError("give at least one --start X[,Y]")
    starts = [parse_point(s, landscape.dim) for s in args.start]
    problem = check_trace_size(args.steps, len(starts))
    if problem:
        raise UsageError(problem)
    if not (math.isfinite(args.noise) and 0 <= args.noise <= MAX_NOISE):
        raise UsageError(f"--noise must be a finite number 0 … {MAX_NOISE:g}, not {args.noise}")
    if not 0 <= args.seed <= MAX_SEED:
        raise UsageError(f"--seed must be an integer 0 … {MAX_SEED}, not {args.seed}")
    sim = Simulation(
        landscape, starts, [(optimizer.id, params)], noise=args.noise, seed=args.seed, max_points=None
    )
    sim.step(args.steps)
    if args.format == "json":
        header = {
            "function": landscape.id if args.function else landscape.formula,
            "optimizer": optimizer.id,
            "params": params,
            "noise": args.noise,
            "seed": args.seed,
        }
        write_json(sim, header, sys.stdout)
    else:
        write_csv(sim, tuple(landscape.variables), sys.stdout)
    return 0


def cmd_critical(args) -> int:
    from landscape_gui.core.critical import find_critical_points

    landscape = load_landscape(args.function, args.expr, args.domain)
    points = find_critical_points(landscape)
    data = {
        "points": [
            {
                "position": list(p.position),
                "value": p.value,
                "kind": p.kind,
                "global": p.is_global,
                "eigenvalues": [e if math.isfinite(e) else None for e in p.eigenvalues],
            }
            for p in points
        ]
    }
    if args.format == "json":
        print(json.dumps(data))
    else:
        print(f"{len(points)} critical point(s) of {landscape.name} on {landscape.domain}:")
        for p in points:
            pos = ", ".join(f"{c:.10g}" for c in p.position)
            eig = ", ".join(f"{e:.6g}" for e in p.eigenvalues)
            tag = " (global)" if p.is_global else ""
            print(f"  {p.kind + tag:<17} at ({pos})  value {p.value:.10g}  Hessian eigenvalues [{eig}]")
    return 0


def cmd_presets(args) -> int:
    from landscape_gui.core.presets import list_presets

    for pid, title in list_presets():
        print(f"{pid}\t{title}")
    return 0


def _parse_size(text: str) -> tuple[int, int]:
    w, sep, h = text.lower().replace("×", "x").partition("x")
    if not sep or not w.strip().isdigit() or not h.strip().isdigit():
        raise UsageError(f"bad --size {text!r}: expected WIDTHxHEIGHT in pixels, e.g. 1920x1080")
    return int(w), int(h)


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

    from landscape_gui.core.presets import load_preset
    from landscape_gui.core.scenario import ScenarioError, load_scenario
    from landscape_gui.export.headless import DisplayError, ProgressBar, private_display
    from landscape_gui.export.writers import ExportCancelled, ExportError, check_output, format_for

    try:
        if args.source.endswith(".toml") or Path(args.source).is_file():
            scenario = load_scenario(args.source)
        else:
            scenario = load_preset(args.source)
    except ScenarioError as e:
        raise UsageError(str(e)) from None
    except KeyError as e:
        raise UsageError(f"{e.args[0]}; or give a scenario file (.toml)") from None
    settings = {
        "size": _parse_size(args.size) if args.size else None,
        "fps": args.fps,
        "duration": args.duration,
        "steps_per_frame": args.steps_per_frame,
        "orbit": args.orbit,
    }
    try:
        check_output(args.output, format_for(args.output), args.force)  # before starting any display
        if stop:
            raise ExportInterrupted
        private_display()
        from landscape_gui.export.exporter import export_scenario

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


def cmd_gui(scenario: str | None) -> int:
    from landscape_gui.gui.app import run_app

    return run_app(scenario)


# -- parser ------------------------------------------------------------------------------------------------
def _add_landscape_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--function", metavar="ID", help="built-in landscape id (see 'landscape-gui functions')")
    p.add_argument("--expr", metavar="FORMULA", help="custom formula in x (and y), e.g. 'x**2 - y**2'")
    p.add_argument("--domain", metavar="XMIN,XMAX[,YMIN,YMAX]", help="override the landscape's domain")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="See why gradient descent gets stuck.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("functions", help="list the built-in landscapes")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_functions)

    p = sub.add_parser("optimizers", help="list the optimizers and their hyperparameters")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_optimizers)

    p = sub.add_parser("trace", help="run one optimizer from start points and print the trajectories")
    _add_landscape_args(p)
    p.add_argument("--optimizer", required=True, metavar="ID")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a hyperparameter")
    p.add_argument("--start", action="append", default=[], metavar="X[,Y]", help="a start point (repeatable)")
    p.add_argument("--steps", type=int, required=True, metavar="N")
    p.add_argument("--noise", type=float, default=0.0, metavar="SIGMA", help="σ of Gaussian gradient noise")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the noise")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("critical", help="find and classify the critical points of a landscape")
    _add_landscape_args(p)
    p.add_argument("--format", choices=("json", "text"), default="json")
    p.set_defaults(func=cmd_critical)

    p = sub.add_parser("presets", help="list the lecture presets (id, then title)")
    p.set_defaults(func=cmd_presets)

    p = sub.add_parser(
        "export", help="render a scenario or preset to MP4, GIF, WebM or a folder of PNG frames"
    )
    p.add_argument("source", metavar="SOURCE", help="a scenario file (.toml) or a preset id (see 'presets')")
    p.add_argument(
        "-o", "--output", required=True, metavar="OUT", help=".mp4, .gif, .webm, or a folder for PNGs"
    )
    p.add_argument("--size", metavar="WxH", help="frame size in pixels (default: the scenario's)")
    p.add_argument("--fps", type=int, metavar="N", help="frames per second")
    length = p.add_mutually_exclusive_group()
    length.add_argument("--duration", type=float, metavar="SECONDS", help="length of the clip")
    length.add_argument("--steps-per-frame", type=int, metavar="N", help="simulation steps per frame")
    p.add_argument("--orbit", type=float, metavar="DEGREES", help="turn the camera this far over the clip")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The ``landscape-gui`` command; returns the exit status."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl+C outside an export (which handles its own) or the app
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _main(argv: Sequence[str] | None) -> int:
    from landscape_gui.core.allocator import keep_freed_memory

    keep_freed_memory()  # the app and every command step many runs: see core/allocator.py
    quiet_numpy_warnings()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)  # noqa: SLF001
    try:
        if not argv or (argv[0] not in commands and not argv[0].startswith("-")):
            if len(argv) > 1:
                raise UsageError(f"unknown command {argv[0]!r} (commands: {', '.join(sorted(commands))})")
            if argv and not argv[0].endswith(".toml"):
                raise UsageError(f"unknown command {argv[0]!r} (commands: {', '.join(sorted(commands))})")
            return cmd_gui(argv[0] if argv else None)
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        return args.func(args)
    except UsageError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `landscape-gui trace ... | head`
        return 0


def quiet_numpy_warnings() -> None:
    """No numpy floating-point warnings on stderr: overflow or 0/0 while evaluating a landscape far out is
    expected (a diverging run, a steep formula) and is reported as data (``diverged``, ``null``); the
    warning's file and line would point into this program's internals, not at anything the user did."""
    import warnings

    warnings.filterwarnings(
        "ignore",
        message=r"(overflow|invalid value|divide by zero|underflow) encountered",
        category=RuntimeWarning,
    )
