"""Trajectories as plain data: what ``landscape-gui trace`` prints, for one optimizer or a whole scenario.

A lecturer checks a demo before class with ``landscape-gui trace PRESET``: every start × optimizer of the
scenario runs for the scenario's steps, and each run's record says where it went and what it ended as.

>>> from landscape_gui.core.presets import load_preset
>>> out = trace_scenario(load_preset("local-vs-global"))
>>> [(r["optimizer"], r["reached"], r["outcome"]) for r in out["runs"]]
[('gd', 'local_minimum', 'stuck in a local minimum'), ('gd', 'global_minimum', 'reached the global minimum')]
"""

from __future__ import annotations

from typing import Any

__all__ = ["run_record", "trace_runs", "trace_scenario"]


def run_record(sim, run) -> dict[str, Any]:
    """One run of a :class:`~landscape_gui.core.simulation.Simulation` as JSON-ready data (every step kept
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
