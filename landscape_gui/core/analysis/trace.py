"""Trajectories as plain data: what ``landscape-gui trace`` prints, for one optimizer or a whole scenario.

A lecturer checks a demo before class with ``landscape-gui trace PRESET``: every start × optimizer of the
scenario runs for the scenario's steps, and each run's record says where it went and what it ended as.

The command's JSON is written a chunk of rows at a time (:func:`write_json`), never built whole in memory: the
simulation keeps the trajectories as float64 arrays (bounded by :data:`MAX_TRACE_POINTS`). JSON is strict: a
non-finite number (a diverged loss) is written ``null``, as ``critical`` does, never ``NaN`` or ``Infinity``.

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
    "MAX_TRACE_POINTS",
    "check_trace_size",
    "dumps_strict",
    "run_record",
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


def write_json(sim, header: dict[str, Any], out: TextIO, extras=None) -> None:
    """``header`` and then ``"runs"``: start, path, loss, status, reached, near, steps, outcome and outside of
    every run, plus ``extras[k]`` (a dict, e.g. the optimizer state per step) for run ``k`` when given."""
    out.write(_dumps(header)[:-1] + (", " if header else "") + '"runs": [')
    for k, run in enumerate(sim.runs()):
        start = [finite_or_none(c) for c in run.start]
        out.write((", " if k else "") + '{"start": ' + _dumps(start) + ', "path": [')
        for text in _json_rows(sim.path(run.group, run.index)):
            out.write(text)
        out.write('], "loss": [')
        for text in _json_rows(sim.loss_history(run.group, run.index)[1]):
            out.write(text)
        summary = _run_summary(run) | (extras[k] if extras is not None else {})
        out.write("], " + _dumps(_nulls(summary))[1:])
    out.write("]}\n")


def write_csv(sim, variables: tuple[str, ...], out: TextIO) -> None:
    """One row per recorded step: ``run, step, x[, y], loss, status`` (numbers as Python writes them)."""
    import csv

    w = csv.writer(out, lineterminator="\n")
    w.writerow(["run", "step", *variables, "loss", "status"])
    for k, run in enumerate(sim.runs()):
        path = sim.path(run.group, run.index)
        loss = sim.loss_history(run.group, run.index)[1]
        for i in range(0, len(path), CHUNK):
            rows = zip(path[i : i + CHUNK].tolist(), loss[i : i + CHUNK].tolist(), strict=True)
            w.writerows(
                [k, i + j, *(repr(c) for c in p), repr(v), run.status] for j, (p, v) in enumerate(rows)
            )


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


def trace_scenario(scenario) -> dict[str, Any]:
    """Run every start × optimizer of ``scenario`` for its steps; the runs carry their optimizer and label.

    The result has the keys of a one-optimizer trace (``function``, ``noise``, ``seed``, ``runs``) plus
    ``title``, ``steps`` and ``optimizers`` (id, label, hyperparameters of each); each run also has
    ``optimizer`` (the id), ``label`` (its legend text) and ``params``.
    """
    from landscape_gui.core.frames.presenter import optimizer_label

    sim = scenario.build_simulation(max_points=None)
    sim.step(scenario.steps)
    spec = scenario.landscape
    landscape = sim.landscape
    optimizers = [
        {"id": oid, "label": optimizer_label(o), "params": params}
        for o, (oid, params) in zip(scenario.optimizers, sim.optimizers, strict=True)
    ]
    runs = []
    for run in sim.runs():
        info = optimizers[run.group]
        runs.append(
            {
                "optimizer": info["id"],
                "label": info["label"],
                "params": info["params"],
                **run_record(sim, run),
            }
        )
    return {
        "title": scenario.title,
        "function": spec.function if spec.function is not None else landscape.formula,
        "domain": [list(b) for b in landscape.domain],
        "optimizers": optimizers,
        "steps": scenario.steps,
        "noise": scenario.noise,
        "seed": scenario.seed,
        "runs": runs,
    }
