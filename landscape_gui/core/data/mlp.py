"""A small multilayer perceptron in numpy: training by backpropagation, and exact derivatives along a plane.

The network maps 2 inputs through tanh hidden layers to 2 logits; its loss (``loss_name``) is the mean
softmax cross-entropy, which for two classes is ``softplus(m) − y·m`` with the logit margin ``m = z₁ − z₀``
(torch's ``F.cross_entropy(z, y)``), or the mean squared error of the logits against the one-hot labels
(torch's ``F.mse_loss(z, one_hot(y))``: the mean over samples *and* outputs). Parameters are kept as one flat
vector θ (layer by layer: the weight matrix row by row, then the bias).

Two kinds of derivatives:

- :func:`loss_and_grad`: the loss and its full gradient ∇L(θ) (P numbers) by backpropagation, for training;
- :func:`plane_terms`: the loss on the plane θ(a, b) = θ₀ + a·δ + b·η, with its exact first and second
  derivatives in (a, b), by propagating second-order Taylor coefficients (value, ∂a, ∂b, ∂aa, ∂ab, ∂bb)
  through every layer. The weights are linear in (a, b), tanh and softplus have closed-form derivatives, so
  these are the exact derivatives of J(a, b), for many (a, b) points at once. ∂J/∂a equals ∇L·δ, and
  ∂²J/∂a∂b equals δᵀ∇²L η (``tests/test_mlp_slice.py`` checks both against backpropagation).

>>> net = Network((2, 4, 2))
>>> theta = net.init(seed=0)
>>> net.n_parameters == theta.size == 2 * 4 + 4 + 4 * 2 + 2
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape_gui.core.types import FloatArray

__all__ = [
    "LOSSES",
    "Network",
    "filter_normalised_direction",
    "head_grad",
    "head_hvp",
    "head_loss",
    "train_adam",
]

#: The losses a :class:`Network` can have, by the name ``train``'s JSON gives them (``"loss_name"``).
LOSSES = ("cross_entropy", "mse")


@dataclass(frozen=True)
class Network:
    """Layer sizes, e.g. (2, 16, 16, 2): tanh on every hidden layer, 2 logits out.

    ``weight_decay`` λ adds (λ/2)·‖θ‖² to the loss (as the optimizer's weight decay does in training), so
    that the trained θ* is a genuine minimum even where the classes can be separated. ``loss_name`` is one
    of :data:`LOSSES` (the slice's derivatives along a plane, :meth:`plane_terms` of order 1 and 2, are
    written for the cross-entropy only).
    """

    sizes: tuple[int, ...]
    weight_decay: float = 0.0
    loss_name: str = "cross_entropy"

    def __post_init__(self) -> None:
        if self.loss_name not in LOSSES:
            raise ValueError(f"unknown loss {self.loss_name!r} (known: {', '.join(LOSSES)})")
        if len(self.sizes) < 2 or self.sizes[-1] != 2 or min(self.sizes) < 1:
            raise ValueError(
                f"a network has 2 outputs (two classes) and layers of ≥ 1 unit, not {self.sizes}"
            )

    @property
    def shapes(self) -> list[tuple[tuple[int, int], int]]:
        """((out, in), out) of each layer's weight matrix and bias."""
        return [((o, i), o) for i, o in zip(self.sizes[:-1], self.sizes[1:], strict=True)]

    @property
    def n_parameters(self) -> int:
        return sum(o * i + o for (o, i), _ in self.shapes)

    def unflatten(self, theta: FloatArray) -> list[tuple[FloatArray, FloatArray]]:
        """Views (W, b) per layer into the flat vector θ."""
        out, k = [], 0
        for (o, i), _ in self.shapes:
            w = theta[k : k + o * i].reshape(o, i)
            k += o * i
            out.append((w, theta[k : k + o]))
            k += o
        return out

    def init(self, seed: int) -> FloatArray:
        """Glorot-uniform weights, zero biases, from a seeded generator."""
        rng = np.random.default_rng(seed)
        parts = []
        for (o, i), _ in self.shapes:
            limit = np.sqrt(6.0 / (i + o))
            parts += [rng.uniform(-limit, limit, o * i), np.zeros(o)]
        return np.concatenate(parts)

    # -- one parameter vector -------------------------------------------------------------------------------
    def logits(self, theta: FloatArray, x: FloatArray) -> FloatArray:
        """The logits z for inputs x (S, 2): shape (S, 2)."""
        h = x
        layers = self.unflatten(theta)
        for w, b in layers[:-1]:
            h = np.tanh(h @ w.T + b)
        w, b = layers[-1]
        return h @ w.T + b

    def margin(self, theta: FloatArray, x: FloatArray) -> FloatArray:
        """The logit margin m = z₁ − z₀ for inputs x (S, 2): shape (S,)."""
        z = self.logits(theta, x)
        return z[:, 1] - z[:, 0]

    def loss(self, theta: FloatArray, x: FloatArray, y: FloatArray) -> float:
        """The mean loss over the samples, plus the weight decay term."""
        decay = 0.5 * self.weight_decay * float(theta @ theta)
        return float(head_loss(self.loss_name, self.logits(theta, x), y)) + decay

    def loss_and_grad(self, theta: FloatArray, x: FloatArray, y: FloatArray) -> tuple[float, FloatArray]:
        """The mean loss and its gradient in θ (backpropagation)."""
        layers = self.unflatten(theta)
        acts = [x]
        for w, b in layers[:-1]:
            acts.append(np.tanh(acts[-1] @ w.T + b))
        w, b = layers[-1]
        z = acts[-1] @ w.T + b
        loss = float(head_loss(self.loss_name, z, y)) + 0.5 * self.weight_decay * float(theta @ theta)
        dz = head_grad(self.loss_name, z, y)
        grads = []
        for k in range(len(layers) - 1, -1, -1):
            w, _ = layers[k]
            grads.append((dz.T @ acts[k], dz.sum(axis=0)))
            if k:
                dz = (dz @ w) * (1.0 - acts[k] ** 2)
        grads.reverse()
        flat = np.concatenate([np.concatenate([gw.ravel(), gb]) for gw, gb in grads])
        return loss, flat + self.weight_decay * theta

    def hessian(self, theta: FloatArray, x: FloatArray, y: FloatArray, chunk: int = 128) -> FloatArray:
        """The exact Hessian ∇²L(θ) (P × P) of the loss (weight decay included), symmetric.

        Each column block is a batch of exact Hessian-vector products H·v (Pearlmutter's R-operator: the
        forward and backward passes of :meth:`loss_and_grad` differentiated along v), for the unit vectors
        v = e_i, ``chunk`` at a time: P products in all, no finite differences.
        """
        p = theta.size
        h = np.empty((p, p))
        eye = np.eye(p)
        for s in range(0, p, chunk):
            h[:, s : s + chunk] = self.hessian_vector_products(theta, eye[s : s + chunk], x, y).T
        return 0.5 * (h + h.T)  # the products agree with Hᵀ to rounding; make it exactly symmetric

    def hessian_vector_products(
        self, theta: FloatArray, v: FloatArray, x: FloatArray, y: FloatArray
    ) -> FloatArray:
        """H·vₖ for each row vₖ of ``v`` (K, P), exactly: shape (K, P) (see :meth:`hessian`)."""
        layers = self.unflatten(theta)
        k = v.shape[0]
        dirs = [self.unflatten(row) for row in v]  # per direction, per layer: (VW, Vb) views
        vw = [np.stack([d[j][0] for d in dirs]) for j in range(len(layers))]  # (K, out, in)
        vb = [np.stack([d[j][1] for d in dirs]) for j in range(len(layers))]  # (K, out)
        acts, racts = [x], [np.zeros((k, *x.shape))]
        for j, (w, b) in enumerate(layers[:-1]):
            a = np.tanh(acts[-1] @ w.T + b)
            ru = racts[-1] @ w.T + acts[-1] @ np.swapaxes(vw[j], 1, 2) + vb[j][:, None, :]
            acts.append(a)
            racts.append((1.0 - a * a) * ru)
        w, b = layers[-1]
        z = acts[-1] @ w.T + b
        rz = racts[-1] @ w.T + acts[-1] @ np.swapaxes(vw[-1], 1, 2) + vb[-1][:, None, :]
        m = z[:, 1] - z[:, 0]
        rm = rz[..., 1] - rz[..., 0]  # (K, S)
        n = y.shape[0]
        s = _sigmoid(m)
        dm = (s - y) / n
        rdm = s * (1.0 - s) * rm / n
        dz = np.column_stack([-dm, dm])  # (S, 2)
        rdz = np.stack([-rdm, rdm], axis=-1)  # (K, S, 2)
        out = []
        for j in range(len(layers) - 1, -1, -1):
            w, _ = layers[j]
            rgw = np.swapaxes(rdz, 1, 2) @ acts[j] + dz.T @ racts[j]  # (K, out, in)
            out.append((rgw.reshape(k, -1), rdz.sum(axis=1)))
            if j:
                back = dz @ w  # (S, in)
                d_act = 1.0 - acts[j] ** 2
                rdz = (rdz @ w + dz @ vw[j]) * d_act + back * (-2.0 * acts[j] * racts[j])
                dz = back * d_act
        out.reverse()
        return (
            np.concatenate([np.concatenate([gw, gb], axis=1) for gw, gb in out], axis=1)
            + self.weight_decay * v
        )

    # -- the plane θ0 + a·δ + b·η ---------------------------------------------------------------------------
    def plane_terms(
        self, plane: Plane, a: FloatArray, b: FloatArray, x: FloatArray, y: FloatArray, order: int
    ) -> list[FloatArray]:
        """The mean loss over samples (x, y) at the points (a[k], b[k]) of the plane, with its derivatives.

        ``order`` 0 gives [J]; 1 gives [∂J/∂a, ∂J/∂b]; 2 gives [∂²J/∂a², ∂²J/∂a∂b, ∂²J/∂b∂a, ∂²J/∂b²];
        each of shape (K,). Inside, arrays are (K, S, width). Orders 1 and 2 are for the cross-entropy.
        """
        lam, g = self.weight_decay, plane.grams
        if order == 0:
            a = np.asarray(a, dtype=np.float64)
            b = np.asarray(b, dtype=np.float64)
            # weight decay (λ/2)‖θ₀ + aδ + bη‖², a quadratic in (a, b): g = [θ₀·δ, θ₀·η, δ·δ, δ·η, η·η, θ₀·θ₀]
            decay = (
                0.5
                * lam
                * (g[5] + 2 * a * g[0] + 2 * b * g[1] + a * a * g[2] + 2 * a * b * g[3] + b * b * g[4])
            )
            return [head_loss(self.loss_name, self.plane_logits(plane, a, b, x), y) + decay]
        if self.loss_name != "cross_entropy":
            raise ValueError(
                f"the plane's derivatives are written for the cross-entropy, not {self.loss_name}"
            )
        a = np.asarray(a, dtype=np.float64)[:, None, None]
        b = np.asarray(b, dtype=np.float64)[:, None, None]
        jets: list[Any] | None = None  # the input x does not depend on (a, b)
        n_layers = len(plane.stacked)
        for k, (stack, (c0, ca, cb)) in enumerate(zip(plane.stacked, plane.biases, strict=True)):
            out = stack.shape[0] // 3
            w0, dw, hw = stack[:out], stack[out : 2 * out], stack[2 * out :]
            w_t = np.swapaxes(w0 + a * dw + b * hw, 1, 2)  # W(a, b)ᵀ of each point: (K, in, out)
            bias = c0 + a * ca + b * cb  # (K, 1, out)
            if jets is None:  # first layer: u is linear in (a, b), its second derivatives vanish
                terms = [np.matmul(x, w_t) + bias]
                if order:
                    terms += [x @ dw.T + ca, x @ hw.T + cb]
                if order > 1:
                    terms += [0.0, 0.0, 0.0]
            else:
                wv = [np.matmul(v, w_t) for v in jets]  # W(a, b)·v for each Taylor coefficient v
                terms = [wv[0] + bias]
                if order:
                    dh_t = stack[out:].T  # [Δ; H]ᵀ: (in, 2·out)
                    dh = [v @ dh_t for v in jets[: 3 if order > 1 else 1]]  # [Δv | Hv]
                    terms += [dh[0][..., :out] + wv[1] + ca, dh[0][..., out:] + wv[2] + cb]
                if order > 1:
                    terms += [
                        2.0 * dh[1][..., :out] + wv[3],
                        dh[2][..., :out] + dh[1][..., out:] + wv[4],
                        2.0 * dh[2][..., out:] + wv[5],
                    ]
            jets = _tanh_jets(terms, order) if k < n_layers - 1 else terms
        # logits → margin m = z1 − z0 → per-sample loss softplus(m) − y·m
        assert jets is not None  # a network has at least one layer
        assert jets is not None  # a network has at least one layer
        m = [t[..., 1] - t[..., 0] if np.ndim(t) else t for t in jets]
        a, b = a[:, 0, 0], b[:, 0, 0]
        s = _sigmoid(m[0])
        e = s - y
        if order == 1:
            return [
                np.mean(e * m[1], axis=1) + lam * (g[0] + a * g[2] + b * g[3]),
                np.mean(e * m[2], axis=1) + lam * (g[1] + a * g[3] + b * g[4]),
            ]
        w = s * (1.0 - s)
        h_aa = np.mean(w * m[1] * m[1] + e * m[3], axis=1) + lam * g[2]
        h_ab = np.mean(w * m[1] * m[2] + e * m[4], axis=1) + lam * g[3]
        h_bb = np.mean(w * m[2] * m[2] + e * m[5], axis=1) + lam * g[4]
        return [h_aa, h_ab, h_ab, h_bb]

    def plane_logits(self, plane: Plane, a: FloatArray, b: FloatArray, x: FloatArray) -> FloatArray:
        """The logits at the points (a[k], b[k]) of the plane for inputs x (S, 2): shape (K, S, 2)."""
        a = np.asarray(a, dtype=np.float64)[:, None, None]
        b = np.asarray(b, dtype=np.float64)[:, None, None]
        h = x
        n_layers = len(plane.stacked)
        for k, (stack, (c0, ca, cb)) in enumerate(zip(plane.stacked, plane.biases, strict=True)):
            out = stack.shape[0] // 3
            w0, dw, hw = stack[:out], stack[out : 2 * out], stack[2 * out :]
            w_t = np.swapaxes(w0 + a * dw + b * hw, 1, 2)  # W(a, b)ᵀ of each point: (K, in, out)
            u = np.matmul(h, w_t) + (c0 + a * ca + b * cb)
            h = np.tanh(u) if k < n_layers - 1 else u
        return h

    def plane(self, theta: FloatArray, delta: FloatArray, eta: FloatArray) -> Plane:
        """The plane θ + a·δ + b·η, its layers stacked for :meth:`plane_terms`."""
        stacked, biases = [], []
        for (w0, b0), (wd, bd), (we, be) in zip(
            self.unflatten(theta), self.unflatten(delta), self.unflatten(eta), strict=True
        ):
            stacked.append(np.concatenate([w0, wd, we]))
            biases.append((b0, bd, be))
        grams = (theta @ delta, theta @ eta, delta @ delta, delta @ eta, eta @ eta, theta @ theta)
        return Plane(tuple(stacked), tuple(biases), tuple(float(v) for v in grams))

    def margin_on_plane(self, plane: Plane, a: float, b: float, x: FloatArray) -> FloatArray:
        """The logit margin at the plane's point (a, b) for inputs x (S, 2)."""
        h = x
        for k, (stack, (c0, ca, cb)) in enumerate(zip(plane.stacked, plane.biases, strict=True)):
            out = stack.shape[0] // 3
            w = stack[:out] + a * stack[out : 2 * out] + b * stack[2 * out :]
            u = h @ w.T + (c0 + a * ca + b * cb)
            h = np.tanh(u) if k < len(plane.stacked) - 1 else u
        return h[:, 1] - h[:, 0]


@dataclass(frozen=True)
class Plane:
    """Per layer: the stacked weights [W₀; Δ; H] (3·out, in) and the biases (b₀, δ_b, η_b)."""

    stacked: tuple[FloatArray, ...]
    biases: tuple[tuple[FloatArray, FloatArray, FloatArray], ...]
    #: θ₀·δ, θ₀·η, δ·δ, δ·η, η·η, θ₀·θ₀ (for the weight decay term)
    grams: tuple[float, ...] = (0.0,) * 6


def _one_hot(y: FloatArray, classes: int) -> FloatArray:
    hot: FloatArray = (np.asarray(y)[:, None] == np.arange(classes)).astype(np.float64)
    return hot


def head_loss(loss_name: str, z: FloatArray, y: FloatArray) -> FloatArray:
    """The mean loss of the logits z (S, 2), or of each point's logits (K, S, 2) → (K,), for labels y (S,).

    ``cross_entropy``: the mean over samples of softplus(m) − y·m, m = z₁ − z₀ (−log softmax(z)_y);
    ``mse``: the mean over samples and outputs of (z − one_hot(y))², as ``F.mse_loss(z, one_hot(y))``.
    """
    if loss_name == "cross_entropy":
        m = z[..., 1] - z[..., 0]
        loss: FloatArray = np.mean(_softplus(m) - y * m, axis=-1)
        return loss
    r = z - _one_hot(y, z.shape[-1])
    mean: FloatArray = np.mean(r * r, axis=(-2, -1))
    return mean


def head_grad(loss_name: str, z: FloatArray, y: FloatArray) -> FloatArray:
    """∂(mean loss)/∂z for logits z (S, 2): shape (S, 2)."""
    if loss_name == "cross_entropy":
        m = z[:, 1] - z[:, 0]
        dm = (_sigmoid(m) - y) / y.shape[0]
        return np.column_stack([-dm, dm])
    return (z - _one_hot(y, z.shape[-1])) * (2.0 / z.size)


def head_hvp(loss_name: str, z: FloatArray, y: FloatArray, dz: FloatArray) -> FloatArray:
    """The second derivative of the mean loss in the logits z (S, 2), applied to K directions dz (S, K, 2)."""
    if loss_name == "cross_entropy":
        s = _sigmoid(z[:, 1] - z[:, 0])
        r = (s * (1.0 - s) / y.shape[0])[:, None] * (dz[..., 1] - dz[..., 0])
        return np.stack([-r, r], axis=-1)
    return dz * (2.0 / z.size)


def _tanh_jets(u: list[Any], order: int) -> list[Any]:
    """Taylor coefficients of tanh(u) from those of u (value, ∂a, ∂b, ∂aa, ∂ab, ∂bb)."""
    h = np.tanh(u[0])
    if order == 0:
        return [h]
    d1 = 1.0 - h * h
    out = [h, d1 * u[1], d1 * u[2]]
    if order > 1:
        d2 = -2.0 * h * d1
        out += [d2 * u[1] * u[1] + d1 * u[3], d2 * u[1] * u[2] + d1 * u[4], d2 * u[2] * u[2] + d1 * u[5]]
    return out


def _sigmoid(z: FloatArray) -> FloatArray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus(z: FloatArray) -> FloatArray:
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def train_adam(
    net: Network,
    theta: FloatArray,
    x: FloatArray,
    y: FloatArray,
    schedule: tuple[tuple[int, float], ...],
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[FloatArray, float]:
    """Full-batch Adam: ``schedule`` lists (steps, learning rate) phases. Returns (θ, final loss)."""
    theta = theta.copy()
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    t = 0
    for steps, lr in schedule:
        for _ in range(steps):
            t += 1
            _, g = net.loss_and_grad(theta, x, y)
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            theta -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return theta, net.loss(theta, x, y)


def filter_normalised_direction(net: Network, theta: FloatArray, rng: np.random.Generator) -> FloatArray:
    """A Gaussian random direction, filter-normalised (Li et al., 2018): each filter (the row of a weight
    matrix that feeds one output neuron) rescaled to the norm of the same filter of θ; biases zero
    ("ignore biasbn"), as ``net_plotter.normalize_direction`` in tomgoldstein/loss-landscape does (without
    its 1e-10 in the denominator, so each filter's norm matches to rounding)."""
    d = rng.standard_normal(theta.size)
    for (wd, bd), (w, _) in zip(net.unflatten(d), net.unflatten(theta), strict=True):
        norm = np.linalg.norm(wd, axis=1)  # > 0: a Gaussian row is almost surely not zero
        wd *= (np.linalg.norm(w, axis=1) / np.where(norm > 0, norm, 1.0))[:, None]
        bd[:] = 0.0
    return d
