"""Trajectories as plain data: what ``landscape-gui trace`` prints, for one optimizer or a whole scenario.

A lecturer checks a demo before class with ``landscape-gui trace PRESET``: every start × optimizer of the
scenario runs for the scenario's steps, and each run's record says where it went and what it ended as.

The command's JSON is written a chunk of rows at a time (:func:`write_json`), never built whole in memory: the
simulation keeps the trajectories as float64 arrays (bounded by :data:`MAX_TRACE_POINTS`). JSON is strict: a
non-finite number (a diverged loss) is written ``null``, as ``critical`` does, never ``NaN`` or ``Infinity``.
A run's curvature (the Hessian's eigenvalues at each point of its path) is computed from the path when it is
written, chunk by chunk like the path; its per-step state and captions are recorded while stepping
(:func:`record_steps`, captions bounded by :data:`MAX_CAPTION_STEPS`). A one-optimizer trace and a scenario's
(:func:`scenario_header`, :func:`scenario_run_fields`) go through the same writers.

>>> from landscape_gui.core.scenario.presets import load_preset
>>> out = trace_scenario(load_preset("local-vs-global"))
>>> [(r["optimizer"], r["reached"], r["outcome"]) for r in out["runs"]]
[('gd', 'local_minimum', 'stuck in a local minimum'), ('gd', 'global_minimum', 'reached the global minimum')]
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any, TextIO

import numpy as np

from landscape_gui.core.scenario.model import MAX_STARTS, MAX_STEPS

__all__ = [
    "MAX_CAPTION_STEPS",
    "MAX_TRACE_POINTS",
    "check_recording",
    "check_trace_size",
    "dumps_strict",
    "record_steps",
    "run_record",
    "scenario_header",
    "scenario_optimizers",
    "scenario_run_fields",
    "trace_runs",
    "trace_scenario",
    "write_csv",
    "write_json",
]

#: Most trajectory points (start points × (steps + 1)) one trace may hold: ~100 MB of float64 paths and
#: losses in 2-D, and a few hundred MB of text. One start may still run ``MAX_STEPS`` steps.
MAX_TRACE_POINTS = 4_000_000
#: Largest seed (numpy's generators take any integer ≥ 0; scenarios allow the same range).
MAX_SEED = 2**63 - 1
#: Largest noise σ (as in scenarios).
MAX_NOISE = 1e6
CHUNK = 20_000
#: Most caption texts (runs × steps) one ``trace --captions`` holds until it writes them (~0.5 kB each).
MAX_CAPTION_STEPS = 200_000


def check_trace_size(steps: int, starts: int) -> str | None:
    """Why ``steps`` steps from ``starts`` start points cannot be traced, or None when they can."""
    if not 0 <= steps <= MAX_STEPS:
        return f"--steps must be 0 … {MAX_STEPS}, not {steps}"
    if not 1 <= starts <= MAX_STARTS:
        return f"give 1 … {MAX_STARTS} start points, not {starts}"
    if starts * (steps + 1) > MAX_TRACE_POINTS:
        return (
            f"{starts} start points × {steps} steps is too long a trace: at most {MAX_TRACE_POINTS} points "
            f"(start points × (steps + 1)) in one run of the command"
        )
    return None


def finite_or_none(v: float) -> float | None:
    return v if math.isfinite(v) else None


def _json_rows(a: np.ndarray) -> Iterator[str]:
    """The rows of ``a`` as the inside of a JSON array, in chunks; non-finite numbers as ``null``."""
    for i in range(0, len(a), CHUNK):
        part = a[i : i + CHUNK]
        if not np.isfinite(part).all():
            part = np.where(np.isfinite(part), part.astype(object), None)
        text = json.dumps(part.tolist())[1:-1]
        if text:
            yield (", " if i else "") + text


def _dumps(v: Any) -> str:
    return json.dumps(v, allow_nan=False)


def _nulls(v: Any) -> Any:
    """``v`` with every non-finite float (nested in dicts and lists) replaced by None, for strict JSON."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _nulls(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_nulls(x) for x in v]
    return v


def dumps_strict(v: Any) -> str:
    """``json.dumps`` of ``v`` with non-finite numbers written as ``null``."""
    return _dumps(_nulls(v))


def _run_summary(run) -> dict[str, Any]:
    return {
        "status": run.status,
        "reached": run.reached,
        "near": run.near,
        "steps": run.step,
        "outcome": run.label,
        "outside": run.outside,
    }


