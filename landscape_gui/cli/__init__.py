"""Command line: ``landscape-gui`` launches the app; subcommands work without a display.

    landscape-gui [SCENARIO.toml]       the app (optionally opening a scenario)
    landscape-gui --reset               forget the saved settings: the next start is a first run
    landscape-gui functions             built-in landscapes
    landscape-gui optimizers            optimizers, their hyperparameters and state buffers
    landscape-gui schedules             learning-rate schedules and their parameters
    landscape-gui trace ...             trajectories as JSON or CSV
    landscape-gui trace SCENARIO        every run of a scenario file or preset, as JSON or CSV
    landscape-gui critical ...          critical points as JSON or text
    landscape-gui basins ...            basins of attraction: a PNG map and the shares
    landscape-gui restarts ...          random restarts: outcome shares and success probability

Bad input exits with status 2 and one line on stderr; nothing else is printed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import threading
from collections.abc import Sequence

from landscape_gui import __version__

PROG = "landscape-gui"


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


#: A value that starts with a minus sign and a digit (``-1.5,2``, ``-2,2,-1,1``, ``-1e-3``) is a value, not an
#: option: argparse's own test accepts only a single negative number, so ``--start -1.5,2`` would fail.
_NEGATIVE_VALUE = re.compile(r"^-\.?\d")


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_VALUE  # argparse's hook for "looks like a negative number"

    def error(self, message: str):  # one line, not usage + message
        if message.endswith("expected one argument"):
            message += " (a value that starts with a minus sign can also be joined with '=': --start=-1.5,2)"
        raise UsageError(message)


# -- helpers shared by subcommands -------------------------------------------------------------------------
def load_landscape(function: str | None, expr: str | None, domain: str | None = None):
    """The landscape named by ``--function`` or typed with ``--expr`` (exactly one of them)."""
    from landscape_gui.core.landscapes.library import get_landscape

    if (function is None) == (expr is None):
        raise UsageError("give exactly one of --function ID or --expr FORMULA")
    if function is not None:
        try:
            landscape = get_landscape(function)  # precompiled: no sympy
        except KeyError as e:
            raise UsageError(e.args[0]) from None
    else:
        landscape = _formula_landscape(expr)
    return with_domain(landscape, domain)


def with_domain(landscape, domain: str | None):
    """``landscape`` over the ``--domain`` given (unchanged if None)."""
    if domain:
        from landscape_gui.core.landscapes.domain import DomainError

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
    from landscape_gui.core.landscapes.expressions import FormulaError, landscape_from_formula

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
    from landscape_gui.core.landscapes.library import LANDSCAPE_IDS, get_landscape

    rows = []
    for lid in LANDSCAPE_IDS:
        L = get_landscape(lid)
        row = {
            "id": lid,
            "name": L.name,
            "dim": L.dim,
            "formula": L.formula,
            "domain": [list(b) for b in L.domain],
            "description": L.description,
            "source": L.source,
        }
        describe_json = getattr(L, "describe_json", None)  # a landscape made of data says what data
        row.update(describe_json() if describe_json else {"kind": "formula"})
        rows.append(row)
    if args.format == "json":
        print(json.dumps({"functions": rows}, indent=2, ensure_ascii=False))
    else:
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            dom = " × ".join(f"[{lo:g}, {hi:g}]" for lo, hi in r["domain"])
            print(f"{r['id']:<{width}}  {r['dim']}-D  {r['description']}")
            print(f"{'':<{width}}       {r['formula']}   on {dom}")
            if r["kind"] == "data":
                n = len(r["data"]["y"])
                print(f"{'':<{width}}       model {r['model']}; {n} samples, {r['n_parameters']} parameters")
            print(f"{'':<{width}}       source: {r['source']}")
    return 0


def cmd_optimizers(args) -> int:
    from landscape_gui.core.optimizers.catalog import OPTIMIZERS

    if args.format == "json":
        data = [
            {
                "id": o.id,
                "name": o.name,
                "summary": o.summary,
                "hyperparameters": [_hyperparameter_json(h) for h in o.hyperparameters],
                "state": [
                    {"name": b.name, "symbol": b.symbol, "meaning": b.meaning, "update": b.line()}
                    for b in o.buffers
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
        for b in o.buffers:
            print(f"{'':<{width}}    state {b.name}: {b.meaning};  {b.line()}")
    print()
    print(NOISE_MODEL)
    return 0


def _hyperparameter_json(h) -> dict:
    return {"name": h.name, "default": h.default, "min": h.low, "max": h.high, "log": h.log, "help": h.help}


def cmd_schedules(args) -> int:
    from landscape_gui.core.optimizers.schedules import SCHEDULES

    if args.format == "json":
        data = [
            {
                "id": k.id,
                "name": k.name,
                "torch": k.torch_name,
                "summary": k.summary,
                "parameters": [_hyperparameter_json(h) for h in k.parameters],
            }
            for k in SCHEDULES.values()
        ]
        print(json.dumps({"schedules": data}, indent=2, ensure_ascii=False))
        return 0
    width = max(len(i) for i in SCHEDULES)
    for k in SCHEDULES.values():
        print(f"{k.id:<{width}}  {k.name} ({k.torch_name}): {k.summary}")
        for h in k.parameters:
            print(f"{'':<{width}}    {h.name}={h.default:g}  [{h.low:g} … {h.high:g}]  {h.help}")
    return 0


def parse_schedule_option(text: str | None):
    """``--schedule NAME:key=value,...`` as a Schedule (constant when not given)."""
    from landscape_gui.core.optimizers.schedules import CONSTANT, parse_schedule

    if text is None:
        return CONSTANT
    try:
        return parse_schedule(text)
    except ValueError as e:
        raise UsageError(f"bad --schedule {text!r}: {e}") from None


#: The gradient noise model, as `optimizers`, `trace --help` and the README tell it.
NOISE_MODEL = (
    "Gradient noise: a run's gradient is ∇J + σξ with ξ ~ N(0, I). Only sgd is noisy by default, through its\n"
    "own hyperparameter noise (σ = 1); every other optimizer has σ = 0. `trace --noise SIGMA` sets σ for the\n"
    "traced optimizer, whichever it is: for sgd it replaces its own noise (one σ, not two added up), so\n"
    "`--optimizer sgd --noise 0.1` runs with σ = 0.1. In the window and in scenario files, the run's\n"
    "'Gradient noise σ' adds to sgd's own: σ = √(noise² + sgd's noise²)."
)


def trace_noise(optimizer, params: dict[str, float], noise: float | None, explicit: set[str]):
    """``(params, simulation noise, σ)`` for ``trace``: ``--noise`` is the traced optimizer's one σ.

    An optimizer with its own ``noise`` hyperparameter (sgd) takes ``--noise`` as that value; any other gets
    it as the simulation's noise. Giving both ``--noise`` and ``--set noise=...`` is refused.
    """
    own = "noise" in {h.name for h in optimizer.hyperparameters}
    if noise is None:
        return params, 0.0, params.get("noise", 0.0) if own else 0.0
    from landscape_gui.core.analysis.trace import MAX_NOISE

    if not (math.isfinite(noise) and 0 <= noise <= MAX_NOISE):
        raise UsageError(f"--noise must be a finite number 0 … {MAX_NOISE:g}, not {noise}")
    if own:
        if "noise" in explicit:
            raise UsageError("give the noise once: --noise SIGMA or --set noise=SIGMA, not both")
        return optimizer.resolve({**params, "noise": noise}), 0.0, noise
    return params, noise, noise


def cmd_trace(args) -> int:
    from landscape_gui.core.analysis.simulation import Simulation
    from landscape_gui.core.analysis.trace import MAX_SEED, check_trace_size, trace_runs, write_json
    from landscape_gui.core.optimizers.catalog import get_optimizer

    if args.scenario is not None:
        return _trace_scenario(args)
    if args.optimizer is None or args.steps is None:
        raise UsageError(
            "the following arguments are required: --optimizer, --steps (or give a scenario: trace SCENARIO)"
        )
    args.seed = 0 if args.seed is None else args.seed
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
    if not 0 <= args.seed <= MAX_SEED:
        raise UsageError(f"--seed must be an integer 0 … {MAX_SEED}, not {args.seed}")
    schedule = parse_schedule_option(args.schedule)
    _check_batch_size(args.batch_size, landscape)
    params, sim_noise, sigma = trace_noise(optimizer, params, args.noise, set(parse_settings(args.set)))
    sim = Simulation(
        landscape,
        starts,
        [(optimizer.id, params, schedule)],
        noise=sim_noise,
        seed=args.seed,
        max_points=None,
        batch_size=args.batch_size,
    )
    states = _step_recording_state(sim, args.steps) if args.state else None
    if states is None:
        sim.step(args.steps)
    header = {
        "function": landscape.id if args.function else landscape.formula,
        "optimizer": optimizer.id,
        "params": params,
        "schedule": {"name": schedule.id, **schedule.resolved()},
        "noise": sigma,
        "seed": args.seed,
        "batch_size": args.batch_size,
    }
    if args.format == "json":  # streamed: the trajectories are never held as text
        extras = None
        if states is not None:  # one entry per step the run took (a diverged run stopped earlier)
            extras = [{"state": states[run.index][: run.step]} for run in sim.runs()]
        write_json(sim, header, sys.stdout, extras)
    else:
        runs = trace_runs(sim)
        if states is not None:
            for run, record in zip(sim.runs(), runs, strict=True):
                record["state"] = states[run.index][: run.step]
        names = list(landscape.variables)
        buffers = [b.name for b in optimizer.active_buffers(params)] if states is not None else []
        extra = ["lr", *(f"{b}_{v}" for b in buffers for v in names)] if states is not None else []
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["run", "step", *names, "loss", "status", *extra])
        for i, r in enumerate(runs):
            for k, (p, v) in enumerate(zip(r["path"], r["loss"], strict=True)):
                row = [i, k, *(repr(c) for c in p), repr(v), r["status"]]
                if extra:  # the state after step k; none at the start
                    st = r["state"][k - 1] if k else None
                    row += [""] * len(extra) if st is None else [repr(st["lr"])]
                    row += [] if st is None else [repr(c) for b in buffers for c in st[b]]
                w.writerow(row)
    return 0


def _step_recording_state(sim, steps: int) -> list[list[dict]]:
    """Step ``sim`` (one optimizer) ``steps`` times; per run, per step: the lr used and the state after it."""
    out: list[list[dict]] = [[] for _ in range(len(sim.starts))]
    for _ in range(steps):
        sim.step(1)
        lr = sim.lr_history(0)[-1].item()
        buffers = {name: value.tolist() for name, value in sim.buffers(0).items()}
        for i, rows in enumerate(out):
            rows.append({"lr": lr, **{name: value[i] for name, value in buffers.items()}})
    return out


def _check_batch_size(batch_size: int | None, landscape) -> None:
    """``--batch-size``: only on a landscape made of data, 1 … its number of samples."""
    if batch_size is None:
        return
    from landscape_gui.core.landscapes.library import DATA_LANDSCAPE_IDS

    n = getattr(landscape, "n_samples", None)
    if n is None:
        raise UsageError(
            f"--batch-size needs a landscape made of data ({', '.join(DATA_LANDSCAPE_IDS)}); "
            f"{landscape.name!r} is a formula"
        )
    if not 1 <= batch_size <= n:
        raise UsageError(f"--batch-size must be 1 … {n} (the samples of {landscape.id}), not {batch_size}")


def _trace_scenario(args) -> int:
    """``trace SCENARIO``: every start × optimizer of a scenario file or preset, for its steps."""
    from landscape_gui.core.analysis.trace import dumps_strict, trace_scenario

    given = [
        flag
        for flag, value in (
            ("--function", args.function),
            ("--expr", args.expr),
            ("--domain", args.domain),
            ("--optimizer", args.optimizer),
            ("--set", args.set),
            ("--start", args.start),
            ("--steps", args.steps),
            ("--noise", args.noise),
            ("--seed", args.seed),
            ("--schedule", args.schedule),
            ("--batch-size", args.batch_size),
            ("--state", args.state or None),
        )  # fmt: skip
        if value not in (None, [])
    ]
    if given:
        raise UsageError(
            f"trace {args.scenario}: the scenario sets the landscape, optimizers, starts and steps;"
            f" drop {', '.join(given)} (or drop the scenario)"
        )
    out = trace_scenario(load_source(args.scenario))
    if args.format == "json":
        print(dumps_strict(out))
        return 0
    dim = len(out["domain"])
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["run", "optimizer", "step", *("x", "y")[:dim], "loss", "status"])
    for i, r in enumerate(out["runs"]):
        for k, (p, v) in enumerate(zip(r["path"], r["loss"], strict=True)):
            w.writerow([i, r["optimizer"], k, *(repr(c) for c in p), repr(v), r["status"]])
    return 0


def cmd_critical(args) -> int:
    from landscape_gui.core.analysis.critical import find_critical_points

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
    from landscape_gui.core.scenario.presets import list_presets

    for pid, title in list_presets():
        print(f"{pid}\t{title}")
    return 0


def _parse_size(text: str) -> tuple[int, int]:
    w, sep, h = text.lower().replace("×", "x").partition("x")
    if not sep or not w.strip().isdigit() or not h.strip().isdigit():
        raise UsageError(f"bad --size {text!r}: expected WIDTHxHEIGHT in pixels, e.g. 1920x1080")
    return int(w), int(h)


def load_source(source: str):
    """The scenario of a file (``.toml``) or a preset id."""
    from pathlib import Path

    from landscape_gui.core.scenario.files import ScenarioError, load_scenario
    from landscape_gui.core.scenario.presets import load_preset

    try:
        if source.endswith(".toml") or Path(source).is_file():
            return load_scenario(source)
        return load_preset(source)
    except ScenarioError as e:
        raise UsageError(str(e)) from None
    except KeyError as e:
        raise UsageError(f"{e.args[0]}; or give a scenario file (.toml)") from None


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
        "size": _parse_size(args.size) if args.size else None,
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


# -- basins and restarts -----------------------------------------------------------------------------------
def _analysis_inputs(args):
    """Landscape, optimizer id, hyperparameters, steps, noise, seed and the scenario (or None) of a
    ``basins``/``restarts`` command: from --function/--expr, or from a SCENARIO (file or preset id) whose
    settings the options override."""
    from landscape_gui.core.optimizers.catalog import get_optimizer

    scenario = None
    if args.source is not None:
        if args.function is not None or args.expr is not None:
            raise UsageError("give a SCENARIO or --function/--expr, not both")
        scenario = load_source(args.source)
        landscape = with_domain(scenario.build_landscape(), args.domain)
        function = scenario.landscape.function or landscape.formula
    else:
        landscape = load_landscape(args.function, args.expr, args.domain)
        function = landscape.id if args.function else landscape.formula
    oid, base = args.optimizer, {}
    if scenario is not None:
        ids = [o.id for o in scenario.optimizers]
        if oid is None and len(ids) > 1:
            raise UsageError(f"give --optimizer ID: the scenario has {len(ids)} ({', '.join(ids)})")
        oid = oid or ids[0]
        base = next((dict(o.params) for o in scenario.optimizers if o.id == oid), {})
    if oid is None:
        raise UsageError("give --optimizer ID (see 'landscape-gui optimizers')")
    try:
        optimizer = get_optimizer(oid)
        params = optimizer.resolve({**base, **parse_settings(args.set)})
    except KeyError as e:
        raise UsageError(e.args[0]) from None
    except ValueError as e:
        raise UsageError(str(e)) from None
    steps = args.steps if args.steps is not None else (scenario.steps if scenario else 500)
    noise = args.noise if args.noise is not None else (scenario.noise if scenario else 0.0)
    seed = args.seed if args.seed is not None else (scenario.seed if scenario else 0)
    if steps < 0:
        raise UsageError(f"--steps must be ≥ 0, not {steps}")
    from landscape_gui.core.analysis.trace import MAX_NOISE

    if not (math.isfinite(noise) and 0 <= noise <= MAX_NOISE):
        raise UsageError(f"--noise must be a finite number 0 … {MAX_NOISE:g}, not {noise}")
    if seed < 0:
        raise UsageError(f"--seed must be ≥ 0, not {seed}")
    return landscape, function, optimizer.id, params, steps, noise, seed, scenario


def _tol(args, section) -> float:
    tol = args.tol if args.tol is not None else (section.tol if section is not None else 1e-3)
    if not (math.isfinite(tol) and tol > 0):
        raise UsageError(f"--tol must be a finite number > 0, not {tol}")
    return tol


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

    from landscape_gui.cli.analysis_text import basins_json, basins_text
    from landscape_gui.core.analysis.basins import MAX_GRID, BasinProblem, basin_map

    landscape, function, oid, params, steps, noise, seed, scenario = _analysis_inputs(args)
    section = scenario.basins if scenario is not None else None
    tol = _tol(args, section)
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


def cmd_restarts(args) -> int:
    from landscape_gui.cli.analysis_text import restarts_json, restarts_text
    from landscape_gui.core.analysis.restarts import run_restarts

    landscape, function, oid, params, steps, noise, seed, scenario = _analysis_inputs(args)
    section = scenario.restarts if scenario is not None else None
    tol = _tol(args, section)
    n = args.n if args.n is not None else (section.n if section is not None else None)
    if n is None:
        raise UsageError("give --n N, the number of random restarts")
    if not 1 <= n <= 1_000_000:
        raise UsageError(f"--n must be from 1 to 1000000 runs, not {n}")
    max_k = section.max_k if section is not None else 50
    (r,) = run_restarts(
        landscape, [(oid, params)], n=n, seed=seed, steps=steps, tol=tol, noise=noise, max_k=max_k
    )
    if args.format == "json":
        print(json.dumps(restarts_json(r, function, steps, tol, seed)))
    else:
        print(restarts_text(r, landscape.name, steps))
    return 0


def cmd_reset() -> int:
    """``--reset``: remove the saved settings (window layout, last session, recent files)."""
    from landscape_gui.gui.settings import reset_settings

    path = reset_settings()
    print(f"settings reset: {path} removed; the next start opens the first-run demo" if path else
          "settings reset: nothing was saved; the next start opens the first-run demo")  # fmt: skip
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
    parser = _Parser(
        prog=PROG,
        usage="%(prog)s [SCENARIO.toml]\n       %(prog)s COMMAND [options]\n       %(prog)s --reset",
        description="See why gradient descent gets stuck. With no arguments, or with a scenario file "
        "(SCENARIO.toml), it opens the window; a command runs without a display and prints its result.",
        epilog="'%(prog)s COMMAND --help' lists a command's options.",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="forget the saved window layout, last session and recent files: the next start is a first run",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, title="commands", metavar="COMMAND")

    p = sub.add_parser("functions", help="list the built-in landscapes: formula, domain and source")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_functions)

    p = sub.add_parser("optimizers", help="list the optimizers, their hyperparameters and state buffers")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_optimizers)

    p = sub.add_parser("schedules", help="list the learning-rate schedules and their parameters")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_schedules)

    p = sub.add_parser(
        "trace",
        help="run one optimizer from start points, or a whole scenario, and print the trajectories",
        epilog=NOISE_MODEL,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="a scenario file (.toml) or a preset id: run all of it (instead of --function ... --steps)",
    )
    _add_landscape_args(p)
    p.add_argument("--optimizer", metavar="ID", help="optimizer id (see 'landscape-gui optimizers')")
    p.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a hyperparameter (repeatable)"
    )
    p.add_argument(
        "--schedule",
        metavar="NAME[:KEY=VALUE,...]",
        help="learning-rate schedule, stepped after every step, e.g. cosine:T_max=100,eta_min=0.001 "
        "(see 'landscape-gui schedules'; default: constant)",
    )
    p.add_argument(
        "--start",
        action="append",
        default=[],
        metavar="X[,Y]",
        help="a start point, e.g. --start -1.5,2 (repeatable)",
    )
    p.add_argument("--steps", type=int, metavar="N", help="number of steps")
    p.add_argument(
        "--noise",
        type=float,
        default=None,
        metavar="SIGMA",
        help="σ of the Gaussian noise added to each gradient (default: sgd's own noise, 1; others 0)",
    )
    p.add_argument("--seed", type=int, metavar="S", help="seed of the noise and the minibatches (default 0)")
    p.add_argument(
        "--state",
        action="store_true",
        help="add each run's \"state\": per step, the lr it used and the optimizer's buffers after it",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        metavar="B",
        help="data landscapes: each step uses the mean gradient of B samples (default: all of them)",
    )
    p.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default: json)")
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("critical", help="find and classify the critical points of a landscape")
    _add_landscape_args(p)
    p.add_argument("--format", choices=("json", "text"), default="json", help="output format (default: json)")
    p.set_defaults(func=cmd_critical)

    for name, helptext in (
        ("basins", "basins of attraction: where runs from a grid of starts end (PNG map + shares)"),
        ("restarts", "random restarts: outcome shares, success probability and the best run"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("source", nargs="?", metavar="SCENARIO", help="a scenario file (.toml) or preset id")
        _add_landscape_args(p)
        p.add_argument(
            "--optimizer",
            metavar="ID",
            help="optimizer id (see 'optimizers'); optional with a one-optimizer scenario",
        )
        p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a hyperparameter")
        p.add_argument(
            "--steps", type=int, metavar="S", help="steps per run (default: the scenario's, or 500)"
        )
        p.add_argument("--tol", type=float, metavar="T", help="distance counted as reaching a critical point")
        p.add_argument("--noise", type=float, metavar="SIGMA", help="σ of Gaussian gradient noise")
        p.add_argument("--seed", type=int, metavar="K", help="seed of the noise (and of the random starts)")
        p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
        if name == "basins":
            p.add_argument("--grid", type=int, metavar="N", help="starts per axis (default 200)")
            p.add_argument("-o", "--output", required=True, metavar="OUT.png", help="the map, as a PNG")
            p.add_argument("--no-retire", action="store_true", help="step every start to the end (checking)")
            p.set_defaults(func=cmd_basins)
        else:
            p.add_argument("--n", type=int, metavar="N", help="number of random starts")
            p.set_defaults(func=cmd_restarts)

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
    p.add_argument(
        "--view",
        metavar="VIEW",
        help="3d (the default), map (the 2-D map) or composite (3D, map and loss curves)",
    )
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
        if args.reset:
            if args.command is not None:
                raise UsageError("--reset takes no command: run 'landscape-gui --reset' on its own")
            return cmd_reset()
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
