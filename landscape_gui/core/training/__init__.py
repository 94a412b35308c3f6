"""Real training, honestly projected: a small network trained in all its parameters, and its path drawn on the
plane it actually used (Li et al., "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018, §7).

- :mod:`.problem`: :class:`NetworkLoss`, what is trained (network, loss, data), answering the calls of the
  app's one update path on (N, P) arrays; :func:`mlp_slice_problem`, the network and data of ``mlp_slice``;
- :mod:`.hessian`: the exact P × P Hessian (forward-over-reverse) and its largest eigenvalue, the sharpness;
- :mod:`.train`: :func:`train`, several optimizers from one start θ₀, every step through ``advance``;
- :mod:`.projection`: :func:`project`, the shared PCA plane, explained shares and distances from it;
  :func:`plane_surfaces`, the loss on the plane, coarse then fine, with progress and cancellation;
- :mod:`.lessons`: the two lessons (Adam and SGD on one plane; the edge of stability), their settings and
  the claims their text makes, computed.

Everything here is numpy only, and runs in a background thread or process without Qt.
"""

from __future__ import annotations

from landscape_gui.core.training.problem import NetworkLoss, mlp_slice_problem
from landscape_gui.core.training.projection import (
    PlaneSurface,
    Projection,
    plane_loss,
    plane_surface,
    plane_surfaces,
    project,
)
from landscape_gui.core.training.train import TrainedRun, Training, TrainingCancelled, train

__all__ = [
    "NetworkLoss",
    "PlaneSurface",
    "Projection",
    "TrainedRun",
    "Training",
    "TrainingCancelled",
    "mlp_slice_problem",
    "plane_loss",
    "plane_surface",
    "plane_surfaces",
    "project",
    "train",
]
