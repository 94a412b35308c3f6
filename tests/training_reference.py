"""Reference code for the training tests, written from scratch and independent of the code under test: a tanh
network's forward pass, the cross-entropy (log-softmax) and torch's mean squared error, backpropagation,
torch.optim's GD, momentum and Adam rules, and a finite-difference Hessian of the exact gradient."""

from __future__ import annotations

import numpy as np


def unpack(theta, sizes):
    """Per layer (W out × in, row-major, then b), from the flat vector."""
    layers, k = [], 0
    for i, o in zip(sizes[:-1], sizes[1:], strict=True):
        w = theta[k : k + o * i].reshape(o, i)
        k += o * i
        layers.append((w, theta[k : k + o]))
        k += o
    assert k == theta.size
    return layers


def loss_and_grad(theta, x, y, sizes, loss="cross_entropy"):
    layers = unpack(theta, sizes)
    hs = [x]
    for w, b in layers[:-1]:
        hs.append(np.tanh(hs[-1] @ w.T + b))
    w, b = layers[-1]
    z = hs[-1] @ w.T + b
    n = len(y)
    onehot = np.eye(z.shape[1])[y.astype(int)]
    if loss == "cross_entropy":
        shifted = z - z.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        value = -np.mean(logp[np.arange(n), y.astype(int)])
        dz = (np.exp(logp) - onehot) / n
    else:  # torch's F.mse_loss(z, one_hot(y)): the mean over all n × 2 entries
        value = np.mean((z - onehot) ** 2)
        dz = 2.0 * (z - onehot) / z.size
    grads = []
    for (w, _), h in zip(reversed(layers), reversed(hs), strict=True):
        grads.append(np.concatenate([(dz.T @ h).ravel(), dz.sum(axis=0)]))
        dz = (dz @ w) * (1.0 - h * h)
    return value, np.concatenate(grads[::-1])


def replay(theta0, x, y, sizes, rule, hp, steps, batches=None, lrs=None):
    """Losses (of all the data) and path of ``steps`` steps of a hand-written torch.optim rule."""
    theta = np.array(theta0, dtype=np.float64)
    buf = m = v = None
    losses, path = [loss_and_grad(theta, x, y, sizes)[0]], [theta.copy()]
    for t in range(1, steps + 1):
        idx = batches[t - 1] if batches is not None else slice(None)
        g = loss_and_grad(theta, x[idx], y[idx], sizes)[1]
        lr = hp["lr"] if lrs is None else lrs[t - 1]
        if rule == "gd":
            theta = theta - lr * g
        elif rule == "momentum":  # torch.optim.SGD(momentum=μ): the buffer starts as the first gradient
            buf = g.copy() if buf is None else hp["momentum"] * buf + g
            theta = theta - lr * buf
        elif rule == "adam":
            b1, b2, eps = hp["beta1"], hp["beta2"], hp["eps"]
            m = (1 - b1) * g if m is None else b1 * m + (1 - b1) * g
            v = (1 - b2) * g * g if v is None else b2 * v + (1 - b2) * g * g
            denom = np.sqrt(v) / np.sqrt(1 - b2**t) + eps
            theta = theta - (lr / (1 - b1**t)) * m / denom
        losses.append(loss_and_grad(theta, x, y, sizes)[0])
        path.append(theta.copy())
    return np.array(losses), np.array(path)


def fd_hessian(theta, x, y, sizes, loss, eps=1e-5):
    p = theta.size
    h = np.empty((p, p))
    for j in range(p):
        e = np.zeros(p)
        e[j] = eps
        h[j] = loss_and_grad(theta + e, x, y, sizes, loss)[1] - loss_and_grad(theta - e, x, y, sizes, loss)[1]
        h[j] /= 2 * eps
    return 0.5 * (h + h.T)


def logits(theta, x):
    layers = unpack(theta, (2, 16, 16, 2))
    h = x
    for w, b in layers[:-1]:
        h = np.tanh(h @ w.T + b)
    w, b = layers[-1]
    return h @ w.T + b
