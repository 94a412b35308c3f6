"""Two lessons on a trained network, as settings and as the numbers their text states (computed, not typed).

- :data:`ADAM_AND_SGD`, "Adam and SGD train the same network": from one θ₀, Adam and minibatch SGD train the
  mlp_slice network; one shared PCA plane (:func:`~landscape_gui.core.training.projection.project`) shows
  both paths. :func:`adam_and_sgd_claims` measures what the lesson says is seen: both reach the same loss
  and accuracy at different points, the plane holds most but not all of the paths, and the surface drawn
  under a path is not the loss the path had.
- :data:`EDGE_OF_STABILITY`, "Edge of stability" (Cohen, Kaur, Li, Kolter & Talwalkar, ICLR 2021): full-batch
  gradient descent on the mean squared error; the sharpness λmax rises until it reaches 2/lr and then hovers
  there while the loss keeps falling, not monotonically; a second run at half the learning rate is the
  control. :func:`edge_of_stability_claims` measures it.

``tests/test_training_lessons.py`` asserts the claims; ``benchmarks/edge_of_stability_search.py`` records the
settings that were tried to find the second lesson.

>>> EDGE_OF_STABILITY.optimizers[0]
('gd', {'lr': 0.2})
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from landscape_gui.core.training.problem import NetworkLoss, mlp_slice_problem
from landscape_gui.core.training.projection import Projection, plane_loss, project
from landscape_gui.core.training.train import TrainedRun, Training, train

__all__ = [
    "ADAM_AND_SGD",
    "EDGE_OF_STABILITY",
    "AdamSgdClaims",
    "EdgeClaims",
    "Lesson",
    "adam_and_sgd_claims",
    "edge_of_stability_claims",
]


@dataclass(frozen=True)
class Lesson:
    """Everything one lesson trains: the problem (``mlp_slice_problem(loss_name)``), the optimizers from one
    start, the steps, the seed (θ₀ and the batches), the batch size and the sharpness interval."""

    id: str
    title: str
    loss_name: str
    optimizers: tuple[tuple[str, dict[str, float]], ...]
    steps: int
    seed: int
    batch_size: int | None
    every: int | None

    def problem(self) -> NetworkLoss:
        return mlp_slice_problem(self.loss_name)

    def train(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Training:
        """Train the lesson's runs (see :func:`~landscape_gui.core.training.train.train`)."""
        return train(
            self.problem(),
            list(self.optimizers),
            steps=self.steps,
            seed=self.seed,
            batch_size=self.batch_size,
            every=self.every,
            progress=progress,
            cancelled=cancelled,
        )


ADAM_AND_SGD = Lesson(
    id="adam-sgd-train",
    title="Adam and SGD train the same network",
    loss_name="cross_entropy",
    optimizers=(("adam", {"lr": 0.01}), ("sgd", {"lr": 0.3, "noise": 0.0})),
    steps=1000,
    seed=0,
    batch_size=20,
    every=None,
)

EDGE_OF_STABILITY = Lesson(
    id="edge-of-stability",
    title="Edge of stability",
    loss_name="mse",
    optimizers=(("gd", {"lr": 0.2}), ("gd", {"lr": 0.1})),
    steps=3000,
    seed=0,
    batch_size=None,
    every=50,
)


# -- lesson 1 -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdamSgdClaims:
    """Per run (in the lesson's order), and for the shared plane."""

    start_loss: float
    final_loss: tuple[float, ...]
    final_accuracy: tuple[float, ...]
    #: ‖θ_T − θ₀‖ of each run
    moved: tuple[float, ...]
    #: ‖θ_T(Adam) − θ_T(SGD)‖
    apart: float
    explained: tuple[float, float]
    #: the largest distance of each run's points from the plane, and of its final point
    max_distance: tuple[float, ...]
    final_distance: tuple[float, ...]
    #: per run, the largest |loss on the plane at the projected point − the loss the run had|, and where
    surface_gap: tuple[float, ...]
    surface_gap_step: tuple[int, ...]


def adam_and_sgd_claims(training: Training, projection: Projection | None = None) -> AdamSgdClaims:
    """What the first lesson states, measured on its training (and its shared plane)."""
    runs = training.runs
    projection = projection or project([r.path for r in runs])
    gaps, where = [], []
    for run, coords in zip(runs, projection.paths, strict=True):
        on_plane = plane_loss(training.problem, projection, coords[:, 0], coords[:, 1])
        gap = np.abs(on_plane - run.loss)
        gaps.append(float(gap.max()))
        where.append(int(np.argmax(gap)))
    return AdamSgdClaims(
        start_loss=float(runs[0].loss[0]),
        final_loss=tuple(float(r.loss[-1]) for r in runs),
        final_accuracy=tuple(float(r.accuracy[-1]) for r in runs),
        moved=tuple(float(np.linalg.norm(r.path[-1] - r.path[0])) for r in runs),
        apart=float(np.linalg.norm(runs[0].path[-1] - runs[1].path[-1])),
        explained=projection.explained,
        max_distance=projection.max_distance,
        final_distance=tuple(float(d[-1]) for d in projection.distances),
        surface_gap=tuple(gaps),
        surface_gap_step=tuple(where),
    )


# -- lesson 2 -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EdgeClaims:
    """One gradient-descent run's sharpness against 2/lr, and its loss, before and after it reached the edge.

    ``reached`` is the first sharpness step where λmax ≥ ``fraction`` × 2/lr (None if never); the ratios are
    λmax/(2/lr); ``rises`` says whether every sharpness point before ``reached`` is above the one before it.
    """

    edge: float
    start_ratio: float
    max_ratio: float
    final_sharpness: float
    reached: int | None
    rises: bool
    #: min and max of λmax/(2/lr) from ``reached`` to the end
    hover: tuple[float, float] | None
    #: steps where the loss went up, before and after ``reached``
    ups_before: int
    ups_after: int
    loss_at_reached: float | None
    final_loss: float
    #: the highest loss after ``reached`` (a spike above the loss there, when it is higher)
    max_loss_after: float | None


def edge_of_stability_claims(run: TrainedRun, fraction: float = 0.95) -> EdgeClaims:
    """The sharpness of a constant-lr gradient-descent ``run`` against 2/lr (see :class:`EdgeClaims`)."""
    edge = 2.0 / run.params["lr"]
    steps = run.sharpness[:, 0].astype(int)
    ratio = run.sharpness[:, 1] / edge
    hit = np.flatnonzero(ratio >= fraction)
    reached = int(steps[hit[0]]) if hit.size else None
    before = ratio[: hit[0] + 1] if hit.size else ratio
    ups = np.diff(run.loss) > 0
    cut = reached if reached is not None else run.steps
    return EdgeClaims(
        edge=edge,
        start_ratio=float(ratio[0]),
        max_ratio=float(ratio.max()),
        final_sharpness=float(run.sharpness[-1, 1]),
        reached=reached,
        rises=bool(np.all(np.diff(before) > 0)),
        hover=(float(ratio[hit[0] :].min()), float(ratio[hit[0] :].max())) if hit.size else None,
        ups_before=int(ups[:cut].sum()),
        ups_after=int(ups[cut:].sum()),
        loss_at_reached=float(run.loss[reached]) if reached is not None else None,
        final_loss=float(run.loss[-1]),
        max_loss_after=float(run.loss[reached:].max()) if reached is not None else None,
    )
