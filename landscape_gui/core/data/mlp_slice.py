"""``mlp_slice`` and its variants: 2-D slices through the loss of a small trained neural network.

A 2–16–16–2 tanh network is trained by full-batch Adam on 200 generated "two moons" points to θ* (its loss L
is the mean cross-entropy plus the weight-decay term (λ/2)‖θ‖², λ = 1e-3, which keeps θ* a genuine minimum);
each landscape is

    J(a, b) = L(θ* + a·δ + b·η)

for two directions δ, η. Its value, gradient and 2 × 2 Hessian are exact (see
:func:`landscape_gui.core.data.mlp.Network.plane_terms`), for the whole data or a minibatch. The variants
(:data:`VARIANTS`, ids :data:`MLP_SLICE_IDS`) differ in the directions and the loss:

- ``mlp_slice``: two random directions filter-normalised against θ* (Li et al., 2018). Random directions in
  354 dimensions are nearly but not exactly orthogonal, and filter normalisation rescales each filter: the
  two are ≈ 78° apart (the landscape's description and ``functions --format json`` give the angle);
- ``mlp_slice_orth``: η orthogonalised against δ by Gram–Schmidt, then rescaled to η's norm (not filter-
  normalised again, which would undo the orthogonality): the plane is drawn with a right angle;
- ``mlp_slice_ce``: mlp_slice's directions, the loss without the weight-decay term, as Li et al. plot it;
- ``mlp_slice_eigen``: the plane of the two top eigenvectors of the full Hessian ∇²L(θ*) (unit length):
  its 2 × 2 Hessian at (0, 0) is diag(λ₁, λ₂), the two largest eigenvalues of :func:`network_spectrum`.

Training takes a few seconds, so θ*, δ and η are cached on disk, in
``$XDG_CACHE_HOME/landscape-gui`` (``~/.cache/landscape-gui`` when it is unset, empty or a relative path, as
the XDG base directory specification says), in a file whose name is a hash of every setting: changing a
setting trains anew. The cache is not trusted (:func:`read_cache`): only a regular file (opened without
blocking, so a FIFO there cannot hang the program) of at most :data:`MAX_CACHE_BYTES`, an npz holding exactly
the four arrays, each member's declared size and ``.npy`` header (float64, the expected shape) checked before
anything is loaded, is read; then θ* must be finite, give back its recorded loss, be a trained minimum (its
gradient below :data:`TRAINED_GRADIENT` × the untrained network's, its loss below chance, ln 2) and δ, η must be the filter-normalised
directions drawn from θ* and the direction seed, as training draws them. Anything else is rebuilt silently.
The file is written through a temporary file that is removed whatever interrupts the write (Ctrl+C
included), then renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import stat
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from landscape_gui.core.data.datasets import Dataset, moons_data
from landscape_gui.core.data.landscapes import DataLandscape, newton_minimum
from landscape_gui.core.data.mlp import Network, Plane, _sigmoid, filter_normalised_direction, train_adam
from landscape_gui.core.types import FloatArray

__all__ = [
    "MAX_CACHE_BYTES",
    "MLP_SLICE_ID",
    "MLP_SLICE_IDS",
    "VARIANTS",
    "NetworkSpectrum",
    "SliceSettings",
    "SliceVariant",
    "build_mlp_slice",
    "cache_dir",
    "describe_mlp_slice",
    "network_spectrum",
    "read_cache",
]

MLP_SLICE_ID = "mlp_slice"


@dataclass(frozen=True)
class SliceVariant:
    """One slice landscape: which directions span its plane, and whether its loss has the weight-decay term."""

    id: str
    name: str
    description: str
    #: "filter" (Li et al.'s), "orthogonal" (η Gram–Schmidt against δ) or "eigen" (top Hessian eigenvectors)
    directions: str
    weight_decay_term: bool = True
    domain: tuple[tuple[float, float], ...] = ((-1.0, 1.0), (-1.0, 1.0))


_SLICE = (
    "A 2-D slice J(a, b) = L(θ* + aδ + bη) through the loss of a 2–16–16–2 tanh network trained on two moons"
)
VARIANTS: dict[str, SliceVariant] = {
    v.id: v
    for v in (
        SliceVariant(
            "mlp_slice",
            "Neural network slice (data)",
            f"{_SLICE}: θ* is the trained minimum, δ and η random filter-normalised directions (Li et al.)",
            "filter",
        ),
        SliceVariant(
            "mlp_slice_orth",
            "Network slice, orthogonal (data)",
            f"{_SLICE}: mlp_slice's δ, and its η made orthogonal to δ (Gram–Schmidt, rescaled to η's norm)",
            "orthogonal",
        ),
        SliceVariant(
            "mlp_slice_ce",
            "Network slice, no L2 (data)",
            f"{_SLICE}: mlp_slice's plane, the loss without the weight-decay term (as Li et al. plot it)",
            "filter",
            weight_decay_term=False,
        ),
        SliceVariant(
            "mlp_slice_eigen",
            "Network slice, eigenplane (data)",
            f"{_SLICE}: δ and η the unit eigenvectors of the two largest eigenvalues of the full Hessian at θ*, "
            "the sharpest plane through the minimum",
            "eigen",
            domain=((-1.5, 1.5), (-1.5, 1.5)),
        ),
    )
}
#: The slice landscapes' ids, in menu order.
MLP_SLICE_IDS: tuple[str, ...] = tuple(VARIANTS)


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


#: Largest cache file read (the real one is ~9.5 KB): a bigger file is not what this program writes.
MAX_CACHE_BYTES = 64 * 1024
#: The arrays of a cache file; each a float64 vector of the network's parameters, the loss a scalar.
_ARRAYS = ("theta", "delta", "eta", "loss")
#: A trained θ*'s gradient is at most this fraction of the untrained network's (measured: 3e-5 of 0.88 with
#: the default settings; 0.055 after the 200 steps of the tests' small network): above it, θ* was not trained.
TRAINED_GRADIENT = 0.1


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/landscape-gui``, or ``~/.cache/landscape-gui`` when that variable is unset, empty or a
    relative path (the XDG base directory specification: a relative path is invalid and is ignored)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = str(Path.home() / ".cache")
    return Path(base) / "landscape-gui"


def describe_mlp_slice(variant: str = MLP_SLICE_ID) -> tuple[str, str]:
    """``(name, description)`` of a slice without training its network (the built landscape's description
    adds the angle between its directions)."""
    v = VARIANTS[variant]
    return v.name, v.description


def _train(settings: SliceSettings, net: Network, data: Dataset) -> dict[str, FloatArray]:
    theta, loss = train_adam(net, net.init(settings.init_seed), data.x, data.y, settings.schedule)
    delta, eta = _filter_directions(settings, net, theta)
    return {"theta": theta, "delta": delta, "eta": eta, "loss": np.array(loss)}


def _regular_file_bytes(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes; None otherwise (missing, a
    FIFO or a device: opened without blocking and refused, never read)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks) if size <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _npz_arrays(raw: bytes, shapes: dict[str, tuple[int, ...]]) -> dict[str, FloatArray] | None:
    """The float64 arrays of an npz file's bytes, if it holds exactly ``shapes``'s names with those shapes.

    Each member's declared size and its ``.npy`` header are checked before its data is read, so a member
    that would decompress to gigabytes, or a header declaring a huge shape, is refused without allocating it.
    """
    out = {}
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        infos = {i.filename: i for i in z.infolist()}
        if sorted(infos) != sorted(f"{k}.npy" for k in shapes):
            return None
        for name, shape in shapes.items():
            info = infos[f"{name}.npy"]
            nbytes = 8 * math.prod(shape)
            if info.file_size > nbytes + 1024:  # the data and a .npy header (at most a few hundred bytes)
                return None
            with z.open(info) as member:
                f = io.BytesIO(member.read(info.file_size + 1))
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                header = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                header = np.lib.format.read_array_header_2_0(f)
            else:
                return None
            got_shape, fortran, dtype = header
            if tuple(got_shape) != shape or dtype != np.dtype("<f8"):
                return None
            data = f.read()
            if len(data) != nbytes:
                return None
            out[name] = np.frombuffer(data, dtype="<f8").astype(np.float64).reshape(shape)
    return out


def read_cache(
    path: Path, settings: SliceSettings, net: Network, data: Dataset
) -> dict[str, FloatArray] | None:
    """The cached ``{"theta", "delta", "eta", "loss"}`` if ``path`` holds what training with ``settings``
    gives (see the module docstring for every check), else None: then the slice is trained again."""
    raw = _regular_file_bytes(path, MAX_CACHE_BYTES)
    if raw is None:
        return None
    p = net.n_parameters
    try:
        arrays = _npz_arrays(raw, {"theta": (p,), "delta": (p,), "eta": (p,), "loss": ()})
    except Exception:  # noqa: BLE001 - not a zip, a truncated member, a bad header ...: train again
        return None
    if arrays is None or not all(np.isfinite(v).all() for v in arrays.values()):
        return None
    theta, loss = arrays["theta"], float(arrays["loss"])
    with np.errstate(all="ignore"):
        got, grad = net.loss_and_grad(theta, data.x, data.y)
    if not (math.isfinite(got) and abs(got - loss) <= 1e-9 and loss < math.log(2)):
        return None  # not θ*'s own loss, or no better than chance: not a trained network
    _, untrained = net.loss_and_grad(net.init(settings.init_seed), data.x, data.y)
    if not float(np.linalg.norm(grad)) <= TRAINED_GRADIENT * float(np.linalg.norm(untrained)):
        return None  # training did not get there
    delta, eta = _filter_directions(settings, net, theta)
    same = np.allclose(arrays["delta"], delta, rtol=1e-12, atol=0) and np.allclose(
        arrays["eta"], eta, rtol=1e-12, atol=0
    )
    if not same or not (np.linalg.norm(delta) > 0 and np.linalg.norm(eta) > 0):
        return None  # not the filter-normalised directions of θ*
    return {"theta": theta, "delta": delta, "eta": eta, "loss": np.array(loss)}


def _filter_directions(
    settings: SliceSettings, net: Network, theta: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """δ and η: filter-normalised against θ*, drawn from the direction seed (δ first)."""
    rng = np.random.default_rng(settings.direction_seed)
    delta = filter_normalised_direction(net, theta, rng)
    return delta, filter_normalised_direction(net, theta, rng)


def _write(path: Path, arrays: dict[str, FloatArray]) -> None:
    """Atomically (temporary file, then rename); a cache that cannot be written is simply not kept. Whatever
    stops the write (a full disk, Ctrl+C), the temporary file is removed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".mlp_slice.", suffix=".npz", dir=path.parent)
    except OSError:
        return
    tmp = Path(name)
    try:
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub matches **arrays against allow_pickle: bool
        view = memoryview(buffer.getbuffer())
        try:
            while view:
                view = view[os.write(fd, view) :]
        finally:
            view.release()
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if not isinstance(e, OSError):
            raise


