"""What ``basins`` and ``restarts`` share: their inputs (a SCENARIO or --function/--expr, whose settings the
options override) and their output, JSON documents and text tables from the core's results.

Non-finite numbers are written as ``null`` so the JSON is strict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from landscape_gui.cli.common import (
    UsageError,
    add_landscape_args,
    check_batch_size,
    load_landscape,
    load_source,
    parse_schedule_option,
    parse_settings,
    with_domain,
)
from landscape_gui.core.analysis.basins import BasinMap, BasinProblem, Outcome, outcome_name
from landscape_gui.core.analysis.restarts import RestartSummary
from landscape_gui.core.limits import MAX_NOISE, MAX_SEED, MAX_STEPS, MAX_TOL, check_count

__all__ = ["basins_json", "basins_text", "restarts_json", "restarts_text"]

#: What ``basins`` and ``restarts`` use when neither an option nor the scenario sets it.
DEFAULT_STEPS = 500
DEFAULT_TOL = 1e-3
DEFAULT_NOISE = 0.0
DEFAULT_SEED = 0


def _num(v: float | None) -> float | None:
    return float(v) if v is not None and math.isfinite(v) else None


def _outcome_json(o: Outcome) -> dict:
    return {
        "kind": o.kind,
        "point": None if o.point is None else [_num(c) for c in o.point],
        "value": _num(o.value),
        "global": bool(o.is_global),
        "share": o.share,
    }


def _params(params) -> dict:
    return {k: _num(v) for k, v in params.items()}


def _schedule(schedule) -> dict:
    """The learning-rate schedule used, as ``trace`` states it: ``{"name", PARAMETER: value, ...}``."""
    return {"name": schedule.id, **schedule.resolved()}


def _global_share(outcomes: Sequence[Outcome]) -> float:
    """The share of the starts that reached a global minimum, from the counts (exactly 1.0 when all did)."""
    total = sum(o.count for o in outcomes)
    return sum(o.count for o in outcomes if o.is_global) / max(1, total)


def basins_json(m: BasinMap, function: str) -> dict:
    """The ``basins`` JSON contract: function, optimizer, params, schedule, grid, steps, batch_size, tol,
    outcomes, global_share."""
    pr = m.problem
    outcomes = m.outcomes()
    return {
        "function": function,
        "optimizer": pr.optimizer,
        "params": _params(pr.params),
        "schedule": _schedule(pr.schedule),
        "grid": m.grid,
        "steps": pr.steps,
        "batch_size": pr.batch_size,
        "tol": pr.tol,
        "outcomes": [_outcome_json(o) for o in outcomes],
        "global_share": _global_share(outcomes),
    }


def _rows(outcomes: Sequence[Outcome], limit: int = 20) -> list[str]:
    """One line per outcome that occurs; past ``limit``, the rest summed on one line."""
    occur = [o for o in outcomes if o.count]
    shown = occur if len(occur) <= limit else occur[: limit - 1]
    rows = [(outcome_name(o), f"{100 * o.share:5.1f} %  ({o.count})") for o in shown]
    if len(occur) > len(shown):
        rest = occur[len(shown) :]
        share, count = sum(o.share for o in rest), sum(o.count for o in rest)
        rows.append((f"… {len(rest)} more outcomes", f"{100 * share:5.1f} %  ({count})"))
    width = max((len(a) for a, _ in rows), default=0)
    return [f"  {a:<{width}}  {b}" for a, b in rows]


def _setting_words(params, schedule, batch_size) -> str:
    """``lr=0.01, weight_decay=0`` and, when used, the schedule and the batch size."""
    words = [f"{k}={v:g}" for k, v in params.items()]
    if not schedule.is_constant:
        words.append(f"schedule {schedule.text()}")
    if batch_size is not None:
        words.append(f"batches of {batch_size}")
    return ", ".join(words)


def basins_text(m: BasinMap, out: str | None) -> str:
    pr = m.problem
    L = pr.landscape
    starts = f"{m.grid}×{m.grid}" if L.dim == 2 else f"{m.grid}"
    params = _setting_words(pr.params, pr.schedule, pr.batch_size)
    lines = [
        f"Basins of {L.name}: {pr.optimizer} ({params}), {starts} starts, {pr.steps} steps, tol {pr.tol:g}"
    ]
    lines += _rows(m.outcomes())
    lines.append(f"  global minimum reached: {100 * _global_share(m.outcomes()):.1f} %")
    if out:
        lines.append(f"wrote {out}")
    return "\n".join(lines)


def _best(r: RestartSummary) -> dict | None:
    b = r.best()
    if b is None:
        return None
    s = r.settled
    return {
        "start": [_num(c) for c in s.starts[b]],
        "end": [_num(c) for c in s.ends[b]],
        "loss": _num(s.loss[b]),
    }


def _restarts_for(r: RestartSummary, confidence: float) -> int | None:
    """The fewest restarts for that chance of reaching the global minimum; None (null) when p = 0."""
    return _count_or_none(r.restarts_needed(confidence))


def _count_or_none(k: int | float) -> int | None:
    return None if math.isinf(k) else int(k)


def restarts_json(r: RestartSummary, function: str, steps: int, tol: float, seed: int) -> dict:
    """The ``restarts`` JSON: the ``basins`` outcome list with ``runs``, the best run, the five category
    shares, the success probability p with its 95 % Wilson interval (``p_interval``), the restarts needed for a
    90 % chance with the interval that follows (``restarts_for_90_interval``: [fewest, most], the most null when
    the interval reaches 0) and the curve P(≥ 1 of k reaches the global minimum) measured on ``groups`` groups
    of k runs apart from the n."""
    outcomes = r.outcomes()
    return {
        "function": function,
        "optimizer": r.optimizer,
        "params": _params(r.params),
        "schedule": _schedule(r.schedule),
        "runs": r.runs,
        "steps": steps,
        "batch_size": r.batch_size,
        "tol": tol,
        "seed": seed,
        "outcomes": [_outcome_json(o) for o in outcomes],
        "global_share": _global_share(outcomes),
        "categories": r.categories(),
        "p": r.p,
        "p_interval": list(r.p_interval()),
        "restarts_for_90": _restarts_for(r, 0.9),
        "restarts_for_90_interval": [_count_or_none(k) for k in r.restarts_interval(0.9)],
        "success_curve": {
            "k": r.ks.tolist(),
            "measured": r.measured.tolist(),
            "groups": r.groups.tolist(),
            "formula": r.formula().tolist(),
        },
        "best": _best(r),
    }


def restarts_text(r: RestartSummary, landscape_name: str, steps: int) -> str:
    params = _setting_words(r.params, r.schedule, r.batch_size)
    lines = [f"{r.runs} random restarts on {landscape_name}: {r.optimizer} ({params}), {steps} steps"]
    lines += [f"  {k.replace('_', ' '):<15} {100 * v:5.1f} %" for k, v in r.categories().items()]
    need = r.restarts_needed(0.9)
    lo, hi = r.p_interval()
    few, many = r.restarts_interval(0.9)
    interval = f"95 % interval {lo:.4f} … {hi:.4f}"
    if math.isinf(need):
        lines.append(
            f"  p = 0 ({interval}): no run reached the global minimum, so no number of restarts is known to give "
            f"a 90 % chance (at least {few} if p were {hi:.4f})"
        )
    else:
        most = "no number" if math.isinf(many) else f"{many}"
        lines.append(
            f"  p = {r.p:.4f} ({interval}): {need} restart{'s' if need != 1 else ''} for a 90 % chance "
            f"({few} … {most} over the interval)"
        )
    lines.append(
        f"  k    P(≥1 of k reaches the global minimum): measured on {int(r.groups[-1]) if len(r.groups) else 0}+"
        " groups of k further runs   1 − (1 − p)^k"
    )
    formula = r.formula()
    for i, k in enumerate(r.ks):
        if k in (1, 2, 5, 10, 20, 50, 100) or i == len(r.ks) - 1:
            lines.append(f"  {k:<4} {r.measured[i]:44.3f}   {formula[i]:.3f}")
    best = _best(r)
    if best is not None:
        start = ", ".join(f"{c:.6g}" for c in best["start"])
        end = ", ".join(f"{c:.6g}" for c in best["end"])
        lines.append(f"  best run: from ({start}) to ({end}), loss {best['loss']:.6g}")
    lines.append("  outcomes:")
    lines += ["  " + row for row in _rows(r.outcomes())]
    return "\n".join(lines)


@dataclass(frozen=True)
class AnalysisInputs:
    """What a ``basins``/``restarts`` command runs: from --function/--expr, or from a SCENARIO whose settings
    the options override."""

    landscape: Any
    function: str
    optimizer: str
    params: dict
    schedule: Any
    steps: int
    noise: float
    seed: int
    batch_size: int | None
    scenario: Any
    #: The optimizer's place in the scenario's list (0 without one): its noise stream, as a simulation draws it.
    group: int = 0

    def problem(self, tol: float) -> BasinProblem:
        """The :class:`BasinProblem` of these inputs (a bad value as one line)."""
        try:
            return BasinProblem(
                self.landscape, self.optimizer, self.params, steps=self.steps, tol=tol, noise=self.noise,
                seed=self.seed, schedule=self.schedule, batch_size=self.batch_size, group=self.group,
            )  # fmt: skip
        except ValueError as e:
            raise UsageError(str(e)) from None


def analysis_inputs(args) -> AnalysisInputs:
    """The inputs of a ``basins``/``restarts`` command, each checked against :mod:`landscape_gui.core.limits`:
    from --function/--expr, or from a SCENARIO (file or preset id) whose settings the options override (the
    chosen optimizer's hyperparameters and learning-rate schedule, the steps, noise, seed and batch size)."""
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
    oid, base, schedule, group = args.optimizer, {}, None, 0
    if scenario is not None:
        ids = [o.id for o in scenario.optimizers]
        if oid is None and len(ids) > 1:
            raise UsageError(f"give --optimizer ID: the scenario has {len(ids)} ({', '.join(ids)})")
        oid = oid or ids[0]
        for k, o in enumerate(scenario.optimizers):  # the first with that id: its settings and noise stream
            if o.id == oid:
                group, base, schedule = k, dict(o.params), o.schedule
                break
    if oid is None:
        raise UsageError("give --optimizer ID (see 'landscape-gui optimizers')")
    try:
        optimizer = get_optimizer(oid)
        params = optimizer.resolve({**base, **parse_settings(args.set)})
    except KeyError as e:
        raise UsageError(e.args[0]) from None
    except ValueError as e:
        raise UsageError(str(e)) from None
    if args.schedule is not None:
        schedule = parse_schedule_option(args.schedule)
    steps = args.steps if args.steps is not None else (scenario.steps if scenario else DEFAULT_STEPS)
    noise = args.noise if args.noise is not None else (scenario.noise if scenario else DEFAULT_NOISE)
    seed = args.seed if args.seed is not None else (scenario.seed if scenario else DEFAULT_SEED)
    batch_size = (
        args.batch_size if args.batch_size is not None else (scenario.batch_size if scenario else None)
    )
    for problem in (check_count(steps, 0, MAX_STEPS, "--steps"), check_count(seed, 0, MAX_SEED, "--seed")):
        if problem:
            raise UsageError(problem)
    if not (math.isfinite(noise) and 0 <= noise <= MAX_NOISE):
        raise UsageError(f"--noise must be a finite number 0 … {MAX_NOISE:g}, not {noise}")
    check_batch_size(batch_size, landscape)
    return AnalysisInputs(
        landscape, function, optimizer.id, params, parse_schedule_option(None) if schedule is None else schedule,
        steps, noise, seed, batch_size, scenario, group,
    )  # fmt: skip


def tolerance(args, section) -> float:
    """``--tol`` (else the scenario section's, else 1e-3): a finite number > 0 and ≤ the limit files have."""
    tol = args.tol if args.tol is not None else (section.tol if section is not None else DEFAULT_TOL)
    if not (math.isfinite(tol) and 0 < tol <= MAX_TOL):
        raise UsageError(f"--tol must be a finite number > 0 and ≤ {MAX_TOL:g}, not {tol}")
    return tol


def add_analysis_args(p) -> None:
    """The options ``basins`` and ``restarts`` share."""
    p.add_argument("source", nargs="?", metavar="SCENARIO", help="a scenario file (.toml) or preset id")
    add_landscape_args(p)
    p.add_argument(
        "--optimizer",
        metavar="ID",
        help="optimizer id (see 'optimizers'); optional with a one-optimizer scenario",
    )
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a hyperparameter")
    p.add_argument(
        "--schedule",
        metavar="NAME[:KEY=VALUE,...]",
        help="learning-rate schedule, as trace takes it (default: the scenario optimizer's, or constant)",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        metavar="B",
        help="data landscapes: minibatches of B samples, seeded as trace seeds them (default: the "
        "scenario's, or all the data)",
    )
    p.add_argument(
        "--steps", type=int, metavar="S", help=f"steps per run (default: the scenario's, or {DEFAULT_STEPS})"
    )
    p.add_argument(
        "--tol",
        type=float,
        metavar="T",
        help=f"distance counted as reaching a critical point (default: the scenario's, or {DEFAULT_TOL:g})",
    )
    p.add_argument(
        "--noise",
        type=float,
        metavar="SIGMA",
        help=f"σ of Gaussian gradient noise (default: the scenario's, or {DEFAULT_NOISE:g})",
    )
    p.add_argument(
        "--seed",
        type=int,
        metavar="K",
        help=f"seed of the noise and of the random starts (default: the scenario's, or {DEFAULT_SEED})",
    )
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: %(default)s)"
    )
