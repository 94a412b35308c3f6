"""What is trained: a network, its loss and its data, as a loss in all P parameters.

:class:`NetworkLoss` is L(θ) = the mean loss of a tanh network (:class:`~landscape_gui.core.data.mlp.Network`)
over a dataset, with nothing added (weight decay comes only from an optimizer's ``weight_decay``, as in
torch). It answers the calls :func:`~landscape_gui.core.analysis.simulation.advance` makes of a landscape, on
(N, P) arrays of parameter vectors: ``value``, ``grad``, ``hessian`` and their minibatch forms
``batch_value``, ``batch_grad``, ``batch_hessian`` (the mean over the batch's samples). So training steps
through the app's one update path: the same optimizers, schedules and minibatches as every landscape.

:func:`mlp_slice_problem` is the network and data of ``mlp_slice``: 2–16–16–2 tanh, 354 parameters, the same
200 two-moons points, the mean cross-entropy.

>>> problem = mlp_slice_problem()
>>> problem.n_parameters, problem.n_samples
(354, 200)
>>> theta = problem.init(seed=0)
>>> bool(abs(problem.value(theta[None])[0] - problem.loss(theta)) == 0.0)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.data.datasets import Dataset, moons_data
from landscape_gui.core.data.mlp import LOSSES, Network
from landscape_gui.core.data.mlp_slice import SliceSettings
from landscape_gui.core.training.hessian import hessian, sharpness

__all__ = ["LOSSES", "NetworkLoss", "mlp_slice_problem"]


@dataclass(frozen=True, eq=False)
class NetworkLoss:
    """The mean loss of ``net`` (its ``loss_name``) over ``data`` (two classes, labels 0 and 1).

    ``net.weight_decay`` must be 0: the loss is the data's loss only.
    """

    net: Network
    data: Dataset

    def __post_init__(self) -> None:
        if self.net.weight_decay != 0.0:
            raise ValueError("the trained loss has no weight decay term: give it to the optimizer instead")
        if self.data.task != "classification" or self.data.features != 2:
            raise ValueError("the network classifies points of two features into two classes")

    # -- facts ----------------------------------------------------------------------------------------------
    @property
    def n_parameters(self) -> int:
        return self.net.n_parameters

    @property
    def n_samples(self) -> int:
        return self.data.n

    @property
    def loss_name(self) -> str:
        return self.net.loss_name

    def init(self, seed: int) -> np.ndarray:
        """θ₀: Glorot-uniform weights and zero biases from ``numpy.random.default_rng(seed)``."""
        return self.net.init(seed)

    def describe_json(self) -> dict[str, Any]:
        """``{"architecture", "loss_name", "data"}`` as ``train`` prints them."""
        return {
            "architecture": {"sizes": list(self.net.sizes), "activation": "tanh"},
            "loss_name": self.loss_name,
            "data": self.data.to_json(),
        }

    # -- one parameter vector -------------------------------------------------------------------------------
    def _xy(self, batch: ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
        if batch is None:
            return self.data.x, self.data.y
        idx = np.asarray(batch, dtype=np.intp)
        if idx.ndim != 1 or idx.size == 0 or idx.min() < 0 or idx.max() >= self.n_samples:
            raise ValueError(f"a batch is a non-empty list of sample indices 0 … {self.n_samples - 1}")
        return self.data.x[idx], self.data.y[idx]

    def loss(self, theta: np.ndarray, batch: ArrayLike | None = None) -> float:
        """L(θ): the mean loss over the data (or over the samples ``batch``)."""
        return self.net.loss(theta, *self._xy(batch))

    def loss_and_grad(self, theta: np.ndarray, batch: ArrayLike | None = None) -> tuple[float, np.ndarray]:
        """L(θ) and ∇L(θ) (P,) by backpropagation."""
        return self.net.loss_and_grad(theta, *self._xy(batch))

    def accuracy(self, theta: np.ndarray) -> float:
        """The share of the data the network classifies right (the larger logit is the label)."""
        z = self.net.logits(theta, self.data.x)
        return float(np.mean((z[:, 1] > z[:, 0]) == (self.data.y == 1)))

    def hessian_matrix(self, theta: np.ndarray, batch: ArrayLike | None = None) -> np.ndarray:
        """The exact P × P Hessian ∇²L(θ) (:func:`~landscape_gui.core.training.hessian.hessian`)."""
        return hessian(self.net, theta, *self._xy(batch))

    def sharpness(self, theta: np.ndarray) -> float:
        """λmax of the exact Hessian of the full-data loss at θ."""
        return sharpness(self.net, theta, self.data.x, self.data.y)

    # -- the landscape interface advance() uses: (N, P) arrays -----------------------------------------------
    def value(self, params: np.ndarray) -> np.ndarray:
        return self.batch_value(params, None)

    def grad(self, params: np.ndarray) -> np.ndarray:
        return self.batch_grad(params, None)

    def hessian(self, params: np.ndarray) -> np.ndarray:
        return self.batch_hessian(params, None)

    def batch_value(self, params: np.ndarray, batch: Sequence[int] | np.ndarray | None) -> np.ndarray:
        """The mean loss over the samples ``batch`` (None: all) at each row of ``params``: (N,)."""
        x, y = self._xy(batch)
        return np.array([self.net.loss(p, x, y) for p in np.atleast_2d(params)])

    def batch_grad(self, params: np.ndarray, batch: Sequence[int] | np.ndarray | None) -> np.ndarray:
        """The mean gradient over the samples ``batch`` at each row of ``params``: (N, P)."""
        x, y = self._xy(batch)
        return np.array([self.net.loss_and_grad(p, x, y)[1] for p in np.atleast_2d(params)])

    def batch_hessian(self, params: np.ndarray, batch: Sequence[int] | np.ndarray | None) -> np.ndarray:
        """The mean Hessian over the samples ``batch`` at each row of ``params``: (N, P, P)."""
        x, y = self._xy(batch)
        return np.array([hessian(self.net, p, x, y) for p in np.atleast_2d(params)])


def mlp_slice_problem(
    loss_name: str = "cross_entropy", sizes: tuple[int, ...] | None = None, samples: int | None = None
) -> NetworkLoss:
    """The network and data of ``mlp_slice`` (2–16–16–2 tanh, 200 two-moons points, noise 0.2, seed 18),
    with no weight decay in the loss. ``loss_name``, ``sizes`` (all layers, e.g. (2, 32, 2)) and ``samples``
    (the number of points, drawn by the same generator: ``moons_data(samples, 0.2, 18)``) may be changed for
    an experiment."""
    s = SliceSettings()
    net = Network(tuple(sizes or s.sizes), 0.0, loss_name)
    return NetworkLoss(net, moons_data(samples or s.samples, s.noise, s.data_seed))
