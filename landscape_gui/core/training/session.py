"""A scenario's trained network: what ``[training]`` trains, and the words the window puts beside its plane.

A scenario with a ``[training]`` section (:class:`~landscape_gui.core.scenario.model.TrainingSettings`)
trains the network of ``mlp_slice`` (its ``loss``) in all its parameters with the scenario's optimizers (their
hyperparameters and schedules), from θ₀ = ``problem.init(seed)``, for the scenario's ``steps``, on its
``batch_size`` (None: the whole data), the sharpness every ``every`` steps (0: about 50 points). Then one shared
PCA plane of the paths, and the loss on it, coarse then fine (:func:`trained_plane`).

:func:`plane_caption` states what the plane holds and what it does not: the share of the paths' variance the
two components explain, and how far each path goes from the plane (the honest caveat of Li et al.'s plot).

>>> from landscape_gui.core.scenario.files import loads_scenario
>>> s = loads_scenario('[landscape]\\nfunction = "mlp_slice"\\n[[optimizers]]\\nid = "adam"\\nlr = 0.01\\n'
...                    '[run]\\nstarts = [[0.0, 0.0]]\\nsteps = 40\\n[training]\\n')
>>> out = list(trained_plane(s, resolutions=(5,)))
>>> [type(o).__name__ for o in out]
['TrainedPlane', 'PlaneSurface']
>>> out[0].training.runs[0].path.shape
(41, 354)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from landscape_gui.core.training.problem import mlp_slice_problem
from landscape_gui.core.training.projection import (
    RESOLUTIONS,
    PlaneSurface,
    Projection,
    plane_surfaces,
    project,
)
from landscape_gui.core.training.train import Training, default_every, train

if TYPE_CHECKING:
    from landscape_gui.core.scenario.model import Scenario

__all__ = ["TrainedPlane", "plane_caption", "train_scenario", "trained_plane"]


@dataclass(frozen=True, eq=False)
class TrainedPlane:
    """A training and its shared PCA plane."""

    training: Training
    projection: Projection


def train_scenario(
    scenario: Scenario,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Training:
    """Train what ``scenario``'s ``[training]`` section says (see the module docstring). ``ValueError`` (one
    line) when it cannot: no ``[training]``, a bad size."""
    settings = scenario.training
    if settings is None:
        raise ValueError("the scenario has no [training] section")
    steps = int(scenario.steps)
    return train(
        mlp_slice_problem(settings.loss),
        [(o.id, dict(o.params), o.schedule) if o.schedule is not None else (o.id, dict(o.params))
         for o in scenario.optimizers],
        steps=steps,
        seed=int(scenario.seed),
        batch_size=scenario.batch_size,
        every=settings.every or default_every(steps),
        progress=progress,
        cancelled=cancelled,
    )  # fmt: skip


def trained_plane(
    scenario: Scenario,
    resolutions: Sequence[int] = RESOLUTIONS,
    *,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[TrainedPlane | PlaneSurface]:
    """Yield the :class:`TrainedPlane` of ``scenario``, then the loss on its plane at each of ``resolutions``
    (:class:`~landscape_gui.core.training.projection.PlaneSurface`, coarse first). ``progress(share)`` goes
    0 … 1 over all of it (training is counted as half)."""

    def report(share: float) -> None:
        if progress is not None:
            progress(min(1.0, max(0.0, share)))

    training = train_scenario(scenario, lambda d, t: report(0.5 * d / max(1, t)), cancelled)
    projection = project([r.path for r in training.runs])
    yield TrainedPlane(training, projection)
    yield from plane_surfaces(
        training.problem, projection, resolutions,
        progress=lambda d, t: report(0.5 + 0.5 * d / max(1, t)), cancelled=cancelled,
    )  # fmt: skip


def plane_caption(plane: TrainedPlane, names: Sequence[str]) -> list[str]:
    """The lines the window shows beside the plane: the network, the plane's explained share, and per run
    (``names``: each run's label) its final loss and accuracy and its largest distance from the plane."""
    t, p = plane.training, plane.projection
    sizes = "–".join(str(n) for n in t.problem.net.sizes)
    loss = {"cross_entropy": "cross-entropy", "mse": "mean squared error"}.get(t.problem.loss_name, "loss")
    batch = f"batches of {t.batch_size}" if t.batch_size else "the whole data each step"
    a, b = p.explained
    lines = [
        f"{sizes} tanh network ({t.problem.n_parameters} parameters), {loss}, {t.steps} steps from one θ₀ "
        f"(seed {t.seed}), {batch}.",
        f"The plane holds {100 * (a + b):.1f} % of the paths' variance ({100 * a:.1f} % + {100 * b:.1f} %): "
        "the loss drawn is on the plane, not where the paths are.",
    ]
    for name, run, far in zip(names, t.runs, p.max_distance, strict=True):
        lines.append(
            f"{name}: loss {run.loss[0]:.3g} → {run.loss[-1]:.3g}, accuracy {100 * run.accuracy[-1]:.1f} %, "
            f"up to {far:.3g} off the plane" + (" (diverged)" if run.status == "diverged" else "")
        )
    return lines
