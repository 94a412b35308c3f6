"""The exact Hessian of a network's loss in all its parameters, and its largest eigenvalue (the sharpness).

∇²L·v is computed exactly for many directions v at once by forward-over-reverse differentiation
(Pearlmutter, "Fast exact multiplication by the Hessian", Neural Computation 1994): the forward pass and the
backpropagation of :meth:`~landscape_gui.core.data.mlp.Network.loss_and_grad` are differentiated along v, so
every quantity gets a tangent (u̇, ḣ, ż, δ̇), and the tangent of the gradient is ∇²L·v. With the P unit
vectors as directions this is the whole P × P Hessian: P = 354 for the 2–16–16–2 network, a few
milliseconds, no approximation (no finite differences, no power iteration).

For layer l with input h (S, in), weights W (out, in), pre-activation u = hWᵀ + b and backpropagated
δ = ∂L/∂u, the tangents along v = (Ẇ, ḃ) are

    u̇ = ḣWᵀ + hẆᵀ + ḃ,   ḣ_next = (1 − tanh²u)·u̇,   ż = u̇ of the last layer,   δ̇_last = ∂²ℓ/∂z² · ż,
    (∇²L·v)_W = δ̇ᵀh + δᵀḣ,   (∇²L·v)_b = Σ_s δ̇,
    δ̇_prev = (δ̇W + δẆ)·(1 − h²) − 2·(δW)·h·ḣ.

>>> import numpy as np
>>> from landscape_gui.core.data.datasets import moons_data
>>> from landscape_gui.core.data.mlp import Network
>>> net, data = Network((2, 3, 2)), moons_data(20)
>>> theta = net.init(seed=0)
>>> h = hessian(net, theta, data.x, data.y)
>>> h.shape, bool(np.allclose(h, h.T, rtol=0, atol=1e-15))
((17, 17), True)
"""

from __future__ import annotations

import numpy as np

from landscape_gui.core.data.mlp import Network, head_grad, head_hvp

__all__ = ["hessian", "hessian_vector_products", "sharpness"]

#: Floats (directions × samples × width) one chunk of directions may hold at once: bounds the memory.
CHUNK_ELEMENTS = 1 << 22


def hessian_vector_products(
    net: Network, theta: np.ndarray, x: np.ndarray, y: np.ndarray, directions: np.ndarray
) -> np.ndarray:
    """∇²L(θ)·v for each row v of ``directions`` (K, P): shape (K, P), L the network's mean loss over (x, y)
    (its weight decay λ included: + λ·v)."""
    directions = np.atleast_2d(np.asarray(directions, dtype=np.float64))
    chunk = _chunk(net, len(y))
    parts = [_hvp(net, theta, x, y, directions[k : k + chunk]) for k in range(0, len(directions), chunk)]
    return np.concatenate(parts) + net.weight_decay * directions