def trained_slice(
    settings: SliceSettings = SliceSettings(),
) -> tuple[Network, Dataset, dict[str, FloatArray]]:
    """The network, its data and ``{"theta", "delta", "eta", "loss"}``: from the cache, or trained now."""
    net = Network(tuple(settings.sizes), settings.weight_decay)
    data = settings.data()
    path = cache_dir() / f"mlp_slice-{settings.key()}.npz"
    arrays = read_cache(path, settings, net, data)
    if arrays is None:
        arrays = _train(settings, net, data)
        _write(path, arrays)
    return net, data, arrays


class SliceModel:
    """The per-batch loss on the plane, in the interface :class:`DataLandscape` asks of a model."""

    #: Floats per (point, sample) that one chunk of each evaluation holds at once (sizes the chunks).
    widths = {"value": 48, "grad": 160, "hess": 320, "predict": 16}

    def __init__(self, net: Network, plane: Plane) -> None:
        self.net = net
        self.plane = plane

    def value(self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        return self.net.plane_terms(self.plane, p, q, x, y, 0)[0]

    def grad(self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray) -> list[FloatArray]:
        return self.net.plane_terms(self.plane, p, q, x, y, 1)

    def hess(self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray) -> list[FloatArray]:
        return self.net.plane_terms(self.plane, p, q, x, y, 2)

    def predict(self, p: float, q: float, inputs: FloatArray) -> FloatArray:
        """P(y = 1) for inputs (M, 2) with the network at the plane's point (p, q)."""
        return _sigmoid(self.net.margin_on_plane(self.plane, p, q, np.atleast_2d(inputs)))


@dataclass(frozen=True, eq=False)
class NetworkSpectrum:
    """The full Hessian's eigen-decomposition at θ* (see :func:`network_spectrum`); arrays read-only."""

    #: every eigenvalue, ascending: shape (P,)
    eigenvalues: FloatArray
    #: the unit eigenvectors as columns, in the same order: shape (P, P); each signed so that its
    #: largest-magnitude component is positive
    eigenvectors: FloatArray
    sizes: tuple[int, ...]
    #: λ of the loss's weight-decay term (λ/2)‖θ‖²; 0.0: the cross-entropy alone
    weight_decay: float
    loss: float
    grad_norm: float

    @property
    def parameters(self) -> int:
        return int(self.eigenvalues.size)

    def loss_text(self) -> str:
        if self.weight_decay:
            return (
                f"mean cross-entropy + {self.weight_decay:g}/2·‖θ‖² (with the weight-decay term, as "
                "mlp_slice, mlp_slice_orth and mlp_slice_eigen plot it)"
            )
        return "mean cross-entropy, without the weight-decay term (as mlp_slice_ce plots it, and Li et al.)"


@cache
def network_spectrum(
    weight_decay_term: bool = True, settings: SliceSettings = SliceSettings()
) -> NetworkSpectrum:
    """Eigenvalues and eigenvectors of the exact Hessian ∇²L(θ*) of the trained network (all P = 354
    parameters; :meth:`~landscape_gui.core.data.mlp.Network.hessian`), of the loss with the weight-decay term
    or (``weight_decay_term=False``) without it. Computed once per process (~0.1 s), then kept.

    >>> s = network_spectrum()
    >>> s.parameters, bool((s.eigenvalues[1:] >= s.eigenvalues[:-1]).all())
    (354, True)
    """
    net, data, arrays = trained_slice(settings)
    if not weight_decay_term:
        net = Network(net.sizes, 0.0)
    theta = arrays["theta"]
    values, vectors = np.linalg.eigh(net.hessian(theta, data.x, data.y))
    biggest = np.abs(vectors).argmax(axis=0)
    vectors = vectors * np.sign(vectors[biggest, np.arange(vectors.shape[1])])  # a fixed sign for each
    loss, grad = net.loss_and_grad(theta, data.x, data.y)
    for a in (values, vectors):
        a.flags.writeable = False
    return NetworkSpectrum(
        values, vectors, tuple(net.sizes), net.weight_decay, loss, float(np.linalg.norm(grad))
    )


def _directions(
    variant: SliceVariant, arrays: dict[str, FloatArray], settings: SliceSettings
) -> tuple[FloatArray, FloatArray]:
    """The plane's δ and η for ``variant``, from the cached filter-normalised ones (or the spectrum)."""
    delta, eta = arrays["delta"], arrays["eta"]
    if variant.directions == "orthogonal":
        ortho = eta - (eta @ delta) / (delta @ delta) * delta
        return delta, ortho * (np.linalg.norm(eta) / np.linalg.norm(ortho))
    if variant.directions == "eigen":
        vectors = network_spectrum(variant.weight_decay_term, settings).eigenvectors
        return vectors[:, -1].copy(), vectors[:, -2].copy()
    return delta, eta


def angle_degrees(u: FloatArray, v: FloatArray) -> float:
    """The angle between two directions, in degrees."""
    cos = float(u @ v) / float(np.linalg.norm(u) * np.linalg.norm(v))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def build_mlp_slice(settings: SliceSettings = SliceSettings(), variant: str = MLP_SLICE_ID) -> DataLandscape:
    """The slice landscape ``variant`` (one of :data:`MLP_SLICE_IDS`; trains the network, or reads it from the
    cache)."""
    v = VARIANTS[variant]
    net, data, arrays = trained_slice(settings)
    theta = arrays["theta"]
    delta, eta = _directions(v, arrays, settings)
    if not v.weight_decay_term:
        net = Network(net.sizes, 0.0)
    model = SliceModel(net, net.plane(theta, delta, eta))
    arch = "–".join(str(s) for s in net.sizes)
    angle = angle_degrees(delta, eta)
    decay = f" + {net.weight_decay:g}/2*|theta|**2" if v.weight_decay_term else ""
    directions = {
        "kind": {
            "filter": "random, filter-normalised (Li et al. 2018)",
            "orthogonal": "mlp_slice's delta; its eta orthogonalised against delta (Gram-Schmidt), rescaled to "
            "eta's norm",
            "eigen": "unit eigenvectors of the two largest eigenvalues of the full Hessian at theta*",
        }[v.directions],
        "angle_degrees": angle,
        "norms": [float(np.linalg.norm(delta)), float(np.linalg.norm(eta))],
    }
    if v.directions == "eigen":
        directions["eigenvalues"] = (
            network_spectrum(v.weight_decay_term, settings).eigenvalues[[-1, -2]].tolist()
        )

    def symbolic() -> tuple[Any, tuple[Any, ...]]:
        import sympy as sp

        a, b = sp.symbols("a b", real=True)
        return sp.Function("J")(a, b), (a, b)  # no closed form worth printing: an opaque function of (a, b)

    land = DataLandscape(
        id=v.id,
        name=v.name,
        dim=2,
        domain=v.domain,
        formula=f"L(theta* + a*delta + b*eta) with L(theta) = mean_i CE(net(x_i; theta), y_i){decay}  "
        f"({arch} tanh network)",
        description=f"{v.description}. The two directions are {angle:.1f}° apart",
        source="Li, Xu, Taylor, Studer & Goldstein, 'Visualizing the Loss Landscape of Neural Nets', "
        "NeurIPS 2018 (filter normalisation); data: two moons, 200 points, noise 0.2, seed 18; weight decay 1e-3"
        + ("" if v.weight_decay_term else " in training (not in the loss shown)"),
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
                "weight_decay": settings.weight_decay,
                "weight_decay_in_loss": v.weight_decay_term,
                "layout": "per layer: W (out × in) row by row, then b",
                "theta": theta.tolist(),
                "delta": delta.tolist(),
                "eta": eta.tolist(),
                "trained_loss": float(arrays["loss"]),
            },
            "directions": directions,
        },
    )
    land = land.attach_full_data()
    # θ* itself is where training stopped (‖∇L‖ small, not 0): the slice's minimum is next to it
    minimum = newton_minimum(model, data, (0.0, 0.0))
    object.__setattr__(land, "global_minima", (minimum,))
    return land
