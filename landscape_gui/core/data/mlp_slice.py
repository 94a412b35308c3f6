"""``mlp_slice``: a 2-D slice through the loss of a small trained neural network (Li et al., 2018).

A 2–16–16–2 tanh network is trained by full-batch Adam on 200 generated "two moons" points to θ*; two
random directions δ, η are filter-normalised against θ*; the landscape is

    J(a, b) = L(θ* + a·δ + b·η)

with L the mean cross-entropy. Its value, gradient and 2 × 2 Hessian are exact (see
:func:`landscape_gui.core.data.mlp.Network.plane_terms`), for the whole data or a minibatch.

Training takes a few seconds, so θ*, δ and η are cached on disk, in
``$XDG_CACHE_HOME/landscape-gui`` (``~/.cache/landscape-gui`` by default), in a file whose name is a hash
of every setting: changing a setting trains anew, and a file that cannot be read or does not give back
the trained loss is rebuilt silently.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from landscape_gui.core.data.datasets import Dataset, moons_data
from landscape_gui.core.data.landscapes import DataLandscape, newton_minimum
from landscape_gui.core.data.mlp import Network, Plane, _sigmoid, filter_normalised_direction, train_adam

__all__ = ["MLP_SLICE_ID", "SliceSettings", "build_mlp_slice", "cache_dir", "describe_mlp_slice"]

MLP_SLICE_ID = "mlp_slice"
_NAME = "Neural network slice (data)"
_DESCRIPTION = (
    "A 2-D slice J(a, b) = L(θ* + aδ + bη) through the loss of a 2–16–16–2 tanh network trained on two "
    "moons: θ* is the trained minimum, δ and η random filter-normalised directions"
)


@dataclass(frozen=True)
class SliceSettings:
    """Everything the slice depends on; its hash names the cache file."""

    sizes: tuple[int, ...] = (2, 16, 16, 2)
    samples: int = 200
    noise: float = 0.2
    weight_decay: float = 1e-3
    data_seed: int = 18
    init_seed: int = 0
    #: (steps, learning rate) phases of full-batch Adam
    schedule: tuple[tuple[int, float], ...] = ((2000, 0.02), (2000, 0.005), (2000, 0.001))
    direction_seed: int = 1
    format: int = 1

    def key(self) -> str:
        text = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def data(self) -> Dataset:
        return moons_data(self.samples, self.noise, self.data_seed)


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/landscape-gui``, or ``~/.cache/landscape-gui``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "landscape-gui"


def describe_mlp_slice() -> tuple[str, str]:
    return _NAME, _DESCRIPTION


def _train(settings: SliceSettings, net: Network, data: Dataset) -> dict[str, np.ndarray]:
    theta, loss = train_adam(net, net.init(settings.init_seed), data.x, data.y, settings.schedule)
    rng = np.random.default_rng(settings.direction_seed)
    delta = filter_normalised_direction(net, theta, rng)
    eta = filter_normalised_direction(net, theta, rng)
    return {"theta": theta, "delta": delta, "eta": eta, "loss": np.array(loss)}


def _read(path: Path, net: Network, data: Dataset) -> dict[str, np.ndarray] | None:
    """The cached arrays, or None when the file is missing, unreadable or not what training gives."""
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: np.array(f[k], dtype=np.float64) for k in ("theta", "delta", "eta", "loss")}
    except Exception:  # missing, truncated, not an npz, a key missing ...: train again
        return None
    p = net.n_parameters
    if any(arrays[k].shape != (p,) for k in ("theta", "delta", "eta")) or arrays["loss"].shape != ():
        return None
    if not all(np.isfinite(v).all() for v in arrays.values()):
        return None
    if abs(net.loss(arrays["theta"], data.x, data.y) - float(arrays["loss"])) > 1e-9:
        return None
    return arrays


def _write(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Atomically (temporary file, then rename); a cache that cannot be written is simply not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".mlp_slice.", suffix=".npz", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def trained_slice(
    settings: SliceSettings = SliceSettings(),
) -> tuple[Network, Dataset, dict[str, np.ndarray]]:
    """The network, its data and ``{"theta", "delta", "eta", "loss"}``: from the cache, or trained now."""
    net = Network(tuple(settings.sizes), settings.weight_decay)
    data = settings.data()
    path = cache_dir() / f"mlp_slice-{settings.key()}.npz"
    arrays = _read(path, net, data)
    if arrays is None:
        arrays = _train(settings, net, data)
        _write(path, arrays)
    return net, data, arrays


class SliceModel:
    """The per-batch loss on the plane, in the interface :class:`DataLandscape` asks of a model."""

    #: Floats per (point, sample) that one chunk of each evaluation holds at once (sizes the chunks).
    widths = {"value": 48, "grad": 160, "hess": 320, "predict": 16}

    def __init__(self, net: Network, plane: Plane):
        self.net = net
        self.plane = plane

    def value(self, p, q, x, y):
        return self.net.plane_terms(self.plane, p, q, x, y, 0)[0]

    def grad(self, p, q, x, y):
        return self.net.plane_terms(self.plane, p, q, x, y, 1)

    def hess(self, p, q, x, y):
        return self.net.plane_terms(self.plane, p, q, x, y, 2)

    def predict(self, p, q, inputs):
        """P(y = 1) for inputs (M, 2) with the network at the plane's point (p, q)."""
        return _sigmoid(self.net.margin_on_plane(self.plane, p, q, np.atleast_2d(inputs)))