def hessian(net: Network, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The exact P × P Hessian ∇²L(θ) of the mean loss over (x, y).

    Computed a layer's block of unit directions at a time: for the parameters of layer l the products need
    nothing below layer l, and give the rows' entries for layers l and above; the entries below come from
    the symmetry of H. The result is symmetrised (½(H + Hᵀ), which only evens out rounding)."""
    p = net.n_parameters
    out = np.zeros((p, p))
    chunk = _chunk(net, len(y))
    start = 0
    for layer, ((o, i), _) in enumerate(net.shapes):
        size = o * i + o
        for k in range(start, start + size, chunk):
            rows = np.eye(chunk, p, k)[: min(chunk, start + size - k)]  # unit vectors e_k, e_k+1, …
            out[k : k + len(rows), start:] = _hvp(net, theta, x, y, rows, layer)
        start += size
    upper = np.triu(out)
    out = upper + np.triu(out, 1).T
    out += net.weight_decay * np.eye(p)
    return 0.5 * (out + out.T)


def sharpness(net: Network, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """λmax, the largest eigenvalue of the exact Hessian ∇²L(θ) (Cohen et al., 2021, call it the sharpness)."""
    return float(np.linalg.eigvalsh(hessian(net, theta, x, y))[-1])


def _chunk(net: Network, samples: int) -> int:
    return max(1, CHUNK_ELEMENTS // max(1, samples * max(net.sizes)))


def _hvp(
    net: Network, theta: np.ndarray, x: np.ndarray, y: np.ndarray, v: np.ndarray, block: int | None = None
) -> np.ndarray:
    """∇²L·v (without weight decay) for the rows of v (K, P). With ``block`` l, the rows are zero outside
    layer l's parameters, and only the columns of layers l and above are computed: (K, P_l + … + P_last).

    Tangents are kept as (S, K, width), samples first, so that every product is one matrix product on
    contiguous memory."""
    first = 0 if block is None else block
    k = v.shape[0]
    s = x.shape[0]
    layers = net.unflatten(theta)
    tangents = net_unflatten_rows(net, v)  # per layer: Ẇ (K, out, in), ḃ (K, out)
    # forward: activations h_l (S, width) and their tangents ḣ_l (S, K, width); nothing moves below `first`
    acts = [x]
    dacts: list[np.ndarray | None] = [None]
    n_layers = len(layers)
    for i, ((w, b), (dw, db)) in enumerate(zip(layers, tangents, strict=True)):
        h, dh = acts[-1], dacts[-1]
        u = h @ w.T + b
        du = None
        if block is None or i == block:  # the layer's own parameters move: h·Ẇᵀ + ḃ
            du = (h @ dw.transpose(2, 0, 1).reshape(dw.shape[2], -1)).reshape(s, k, -1)
            du += db
        if dh is not None:  # its input moves: ḣ·Wᵀ
            carried = (dh.reshape(s * k, -1) @ w.T).reshape(s, k, -1)
            du = carried if du is None else np.add(du, carried, out=du)
        if i < n_layers - 1:
            a = np.tanh(u)
            acts.append(a)
            if du is not None:
                du *= (1.0 - a * a)[:, None, :]
            dacts.append(du)
        else:
            z, dz = u, du
    # backward: δ (S, out) and its tangent δ̇ (S, K, out), down to layer `first`
    delta = head_grad(net.loss_name, z, y)
    assert dz is not None  # the last layer is at or above `first`: its tangent is set
    ddelta = head_hvp(net.loss_name, z, y, dz)
    out = []
    for i in range(n_layers - 1, first - 1, -1):
        w, _ = layers[i]
        dw, _ = tangents[i]
        h, dh = acts[i], dacts[i]
        o = ddelta.shape[2]
        hw = (ddelta.reshape(s, k * o).T @ h).reshape(k, o, -1)  # δ̇ᵀh
        if dh is not None:  # δᵀḣ
            hw += np.swapaxes((delta.T @ dh.reshape(s, -1)).reshape(o, k, -1), 0, 1)
        out.append(np.concatenate([hw.reshape(k, -1), ddelta.sum(axis=0)], axis=1))
        if i > first:
            back = delta @ w  # δW: (S, in)
            dback = (ddelta.reshape(s * k, o) @ w).reshape(s, k, -1)  # δ̇W
            if block is None:  # δẆ (zero above a block)
                dback += (delta @ np.swapaxes(dw, 0, 1).reshape(o, -1)).reshape(s, k, -1)
            d1 = 1.0 - h * h
            dback *= d1[:, None, :]
            dh *= (-2.0 * back * h)[:, None, :]
            dback += dh
            ddelta = dback
            delta = back * d1
    out.reverse()
    return np.concatenate(out, axis=1)


def net_unflatten_rows(net: Network, v: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per layer, views (Ẇ (K, out, in), ḃ (K, out)) into the rows of ``v`` (K, P), laid out as θ is."""
    out, j = [], 0
    k = v.shape[0]
    for (o, i), _ in net.shapes:
        w = v[:, j : j + o * i].reshape(k, o, i)
        j += o * i
        out.append((w, v[:, j : j + o]))
        j += o
    return out