def write_json(
    sim,
    header: dict[str, Any],
    out: TextIO,
    extras: list[dict[str, Any]] | None = None,
    *,
    run_fields: list[dict[str, Any]] | None = None,
    curvature: bool = False,
) -> None:
    """``header`` and then ``"runs"``, streamed: per run ``run_fields[k]`` first (a scenario's optimizer,
    label and params), then start, path, loss, with ``curvature`` the Hessian's eigenvalues at each point of the
    path (:func:`~landscape_gui.core.analysis.curvature.curvature_along`), then status, reached, near, steps,
    outcome and outside, plus ``extras[k]`` (per-step state, captions: :func:`record_steps`) for run ``k``."""
    from landscape_gui.core.analysis.curvature import curvature_along

    out.write(_dumps(header)[:-1] + (", " if header else "") + '"runs": [')
    for k, run in enumerate(sim.runs()):
        start = [finite_or_none(c) for c in run.start]
        fields = _dumps(_nulls(run_fields[k]))[1:-1] + ", " if run_fields and run_fields[k] else ""
        out.write((", " if k else "") + "{" + fields + '"start": ' + _dumps(start) + ', "path": [')
        path = sim.path(run.group, run.index)
        for text in _json_rows(path):
            out.write(text)
        out.write('], "loss": [')
        for text in _json_rows(sim.loss_history(run.group, run.index)[1]):
            out.write(text)
        if curvature:
            out.write('], "curvature": [')
            for text in _json_rows(curvature_along(sim.landscape, path)):
                out.write(text)
        summary = _run_summary(run) | (extras[k] if extras is not None else {})
        out.write("], " + _dumps(_nulls(summary))[1:])
    out.write("]}\n")


def _cell(v: float) -> str:
    return repr(v) if math.isfinite(v) else ""


def write_csv(
    sim,
    variables: tuple[str, ...],
    out: TextIO,
    extras: list[dict[str, Any]] | None = None,
    *,
    curvature: bool = False,
    optimizer_column: bool = False,
) -> None:
    """One row per recorded step: ``run, [optimizer,] step, x[, y], loss, status`` (numbers as Python writes
    them), then with ``extras`` from :func:`record_steps` the lr and the buffers after that step
    (``NAME_x``, ``NAME_y``: every buffer any optimizer keeps, empty where one does not) and the caption's
    lines joined by `` | ``; with ``curvature``, ``lambda_min, lambda_max`` (``curvature`` in 1-D). A cell
    with nothing to say (the state before the first step, a non-finite eigenvalue) is empty."""
    import csv

    from landscape_gui.core.analysis.curvature import curvature_along

    first = extras[0] if extras else {}
    buffers: list[str] = []
    if "state" in first:
        for gi in range(len(sim.groups)):
            buffers += [b for b in sim.buffers(gi) if b not in buffers]
    head = ["run", *(["optimizer"] if optimizer_column else []), "step", *variables, "loss", "status"]
    if "state" in first:
        head += ["lr", *(f"{b}_{v}" for b in buffers for v in variables)]
    if curvature:
        head += ["curvature"] if len(variables) == 1 else ["lambda_min", "lambda_max"]
    if "captions" in first:
        head.append("caption")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    blank_state = [""] * (1 + len(buffers) * len(variables))
    for k, run in enumerate(sim.runs()):
        path = sim.path(run.group, run.index)
        loss = sim.loss_history(run.group, run.index)[1]
        curv = curvature_along(sim.landscape, path).reshape(len(path), -1) if curvature else None
        ex = extras[k] if extras else {}
        lead = [k, run.optimizer] if optimizer_column else [k]
        for i in range(0, len(path), CHUNK):
            rows = []
            for j, (p, v) in enumerate(
                zip(path[i : i + CHUNK].tolist(), loss[i : i + CHUNK].tolist(), strict=True)
            ):
                t = i + j  # the row of step t: the state and caption of step t (none at the start)
                row = [*lead, t, *(repr(c) for c in p), repr(v), run.status]
                if "state" in ex:
                    st = ex["state"][t - 1] if 0 < t <= len(ex["state"]) else None
                    if st is None:
                        row += blank_state
                    else:
                        row.append(repr(st["lr"]))
                        for b in buffers:
                            row += [repr(c) for c in st[b]] if b in st else [""] * len(variables)
                if curv is not None:
                    row += [_cell(c) for c in curv[t].tolist()]
                if "captions" in ex:
                    cap = ex["captions"][t - 1] if 0 < t <= len(ex["captions"]) else None
                    row.append("" if cap is None else " | ".join(cap))
                rows.append(row)
            w.writerows(rows)


def check_recording(steps: int, starts: int, captions: bool) -> str | None:
    """Why ``--captions`` cannot be recorded for this many runs and steps (the text is held until written),
    or None."""
    if captions and steps * starts > MAX_CAPTION_STEPS:
        return (
            f"--captions: {starts} runs × {steps} steps is too many captions for one command: at most "
            f"{MAX_CAPTION_STEPS} (runs × steps); trace fewer starts or steps"
        )
    return None


