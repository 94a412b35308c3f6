"""Trajectories as plain data: what ``landscape-gui trace`` prints, for one optimizer or a whole scenario.

A lecturer checks a demo before class with ``landscape-gui trace PRESET``: every start × optimizer of the
scenario runs for the scenario's steps, and each run's record says where it went and what it ended as.

The command's JSON is written a chunk of rows at a time (:func:`write_json`), never built whole in memory: the
simulation keeps the trajectories as float64 arrays (bounded by :data:`MAX_TRACE_POINTS`). JSON is strict: a
non-finite number (a diverged loss) is written ``null``, as ``critical`` does, never ``NaN`` or ``Infinity``.
A run's curvature (the Hessian's eigenvalues at each point of its path) is computed from the path when it is
written, chunk by chunk like the path; its per-step state and captions are recorded while stepping
(:func:`record_steps`): the state as float64 arrays (:class:`StateRecord`, turned into text a chunk of steps
at a time), the captions as text, bounded by :data:`MAX_CAPTION_STEPS`. A one-optimizer trace and a scenario's
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
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from landscape_gui.core.limits import MAX_NOISE, MAX_SEED, MAX_STARTS, MAX_STEPS, MAX_TRACE_POINTS
from landscape_gui.core.types import FloatArray

if TYPE_CHECKING:
    from landscape_gui.core.analysis.simulation import Run, Simulation
    from landscape_gui.core.scenario.model import Scenario

__all__ = [
    "MAX_CAPTION_STEPS",
    "MAX_NOISE",
    "MAX_SEED",
    "MAX_TRACE_POINTS",
    "StateRecord",
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

# The limits (MAX_TRACE_POINTS: start points × (steps + 1); one start may still run MAX_STEPS steps) are
# those of every input: landscape_gui/core/limits.py.
CHUNK = 20_000
#: Steps of optimizer state turned into Python objects at once (a dict per step: ~0.6 KB each).
STATE_CHUNK = 2_000
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


def _json_rows(a: FloatArray) -> Iterator[str]:
    """The rows of ``a`` as the inside of a JSON array, in chunks; non-finite numbers as ``null``."""
    for i in range(0, len(a), CHUNK):
        part = a[i : i + CHUNK]
        if not np.isfinite(part).all():
            # numpy's stub refuses None as a choice; it is the JSON null of an object array here
            part = np.where(np.isfinite(part), part.astype(object), None)  # type: ignore[call-overload]
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


def _run_summary(run: Run) -> dict[str, Any]:
    return {
        "status": run.status,
        "reached": run.reached,
        "near": run.near,
        "steps": run.step,
        "outcome": run.label,
        "outside": run.outside,
    }


def write_json(
    sim: Simulation,
    header: dict[str, Any],
    out: TextIO,
    extras: list[dict[str, Any]] | None = None,
    *,
    run_fields: list[dict[str, Any]] | None = None,
    curvature: bool = False,
    state: StateRecord | None = None,
) -> None:
    """``header`` and then ``"runs"``, streamed: per run ``run_fields[k]`` first (a scenario's optimizer,
    label and params), then start, path, loss, with ``curvature`` the Hessian's eigenvalues at each point of the
    path (:func:`~landscape_gui.core.analysis.curvature.curvature_along`), then status, reached, near, steps,
    outcome and outside; with ``state`` its ``"state"`` (one entry per step the run took, see
    :class:`StateRecord`) a chunk of steps at a time, then ``extras[k]`` (captions: :func:`record_steps`)."""
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
        out.write("], " + _dumps(_nulls(_run_summary(run)))[1:-1])
        if state is not None:
            out.write(', "state": [')
            for text in state.json_rows(run.group, run.index, run.step):
                out.write(text)
            out.write("]")
        if extras is not None and extras[k]:
            out.write(", " + _dumps(_nulls(extras[k]))[1:-1])
        out.write("}")
    out.write("]}\n")


def _cell(v: float) -> str:
    return repr(v) if math.isfinite(v) else ""


def write_csv(
    sim: Simulation,
    variables: tuple[str, ...],
    out: TextIO,
    extras: list[dict[str, Any]] | None = None,
    *,
    curvature: bool = False,
    optimizer_column: bool = False,
    state: StateRecord | None = None,
) -> None:
    """One row per recorded step: ``run, [optimizer,] step, x[, y], loss, status`` (numbers as Python writes
    them), then with ``state`` (:class:`StateRecord`) the lr and the buffers after that step (``NAME_x``,
    ``NAME_y``: every buffer any optimizer keeps, empty where one does not); with ``curvature``,
    ``lambda_min, lambda_max`` (``curvature`` in 1-D); with ``extras`` from :func:`record_steps` holding
    captions, the caption's lines joined by `` | ``. A cell with nothing to say (the state before the first
    step, a non-finite eigenvalue) is empty. Written a chunk of rows at a time."""
    import csv

    from landscape_gui.core.analysis.curvature import curvature_along

    captions = extras is not None and bool(extras) and "captions" in extras[0]
    head = ["run", *(["optimizer"] if optimizer_column else []), "step", *variables, "loss", "status"]
    if state is not None:
        head += state.csv_header(variables)
    if curvature:
        head += ["curvature"] if len(variables) == 1 else ["lambda_min", "lambda_max"]
    if captions:
        head.append("caption")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    for k, run in enumerate(sim.runs()):
        path = sim.path(run.group, run.index)
        loss = sim.loss_history(run.group, run.index)[1]
        curv = curvature_along(sim.landscape, path).reshape(len(path), -1) if curvature else None
        caps = extras[k]["captions"] if captions and extras is not None else None
        lead = [k, run.optimizer] if optimizer_column else [k]
        for i in range(0, len(path), CHUNK):
            stop = min(i + CHUNK, len(path))
            cells = state.csv_cells(run.group, run.index, i, stop) if state is not None else None
            rows = []
            for j, (p, v) in enumerate(zip(path[i:stop].tolist(), loss[i:stop].tolist(), strict=True)):
                t = i + j  # the row of step t: the state and caption of step t (none at the start)
                row = [*lead, t, *(repr(c) for c in p), repr(v), run.status]
                if cells is not None:
                    row += cells[j]
                if curv is not None:
                    row += [_cell(c) for c in curv[t].tolist()]
                if caps is not None:
                    cap = caps[t - 1] if 0 < t <= len(caps) else None
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


class StateRecord:
    """The optimizers' state after every step of a simulation, and the lr each step used, held as float64
    arrays (8 bytes per number, about 40 bytes per run and step in 2-D with two buffers, not Python dicts of
    ~1.2 KB) and turned into JSON or CSV a chunk of steps at a time. Each optimizer (group) keeps its own
    buffers; an entry is ``{"lr": lr, NAME: [x, y], ...}`` under torch.optim's names (``[x]`` in 1-D).

    :meth:`record` keeps the state after one step (call it after each ``sim.step(1)``; :func:`record_steps`
    does); :meth:`step` steps the simulation and records, ``steps`` times.

    >>> from landscape_gui.core.landscapes.library import get_landscape
    >>> from landscape_gui.core.analysis.simulation import Simulation
    >>> sim = Simulation(get_landscape("booth"), [[0, 0]], [("momentum", {"lr": 0.01})], max_points=None)
    >>> rec = StateRecord(sim, 2); rec.step()
    >>> "".join(rec.json_rows(0, 0, 2))[:47]
    '{"lr": 0.01, "momentum_buffer": [-34.0, -38.0]}'
    """

    def __init__(self, sim: Simulation, steps: int) -> None:
        self.sim = sim
        n, d = sim.starts.shape
        self.names = [list(sim.buffers(gi)) for gi in range(len(sim.groups))]
        self.values = [np.empty((int(steps), len(names), n, d)) for names in self.names]
        self.lr = [np.empty(int(steps)) for _ in self.names]
        self.steps = int(steps)
        self.taken = 0
        #: every buffer any optimizer keeps, in first-seen order: the CSV's columns
        self.columns = list(dict.fromkeys(name for names in self.names for name in names))

    def record(self) -> None:
        """Keep the state after the step just taken (and the lr it used)."""
        t = self.taken
        for gi, names in enumerate(self.names):
            buffers = self.sim.buffers(gi)
            for b, name in enumerate(names):
                self.values[gi][t, b] = buffers[name]
            last = self.sim.last_step(gi)
            assert last is not None  # record() follows a step
            self.lr[gi][t] = last.hp["lr"]
        self.taken = t + 1

    def step(self) -> None:
        """Step the simulation once per step this record holds, keeping the state after each."""
        while self.taken < self.steps:
            self.sim.step(1)
            self.record()

    def _entries(self, g: int, i: int, first: int, stop: int) -> list[dict[str, Any]]:
        lr = self.lr[g][first:stop].tolist()
        cols = [self.values[g][first:stop, b, i].tolist() for b in range(len(self.names[g]))]
        return [
            {"lr": lr[t], **{name: cols[b][t] for b, name in enumerate(self.names[g])}}
            for t in range(stop - first)
        ]

    def json_rows(self, g: int, i: int, steps: int) -> Iterator[str]:
        """The inside of the ``"state"`` array of run ``i`` of optimizer ``g`` for its first ``steps`` steps,
        in chunks."""
        for first in range(0, min(steps, self.taken), STATE_CHUNK):
            stop = min(first + STATE_CHUNK, steps, self.taken)
            text = dumps_strict(self._entries(g, i, first, stop))[1:-1]
            if text:
                yield (", " if first else "") + text

    def csv_header(self, variables: tuple[str, ...]) -> list[str]:
        return ["lr", *(f"{name}_{v}" for name in self.columns for v in variables)]

    def csv_cells(self, g: int, i: int, first: int, stop: int) -> list[list[str]]:
        """The state columns of rows ``first`` … ``stop − 1`` of run ``i`` of optimizer ``g`` (row k shows
        step k's lr and the buffers after it; row 0, the start, none; a buffer this optimizer does not keep,
        none)."""
        d = self.values[g].shape[3]
        where = {name: b for b, name in enumerate(self.names[g])}
        blank = [""] * d
        out = []
        for k in range(first, stop):
            if not 0 < k <= self.taken:
                out.append([""] * (1 + len(self.columns) * d))
                continue
            row = [repr(float(self.lr[g][k - 1]))]
            for name in self.columns:
                b = where.get(name)
                row += blank if b is None else [repr(float(c)) for c in self.values[g][k - 1, b, i]]
            out.append(row)
        return out


def record_steps(
    sim: Simulation, steps: int, *, state: bool = False, captions: bool = False, digits: int = 4
) -> tuple[StateRecord | None, list[dict[str, Any]] | None]:
    """Step ``sim`` ``steps`` times, recording with ``state`` every optimizer's state after each step (a
    :class:`StateRecord`: float64 arrays, for :func:`write_json` and :func:`write_csv` to stream), and with
    ``captions`` per run (in ``sim.runs()`` order) ``{"captions": [...]}``: each step's caption as lines of
    text (:mod:`~landscape_gui.core.frames.captions`, ``digits`` significant digits), one entry per step the
    run took (a diverged run's stop where it stopped). Returns ``(state record or None, captions or None)``;
    with neither asked for it steps at full speed."""
    record = StateRecord(sim, steps) if state else None
    if not (state or captions):
        sim.step(steps)
        return None, None
    from landscape_gui.core.frames.captions import step_caption

    n, groups = len(sim.starts), len(sim.groups)
    texts: list[list[list[str]]] = [[] for _ in range(n * groups)] if captions else []
    for _ in range(steps):
        sim.step(1)
        if record is not None:
            record.record()
        for gi in range(groups if captions else 0):
            for i in range(n):
                caption = step_caption(sim, gi, i)
                assert caption is not None  # a step was just taken
                texts[gi * n + i].append(caption.text_lines(digits))
    if not captions:
        return record, None
    return record, [{"captions": t[: run.step]} for run, t in zip(sim.runs(), texts, strict=True)]


def run_record(sim: Simulation, run: Run) -> dict[str, Any]:
    """One run of a :class:`~landscape_gui.core.analysis.simulation.Simulation` as JSON-ready data (every step kept
    when the simulation was built with ``max_points=None``)."""
    steps, loss = sim.loss_history(run.group, run.index)
    return {
        "start": list(run.start),
        "path": sim.path(run.group, run.index).tolist(),
        "loss": loss.tolist(),
        **_run_summary(run),
    }


def trace_runs(sim: Simulation) -> list[dict[str, Any]]:
    """Every run of ``sim``, optimizer-major, as :func:`run_record` gives it."""
    return [run_record(sim, run) for run in sim.runs()]


def scenario_optimizers(scenario: Scenario, sim: Simulation) -> list[dict[str, Any]]:
    """The id, legend label (the window's and the export's) and hyperparameters of each optimizer of a scenario's
    simulation."""
    from landscape_gui.core.frames.presenter import optimizer_label

    return [
        {"id": oid, "label": optimizer_label(o), "params": params}
        for o, (oid, params) in zip(scenario.optimizers, sim.optimizers, strict=True)
    ]


def scenario_header(scenario: Scenario, sim: Simulation) -> dict[str, Any]:
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


def scenario_run_fields(scenario: Scenario, sim: Simulation) -> list[dict[str, Any]]:
    """Per run (``sim.runs()`` order): the ``optimizer`` id, legend ``label`` and ``params`` of its optimizer."""
    optimizers = scenario_optimizers(scenario, sim)
    return [
        {"optimizer": optimizers[run.group]["id"], "label": optimizers[run.group]["label"],
         "params": optimizers[run.group]["params"]}
        for run in sim.runs()
    ]  # fmt: skip


def trace_scenario(scenario: Scenario, *, curvature: bool = False) -> dict[str, Any]:
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
