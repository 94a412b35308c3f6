"""What ``landscape-gui trace`` writes: every run's path and losses as JSON or CSV, streamed in chunks.

The whole output is never built in memory: the simulation keeps the trajectories as float64 arrays
(bounded by :data:`MAX_TRACE_POINTS`) and they are written a chunk of rows at a time. JSON is strict: a
non-finite number (a diverged loss) is written ``null``, as ``critical`` does, never ``NaN`` or ``Infinity``.

>>> import io, json
>>> from landscape_gui.core.library import get_landscape
>>> from landscape_gui.core.simulation import Simulation
>>> sim = Simulation(get_landscape("booth"), [[0.0, 0.0]], [("gd", {"lr": 0.05})], max_points=None)
>>> sim.step(2)
>>> out = io.StringIO(); write_json(sim, {"function": "booth"}, out)
>>> [len(r["path"]) for r in json.loads(out.getvalue())["runs"]]
[3]
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any, TextIO

import numpy as np

from landscape_gui.core.scenario_parse import MAX_STARTS, MAX_STEPS

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


def _run_summary(run) -> dict[str, Any]:
    return {"status": run.status, "reached": run.reached, "near": run.near, "steps": run.step}


def write_json(sim, header: dict[str, Any], out: TextIO) -> None:
    """``header`` and then ``"runs"``: start, path, loss, status, reached, near, steps of every run."""
    out.write(_dumps(header)[:-1] + (", " if header else "") + '"runs": [')
    for k, run in enumerate(sim.runs()):
        start = [finite_or_none(c) for c in run.start]
        out.write((", " if k else "") + '{"start": ' + _dumps(start) + ', "path": [')
        for text in _json_rows(sim.path(run.group, run.index)):
            out.write(text)
        out.write('], "loss": [')
        for text in _json_rows(sim.loss_history(run.group, run.index)[1]):
            out.write(text)
        out.write("], " + _dumps(_run_summary(run))[1:])
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
