"""What the sharpness plot shows for one frame: λmax along each run, and each optimizer's stability line.

Gradient descent at a minimum is stable only while λmax < 2/lr (heavy-ball momentum: 2(1 + μ)/lr, see
:func:`~landscape_gui.core.analysis.curvature.sharpness_limit`). The plot draws, per run, the largest Hessian
eigenvalue at the points of its recorded path (:class:`~landscape_gui.core.analysis.curvature.SharpnessHistory`
computes each point once), and per optimizer that has such a bound a dashed line at it (a curve when a
schedule changes lr). A run whose curve lies above its optimizer's line is where the step is too large: it
oscillates outward along the sharpest direction instead of settling.

>>> import numpy as np
>>> from landscape_gui.core.analysis.curvature import SharpnessHistory
>>> from landscape_gui.core.landscapes.expressions import landscape_from_formula
>>> from landscape_gui.core.scenario.model import OptimizerSpec
>>> lines = stability_lines([OptimizerSpec("gd", {"lr": 0.11})], [(np.array([]), np.array([]))], 25)
>>> lines[0].text, lines[0].values
('2/lr = 18.18 (lr 0.11)', array([18.18181818, 18.18181818]))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from landscape_gui.core.analysis.curvature import SharpnessHistory, sharpness_limit
from landscape_gui.core.optimizers.catalog import get_optimizer

if TYPE_CHECKING:
    from landscape_gui.core.frames.snapshot import Snapshot
    from landscape_gui.core.landscapes.landscape import Landscape
    from landscape_gui.core.scenario.model import OptimizerSpec, Scenario
    from landscape_gui.core.training.train import Training

__all__ = ["MAX_SHARPNESS_RUNS", "SharpnessCurves", "StabilityLine", "sharpness_curves", "stability_lines"]

#: Runs the plot follows at most (hundreds of random restarts would cost a Hessian per point of each).
MAX_SHARPNESS_RUNS = 64
#: Points of each run's path the plot evaluates at most (evenly spread over the steps).
MAX_POINTS = 300

#: How each bound is written on the plot.
_FORMULA = {"gd": "2/lr", "sgd": "2/lr", "momentum": "2(1+μ)/lr", "nesterov": "2(1+μ)/((1+2μ)lr)"}


@dataclass(frozen=True, eq=False)
class StabilityLine:
    """The λmax above which optimizer ``group`` is unstable, over the steps (two points when lr is constant)."""

    group: int
    text: str
    steps: np.ndarray
    values: np.ndarray


@dataclass(frozen=True, eq=False)
class SharpnessCurves:
    """Per run ``(steps, λmax)`` (empty when not followed), the optimizers' lines, and a note for the plot."""

    runs: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    lines: tuple[StabilityLine, ...] = ()
    note: str = ""


def stability_lines(
    optimizers: Sequence[OptimizerSpec], lr_history: Sequence[Any], last_step: int
) -> tuple[StabilityLine, ...]:
    """One :class:`StabilityLine` per optimizer spec that has a bound; ``lr_history`` per optimizer
    ``(steps, lr)`` of the steps taken (used when it follows a schedule), ``last_step`` where a constant
    line ends."""
    out = []
    for g, spec in enumerate(optimizers):
        hp = get_optimizer(spec.id).resolve(spec.params)
        limit = sharpness_limit(spec.id, hp)
        if limit is None:
            continue
        scheduled = spec.schedule is not None and not spec.schedule.is_constant
        steps, lrs = lr_history[g] if g < len(lr_history) else (np.empty(0), np.empty(0))
        if scheduled and len(steps):
            values = np.array([sharpness_limit(spec.id, {**hp, "lr": float(v)}) or np.nan for v in lrs])
            steps = np.asarray(steps, dtype=np.float64)
            text = f"{_FORMULA[spec.id]} (lr scheduled)"
        else:
            steps = np.array([0.0, float(max(1, last_step))])
            values = np.full(2, limit)
            text = f"{_FORMULA[spec.id]} = {limit:.4g} (lr {hp['lr']:g})"
        out.append(StabilityLine(g, text, steps, values))
    return tuple(out)


