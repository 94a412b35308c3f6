"""The models behind the data landscapes: per-sample losses with exact, closed-form derivatives.

A model has two parameters (p, q) and a per-sample loss ℓᵢ(p, q); the landscape is their mean over a batch of
samples (the whole dataset, or a minibatch). Every method takes the parameters of N points as two arrays of
shape (N,) and the batch's inputs and targets, and answers for all points at once with (N, S) arrays inside:
no loop over points or samples, no finite differences.

>>> import numpy as np
>>> m = MODELS["linreg"]
>>> x, y = np.array([0.0, 1.0]), np.array([1.0, 3.0])       # y = 2x + 1 exactly
>>> float(m.value(np.array([2.0]), np.array([1.0]), x, y)[0])
0.0
>>> [float(g[0]) for g in m.grad(np.array([0.0]), np.array([0.0]), x, y)]
[-3.0, -4.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape_gui.core.types import FloatArray

__all__ = ["MODELS", "DataModel"]


def _col(v: FloatArray) -> FloatArray:
    return np.asarray(v, dtype=np.float64)[:, None]


def _least_squares(
    r: FloatArray, r_p: Any, r_q: Any, r_pp: Any, r_pq: Any, r_qq: Any, which: str
) -> list[FloatArray]:
    """Mean of rᵢ² and its exact derivatives from the residuals' own (N, S arrays; second ones may be 0).

    The derivatives are arrays or constants, None where ``which`` does not need them."""
    if which == "value":
        return [np.mean(r * r, axis=1)]
    if which == "grad":
        return [2.0 * np.mean(r * r_p, axis=1), 2.0 * np.mean(r * r_q, axis=1)]
    h_pp = 2.0 * np.mean(r_p * r_p + r * r_pp, axis=1)
    h_pq = 2.0 * np.mean(r_p * r_q + r * r_pq, axis=1)
    h_qq = 2.0 * np.mean(r_q * r_q + r * r_qq, axis=1)
    return [h_pp, h_pq, h_pq, h_qq]


def _sigmoid(z: FloatArray) -> FloatArray:
    """1 / (1 + e^(−z)) without overflow for any z."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus(z: FloatArray) -> FloatArray:
    """log(1 + e^z) without overflow: max(z, 0) + log1p(e^(−|z|))."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


@dataclass(frozen=True)
class DataModel:
    """A two-parameter model and its loss; subclasses give :meth:`_terms` (value, gradient, Hessian parts)."""

    id: str
    params: tuple[str, str]
    model: str  # the model's formula, in the parameters and the inputs
    loss: str  # the landscape's formula J(p, q) (right-hand side): a mean over the samples i

    def value(self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        """Mean loss over the samples (x, y) at each of the N points (p[k], q[k]): shape (N,)."""
        return self._terms(p, q, x, y, "value")[0]

    def grad(self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray) -> list[FloatArray]:
        """[∂J/∂p, ∂J/∂q], each of shape (N,)."""
        return self._terms(p, q, x, y, "grad")

    def hess(self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray) -> list[FloatArray]:
        """[∂²J/∂p², ∂²J/∂p∂q, ∂²J/∂q∂p, ∂²J/∂q²], each of shape (N,)."""
        return self._terms(p, q, x, y, "hess")

    def predict(self, p: float, q: float, inputs: FloatArray) -> FloatArray:
        """The model's output for the inputs at parameters (p, q): a prediction, or P(y = 1)."""
        raise NotImplementedError

    def _terms(
        self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray, which: str
    ) -> list[FloatArray]:
        raise NotImplementedError

    def sympy_loss(self, sp: Any, p: Any, q: Any, x: FloatArray, y: FloatArray) -> Any:
        """The loss as a sympy expression in the symbols p, q: the explicit mean over the samples."""
        raise NotImplementedError


class _LinReg(DataModel):
    def predict(self, p: float, q: float, inputs: FloatArray) -> FloatArray:
        return p * np.asarray(inputs, dtype=np.float64) + q

    def _terms(
        self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray, which: str
    ) -> list[FloatArray]:
        r = _col(p) * x + _col(q) - y
        xs = np.broadcast_to(x, r.shape)
        return _least_squares(r, xs, 1.0, 0.0, 0.0, 0.0, which)

    def sympy_loss(self, sp: Any, p: Any, q: Any, x: FloatArray, y: FloatArray) -> Any:
        return sp.Add(*[(p * sp.Float(a) + q - sp.Float(b)) ** 2 for a, b in zip(x, y, strict=True)]) / len(y)


