"""The runs of a session: a simulation that follows the session's scenario as the user edits it.

What the runs start from (the landscape, the start points, the list of optimizers, the seed) makes a new
simulation at step 0; everything else (hyperparameters, learning-rate schedules, gradient noise, batch size,
the step limit) is applied to the running one and takes effect from its next step, without a reset.

>>> from landscape_gui.core.scenario.files import loads_scenario
>>> s = loads_scenario('[landscape]\\nfunction = "booth"\\n[[optimizers]]\\nid = "gd"\\n[run]\\nstarts = [[0.0, 0.0]]')
>>> runs = SessionRuns(max_points=100)
>>> runs.follow(s, s.build_landscape())
True
>>> runs.sim.step(5)
>>> from dataclasses import replace
>>> runs.follow(replace(s, noise=0.5), runs.sim.landscape), runs.sim.groups[0].t
(False, 5)
"""

from __future__ import annotations

from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.optimizers.schedules import Schedule
from landscape_gui.core.scenario.model import Scenario

__all__ = ["SessionRuns", "restarts_runs"]


def restarts_runs(old: Scenario | None, new: Scenario) -> bool:
    """Whether going from ``old`` to ``new`` needs new runs (a new simulation at step 0)."""
    if old is None:
        return True
    return (
        old.landscape != new.landscape
        or old.starts != new.starts
        or [o.id for o in old.optimizers] != [o.id for o in new.optimizers]
        or old.seed != new.seed
    )


class SessionRuns:
    """Owns the simulation of a session's scenario (see the module docstring)."""

    def __init__(self, max_points: int | None = 0) -> None:
        self.max_points = max_points
        self.scenario: Scenario | None = None
        self.landscape: Landscape | None = None
        self.sim: Simulation | None = None

    def follow(self, scenario: Scenario, landscape: Landscape) -> bool:
        """Make the runs those of ``scenario`` over ``landscape`` (its landscape, built); True when that needed
        new runs. ``ValueError`` (the runs cannot start: e.g. no start point is defined) leaves none."""
        rebuild = (
            self.sim is None or landscape is not self.landscape or restarts_runs(self.scenario, scenario)
        )
        self.scenario, self.landscape = scenario, landscape
        if rebuild:
            self.sim = None
            self.sim = scenario.build_simulation(max_points=self.max_points, landscape=landscape)
            return True
        assert self.sim is not None  # built above when there was none
        sim, old = self.sim, sim_specs(self.sim)
        for g, (spec, (params, schedule)) in enumerate(zip(scenario.optimizers, old, strict=True)):
            resolved = sim.groups[g].optimizer.resolve(dict(spec.params))
            if resolved != params:
                sim.set_hyperparameters(g, resolved)
            if spec.schedule != schedule:
                sim.set_schedule(g, spec.schedule)
        if sim.noise != scenario.noise:
            sim.set_noise(scenario.noise)
        if sim.batch_size != scenario.batch_size:
            sim.set_batch_size(scenario.batch_size)
        sim.step_limit = scenario.steps
        return False


def sim_specs(sim: Simulation) -> list[tuple[dict[str, float], Schedule | None]]:
    """Each optimizer's hyperparameters and schedule (None: constant) as the simulation runs them now."""
    return [(dict(g.hp), None if g.schedule.is_constant else g.schedule) for g in sim.groups]
