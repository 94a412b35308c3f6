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

from landscape_gui.core.limits import MAX_NOISE, MAX_SEED, MAX_STARTS, MAX_STEPS, MAX_TRACE_POINTS

__all__ = [
    "MAX_NOISE",
    "MAX_SEED",
    "MAX_TRACE_POINTS",
    "StateRecord",
    "check_trace_size",
    "dumps_strict",
    "run_record",
    "trace_runs",
    "trace_scenario",
    "write_csv",
    "write_json",
]

# The limits (MAX_TRACE_POINTS: start points × (steps + 1); one start may still run MAX_STEPS steps) are
# those of every input: landscape_gui/core/limits.py.
CHUNK = 20_000
#: Steps of optimizer state turned into Python objects at once (a dict per step: ~0.6 KB each).
STATE_CHUNK = 2_000


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
    sim, header: dict[str, Any], out: TextIO, extras=None, state: StateRecord | None = None
) -> None:
    """``header`` and then ``"runs"``: start, path, loss, status, reached, near, steps, outcome and outside of
    every run, plus ``extras[k]`` (a dict) for run ``k`` when given, and its ``"state"`` (one entry per step
    it took, see :class:`StateRecord`) written a chunk of steps at a time when ``state`` is given."""
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
        out.write("], " + _dumps(_nulls(summary))[1:-1])
        if state is not None:
            out.write(', "state": [')
            for text in state.json_rows(run.index, run.step):
                out.write(text)
            out.write("]")
        out.write("}")
    out.write("]}\n")


def write_csv(sim, variables: tuple[str, ...], out: TextIO, state: StateRecord | None = None) -> None:
    """One row per recorded step: ``run, step, x[, y], loss, status`` (numbers as Python writes them), and
    with ``state`` the lr of the step that led there and the buffers after it (empty at step 0), a chunk of
    steps at a time."""
    import csv

    w = csv.writer(out, lineterminator="\n")
    extra = state.csv_header(variables) if state is not None else []
    w.writerow(["run", "step", *variables, "loss", "status", *extra])
    for k, run in enumerate(sim.runs()):
        path = sim.path(run.group, run.index)
        loss = sim.loss_history(run.group, run.index)[1]
        for i in range(0, len(path), CHUNK):
            rows = zip(path[i : i + CHUNK].tolist(), loss[i : i + CHUNK].tolist(), strict=True)
            cells = state.csv_cells(run.index, i, min(i + CHUNK, len(path))) if state is not None else None
            w.writerows(
                [k, i + j, *(repr(c) for c in p), repr(v), run.status, *(cells[j] if cells else ())]
                for j, (p, v) in enumerate(rows)
            )


class StateRecord:
    """The optimizer's state after every step of a one-optimizer simulation, and the lr each step used, held
    as float64 arrays (8 bytes per number, about 40 bytes per run and step in 2-D with two buffers: not
    Python dicts, ~1.2 KB each) and turned into JSON or CSV a chunk of steps at a time.

    :meth:`step` steps the simulation ``steps`` times, recording after each one. An entry is
    ``{"lr": lr, NAME: [x, y], ...}`` with the buffers under torch.optim's names (``[x]`` in 1-D).

    >>> from landscape_gui.core.landscapes.library import get_landscape
    >>> from landscape_gui.core.analysis.simulation import Simulation
    >>> sim = Simulation(get_landscape("booth"), [[0, 0]], [("momentum", {"lr": 0.01})], max_points=None)
    >>> rec = StateRecord(sim, 2); rec.step()
    >>> "".join(rec.json_rows(0, 2))[:47]
    '{"lr": 0.01, "momentum_buffer": [-34.0, -38.0]}'
    """

    def __init__(self, sim, steps: int):
        self.sim = sim
        self.names = list(sim.buffers(0))
        n, d = sim.starts.shape
        self.values = np.empty((int(steps), len(self.names), n, d))
        self.taken = 0
        self.lr = np.empty(0)

    def step(self) -> None:
        """Step the simulation once per recorded step, keeping the buffers after each."""
        for t in range(self.values.shape[0]):
            self.sim.step(1)
            buffers = self.sim.buffers(0)
            for b, name in enumerate(self.names):
                self.values[t, b] = buffers[name]
            self.taken = t + 1
        self.lr = self.sim.lr_history(0)

    def _entries(self, i: int, first: int, stop: int) -> list[dict]:
        lr = self.lr[first:stop].tolist()
        cols = [self.values[first:stop, b, i].tolist() for b in range(len(self.names))]
        return [
            {"lr": lr[t], **{name: cols[b][t] for b, name in enumerate(self.names)}}
            for t in range(stop - first)
        ]

    def json_rows(self, i: int, steps: int) -> Iterator[str]:
        """The inside of run ``i``'s ``"state"`` array for its first ``steps`` steps, in chunks."""
        for first in range(0, steps, STATE_CHUNK):
            text = dumps_strict(self._entries(i, first, min(first + STATE_CHUNK, steps)))[1:-1]
            if text:
                yield (", " if first else "") + text

    def csv_header(self, variables: tuple[str, ...]) -> list[str]:
        return ["lr", *(f"{name}_{v}" for name in self.names for v in variables)]

    def csv_cells(self, i: int, first: int, stop: int) -> list[list[str]]:
        """The state columns of run ``i``'s rows ``first`` … ``stop − 1`` (row k shows step k's lr and the
        buffers after it; row 0, the start, none)."""
        width = 1 + len(self.names) * self.values.shape[3]
        out = []
        for k in range(first, stop):
            if k == 0:
                out.append([""] * width)
                continue
            row = [repr(float(self.lr[k - 1]))]
            row += [repr(float(c)) for b in range(len(self.names)) for c in self.values[k - 1, b, i]]
            out.append(row)
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


def trace_scenario(scenario) -> dict[str, Any]:
    """Run every start × optimizer of ``scenario`` for its steps; the runs carry their optimizer and label.

    The result has the keys of a one-optimizer trace (``function``, ``noise``, ``seed``, ``runs``) plus
    ``title``, ``steps`` and ``optimizers`` (id, label, hyperparameters of each); each run also has
    ``optimizer`` (the id), ``label`` (its legend text) and ``params``.
    """
    sim = scenario.build_simulation(max_points=None)
    sim.step(scenario.steps)
    spec = scenario.landscape
    landscape = sim.landscape
    optimizers = [
        {"id": oid, "label": o.display_name(), "params": params}
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