def build_mlp_slice(settings: SliceSettings = SliceSettings()) -> DataLandscape:
    """The ``mlp_slice`` landscape (trains the network, or reads it from the cache)."""
    net, data, arrays = trained_slice(settings)
    theta, delta, eta = arrays["theta"], arrays["delta"], arrays["eta"]
    model = SliceModel(net, net.plane(theta, delta, eta))
    arch = "–".join(str(s) for s in net.sizes)

    def symbolic():
        import sympy as sp

        a, b = sp.symbols("a b", real=True)
        return sp.Function("J")(a, b), (a, b)  # no closed form worth printing: an opaque function of (a, b)

    land = DataLandscape(
        id=MLP_SLICE_ID,
        name=_NAME,
        dim=2,
        domain=((-1.0, 1.0), (-1.0, 1.0)),
        formula="L(theta* + a*delta + b*eta) with L(theta) = mean_i CE(net(x_i; theta), y_i) "
        f"+ {net.weight_decay:g}/2*|theta|**2  ({arch} tanh network)",
        description=_DESCRIPTION,
        source="Li, Xu, Taylor, Studer & Goldstein, 'Visualizing the Loss Landscape of Neural Nets', "
        "NeurIPS 2018 (filter normalisation); data: two moons, 200 points, noise 0.2, seed 18; weight decay 1e-3",
        _symbolic=symbolic,
        dataset=data,
        model=model,
        parameter_names=("a", "b"),
        model_formula="P(y = 1 | x) = sigmoid(z1 - z0), z = W3*tanh(W2*tanh(W1*x + b1) + b2) + b3, "
        "(W, b) = theta* + a*delta + b*eta",
        n_parameters=net.n_parameters,
        search_grid=60,  # each evaluation runs the network over the data: a coarser critical-point search
        search_seeds=8,
        extra={
            "network": {
                "sizes": list(net.sizes),
                "activation": "tanh",
                "weight_decay": net.weight_decay,
                "layout": "per layer: W (out × in) row by row, then b",
                "theta": theta.tolist(),
                "delta": delta.tolist(),
                "eta": eta.tolist(),
                "trained_loss": float(arrays["loss"]),
            }
        },
    )
    land = land.attach_full_data()
    # θ* itself is where training stopped (‖∇L‖ small, not 0): the slice's minimum is next to it
    minimum = newton_minimum(model, data, (0.0, 0.0))
    object.__setattr__(land, "global_minima", (minimum,))
    return land