def record_steps(sim, steps: int, *, state: bool = False, captions: bool = False, digits: int = 4):
    """Step ``sim`` ``steps`` times; with ``state`` or ``captions``, record per run (in ``sim.runs()`` order)
    and per step ``"state"``: ``{"lr": the lr of that step, NAME: the buffer after it, ...}`` and
    ``"captions"``: the step's caption as lines of text (:mod:`~landscape_gui.core.frames.captions`,
    ``digits`` significant digits), one entry per step each run took (a diverged run's stop where it
    stopped). Returns that list of dicts, or None (and steps at full speed) when nothing is recorded."""
    if not (state or captions):
        sim.step(steps)
        return None
    from landscape_gui.core.frames.captions import step_caption

    n, groups = len(sim.starts), len(sim.groups)
    out: list[dict[str, list]] = [{} for _ in range(n * groups)]
    for rec in out:
        if state:
            rec["state"] = []
        if captions:
            rec["captions"] = []
    for _ in range(steps):
        sim.step(1)
        for gi in range(groups):
            if state:
                lr = sim.lr_history(gi)[-1].item()
                buffers = {name: value.tolist() for name, value in sim.buffers(gi).items()}
                for i in range(n):
                    out[gi * n + i]["state"].append({"lr": lr, **{k: v[i] for k, v in buffers.items()}})
            if captions:
                for i in range(n):
                    out[gi * n + i]["captions"].append(step_caption(sim, gi, i).text_lines(digits))
    for run, rec in zip(sim.runs(), out, strict=True):
        for key in rec:
            del rec[key][run.step :]
    return out


def run_record(sim, run) -> dict[str, Any]:
    """One run of a :class:`~landscape_gui.core.analysis.simulation.Simulation` as JSON-ready data (every step kept
    when the simulation was built with ``max_points=None``)."""
    steps, loss = sim.loss_history(run.group, run.index)
    return {
        "start": list(run.start),
        "path": sim.path(run.group, run.index).tolist(),
        "loss": loss.tolist(),
        "status": run.status,
        "reached": run.reached,
        "near": run.near,
        "steps": run.step,
        "outcome": run.label,
        "outside": run.outside,
    }


def trace_runs(sim) -> list[dict[str, Any]]:
    """Every run of ``sim``, optimizer-major, as :func:`run_record` gives it."""
    return [run_record(sim, run) for run in sim.runs()]


def scenario_optimizers(scenario, sim) -> list[dict[str, Any]]:
    """The id, legend label (the window's and the export's) and hyperparameters of each optimizer of a scenario's
    simulation."""
    from landscape_gui.core.frames.presenter import optimizer_label

    return [
        {"id": oid, "label": optimizer_label(o), "params": params}
        for o, (oid, params) in zip(scenario.optimizers, sim.optimizers, strict=True)
    ]


def scenario_header(scenario, sim) -> dict[str, Any]:
    """What a scenario's trace says before its runs: title, function, domain, optimizers, steps, noise, seed."""
    spec = scenario.landscape
    return {
        "title": scenario.title,
        "function": spec.function if spec.function is not None else sim.landscape.formula,
        "domain": [list(b) for b in sim.landscape.domain],
        "optimizers": scenario_optimizers(scenario, sim),
        "steps": scenario.steps,
        "noise": scenario.noise,
        "seed": scenario.seed,
    }


def scenario_run_fields(scenario, sim) -> list[dict[str, Any]]:
    """Per run (``sim.runs()`` order): the ``optimizer`` id, legend ``label`` and ``params`` of its optimizer."""
    optimizers = scenario_optimizers(scenario, sim)
    return [
        {"optimizer": optimizers[run.group]["id"], "label": optimizers[run.group]["label"],
         "params": optimizers[run.group]["params"]}
        for run in sim.runs()
    ]  # fmt: skip


def trace_scenario(scenario, *, curvature: bool = False) -> dict[str, Any]:
    """Run every start × optimizer of ``scenario`` for its steps; the runs carry their optimizer and label.

    The result has the keys of a one-optimizer trace (``function``, ``noise``, ``seed``, ``runs``) plus
    ``title``, ``steps`` and ``optimizers`` (id, label, hyperparameters of each); each run also has
    ``optimizer`` (the id), ``label`` (its legend text) and ``params``, and with ``curvature`` the Hessian's
    eigenvalues at each point of its path (as ``trace --curvature``; NaN where not finite). The command
    streams the same document (:func:`write_json` with :func:`scenario_header` and :func:`scenario_run_fields`).
    """
    from landscape_gui.core.analysis.curvature import curvature_along

    sim = scenario.build_simulation(max_points=None)
    sim.step(scenario.steps)
    runs = []
    for fields, run in zip(scenario_run_fields(scenario, sim), sim.runs(), strict=True):
        record = {**fields, **run_record(sim, run)}
        if curvature:
            record["curvature"] = curvature_along(sim.landscape, record["path"]).tolist()
        runs.append(record)
    return {**scenario_header(scenario, sim), "runs": runs}