class _TanhNeuron(DataModel):
    def predict(self, p: float, q: float, inputs: FloatArray) -> FloatArray:
        return q * np.tanh(p * np.asarray(inputs, dtype=np.float64))

    def _terms(
        self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray, which: str
    ) -> list[FloatArray]:
        q_ = _col(q)
        t = np.tanh(_col(p) * x)
        r = q_ * t - y
        if which == "value":
            return _least_squares(r, None, None, None, None, None, which)
        s = 1.0 - t * t  # tanh' = sech²
        r_p = q_ * x * s
        if which == "grad":
            return _least_squares(r, r_p, t, None, None, None, which)
        r_pp = q_ * x * x * (-2.0 * t * s)
        return _least_squares(r, r_p, t, r_pp, x * s, 0.0, which)

    def sympy_loss(self, sp: Any, p: Any, q: Any, x: FloatArray, y: FloatArray) -> Any:
        terms = [(q * sp.tanh(p * sp.Float(a)) - sp.Float(b)) ** 2 for a, b in zip(x, y, strict=True)]
        return sp.Add(*terms) / len(y)


class _LogReg(DataModel):
    def predict(self, p: float, q: float, inputs: FloatArray) -> FloatArray:
        inputs = np.asarray(inputs, dtype=np.float64)
        return _sigmoid(p * inputs[..., 0] + q * inputs[..., 1])

    def _terms(
        self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray, which: str
    ) -> list[FloatArray]:
        x1, x2 = x[:, 0], x[:, 1]
        z = _col(p) * x1 + _col(q) * x2
        if which == "value":
            return [np.mean(_softplus(z) - y * z, axis=1)]
        s = _sigmoid(z)
        if which == "grad":
            e = s - y
            return [np.mean(e * x1, axis=1), np.mean(e * x2, axis=1)]
        w = s * (1.0 - s)
        h12 = np.mean(w * (x1 * x2), axis=1)
        return [np.mean(w * (x1 * x1), axis=1), h12, h12, np.mean(w * (x2 * x2), axis=1)]

    def sympy_loss(self, sp: Any, p: Any, q: Any, x: FloatArray, y: FloatArray) -> Any:
        terms = []
        for (a, b), label in zip(x, y, strict=True):
            z = p * sp.Float(a) + q * sp.Float(b)
            terms.append(sp.log(1 + sp.exp(z)) - int(label) * z)
        return sp.Add(*terms) / len(y)


#: Width s of the robust loss of ``two_lines``.
TWO_LINES_WIDTH = 0.7


class _RobustLine(DataModel):
    """Line fit with the Welsch (correntropy) loss 1 − exp(−r²/2s²): each sample's pull fades with distance."""

    def predict(self, p: float, q: float, inputs: FloatArray) -> FloatArray:
        return p * np.asarray(inputs, dtype=np.float64) + q

    def _terms(
        self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray, which: str
    ) -> list[FloatArray]:
        c = 1.0 / (2.0 * TWO_LINES_WIDTH**2)
        r = _col(p) * x + _col(q) - y
        e = np.exp(-c * r * r)
        if which == "value":
            return [np.mean(1.0 - e, axis=1)]
        d = 2.0 * c * r * e  # dℓ/dr
        if which == "grad":
            return [np.mean(d * x, axis=1), np.mean(d, axis=1)]
        dd = 2.0 * c * e * (1.0 - 2.0 * c * r * r)  # d²ℓ/dr²
        h_pq = np.mean(dd * x, axis=1)
        return [np.mean(dd * (x * x), axis=1), h_pq, h_pq, np.mean(dd, axis=1)]

    def sympy_loss(self, sp: Any, p: Any, q: Any, x: FloatArray, y: FloatArray) -> Any:
        c = 1 / (2 * sp.Float(TWO_LINES_WIDTH) ** 2)
        terms = [1 - sp.exp(-c * (p * sp.Float(a) + q - sp.Float(b)) ** 2) for a, b in zip(x, y, strict=True)]
        return sp.Add(*terms) / len(y)


#: The models by landscape id.
MODELS: dict[str, DataModel] = {
    "linreg": _LinReg(
        "linreg",
        ("slope", "intercept"),
        "y = slope*x + intercept",
        "mean_i (slope*x_i + intercept - y_i)**2",
    ),
    "logreg": _LogReg(
        "logreg",
        ("w1", "w2"),
        "P(y = 1 | x1, x2) = 1/(1 + exp(-(w1*x1 + w2*x2)))",
        "mean_i [log(1 + exp(w1*x1_i + w2*x2_i)) - y_i*(w1*x1_i + w2*x2_i)]",
    ),
    "tanh_neuron": _TanhNeuron(
        "tanh_neuron",
        ("w1", "w2"),
        "y = w2*tanh(w1*x)",
        "mean_i (w2*tanh(w1*x_i) - y_i)**2",
    ),
    "two_lines": _RobustLine(
        "two_lines",
        ("slope", "intercept"),
        "y = slope*x + intercept",
        f"mean_i [1 - exp(-(slope*x_i + intercept - y_i)**2/(2*{TWO_LINES_WIDTH}**2))]",
    ),
}