def _thinned(n: int) -> np.ndarray:
    """Indices of at most ~:data:`MAX_POINTS` of ``n`` points: every 2^k-th and the last, so the points kept
    as a run grows are mostly the ones kept before (each Hessian computed once)."""
    stride = 1
    while n > stride * MAX_POINTS:
        stride *= 2
    index = np.arange(0, n, stride)
    return index if not n or index[-1] == n - 1 else np.append(index, n - 1)


def sharpness_curves(
    history: SharpnessHistory, snapshot: Snapshot, scenario: Scenario, landscape: Landscape
) -> SharpnessCurves:
    """The sharpness plot of ``snapshot`` (a :class:`~landscape_gui.core.frames.snapshot.Snapshot` of
    ``scenario`` on ``landscape``)."""
    n_runs = len(snapshot.paths)
    lines = stability_lines(scenario.optimizers, snapshot.lr_history, snapshot.step)
    if n_runs > MAX_SHARPNESS_RUNS:
        note = f"{n_runs} runs: λmax is followed for at most {MAX_SHARPNESS_RUNS}"
        return SharpnessCurves([(np.empty(0), np.empty(0))] * n_runs, lines, note)
    runs = []
    for i, (path, steps) in enumerate(zip(snapshot.paths, snapshot.history_steps, strict=True)):
        n = min(len(path), len(steps))
        index = _thinned(n)
        s = np.asarray(steps)[index]
        runs.append((s.astype(np.float64), history.along(landscape, i, s, np.asarray(path)[index])))
    note = "" if lines else "no line: adaptive and Newton methods have no fixed bound 2/lr"
    return SharpnessCurves(runs, tuple(_with_verdict(line, runs, snapshot.runs) for line in lines), note)


def _with_verdict(
    line: StabilityLine, curves: Sequence[tuple[np.ndarray, np.ndarray]], runs: Sequence[Any]
) -> StabilityLine:
    """``line`` with ": unstable" (λmax above it) or ": stable" (below) when every run of its optimizer is now on that
    side of it."""
    last = [c[1][np.isfinite(c[1])][-1:] for c, r in zip(curves, runs, strict=False) if r.group == line.group]
    limit = line.values[np.isfinite(line.values)][-1:]
    if not last or not all(len(v) for v in last) or not len(limit):
        return line
    above = [float(v[0]) > float(limit[0]) for v in last]
    if all(above):
        return replace(line, text=f"{line.text}: unstable")
    if not any(above):
        return replace(line, text=f"{line.text}: stable")
    return line


def training_sharpness(training: Training) -> SharpnessCurves:
    """The sharpness plot of a trained network (a :class:`~landscape_gui.core.training.train.Training`): each
    run's λmax of the full Hessian every ``every`` steps, and, for an optimizer with a bound, the line at the
    lr each of those steps used (2/lr for gradient descent: :meth:`~landscape_gui.core.training.train.
    TrainedRun.stability_edge` of a plain gradient-descent run)."""
    runs, lines = [], []
    for g, run in enumerate(training.runs):
        steps = run.sharpness[:, 0].astype(np.float64)
        runs.append((steps, run.sharpness[:, 1].copy()))
        if sharpness_limit(run.optimizer, run.params) is None or not len(steps):
            continue
        idx = np.minimum(steps.astype(np.intp), max(0, len(run.lr) - 1))
        lrs = run.lr[idx] if len(run.lr) else np.full(len(steps), run.params["lr"])
        values = np.array(
            [sharpness_limit(run.optimizer, {**run.params, "lr": float(v)}) or np.nan for v in lrs]
        )
        const = bool(np.all(lrs == lrs[0]))
        text = _FORMULA[run.optimizer] + (
            f" = {values[0]:.4g} (lr {lrs[0]:g})" if const else " (lr scheduled)"
        )
        lines.append(StabilityLine(g, text, steps, values))
    return SharpnessCurves(
        runs, tuple(lines), "" if lines else "no line: adaptive methods have no fixed 2/lr"
    )
