"""Data landscapes: a loss that is the mean of per-sample losses over a small generated dataset.

A :class:`DataLandscape` is a :class:`~landscape_gui.core.landscapes.landscape.Landscape` (value, gradient and Hessian
exact, on (N, 2) arrays of parameters) that also knows its data, so it can give

- the loss, gradient and Hessian of a **minibatch** (:meth:`DataLandscape.batch_grad`, ...): the mean over
  the batch's samples, what SGD really sees;
- the loss surface of the whole data (:meth:`DataLandscape.grid`) or of one minibatch
  (:meth:`DataLandscape.batch_grid`), computed in chunks with a progress callback and a cancel check;
- the model's output for given parameters (:meth:`DataLandscape.predict`, :meth:`DataLandscape.model_grid`),
  to draw the data and the fitted model beside the map.

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> lin = get_landscape("linreg")
>>> lin.variables, lin.dataset.n
(('slope', 'intercept'), 60)
>>> import numpy as np
>>> bool(np.allclose(lin.batch_grad([[1.0, 0.0]], np.arange(60)), lin.grad([[1.0, 0.0]])))
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.data.datasets import Dataset, linreg_data, logreg_data, tanh_data, two_lines_data
from landscape_gui.core.data.models import MODELS
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.types import FloatArray, IntArray

__all__ = ["DATA_IDS", "DataLandscape", "SurfaceCancelled", "build_data_landscape", "describe_data"]

#: Elements (points × samples × model width) one chunk of an evaluation may hold: bounds the memory.
CHUNK_ELEMENTS = 1 << 19

Progress = Callable[[int, int], None]  # (rows done, rows in all)


class SurfaceCancelled(Exception):
    """A surface computation was cancelled by its ``cancelled()`` check."""


@dataclass(frozen=True, eq=False)
class DataLandscape(Landscape):
    """A landscape J(p, q) = mean over the dataset of a per-sample loss (see the module docstring).

    ``model`` evaluates the per-sample losses for a batch: ``value(p, q, x, y)``, ``grad``, ``hess`` and
    ``predict(p, q, inputs)`` (a :class:`~landscape_gui.core.data.models.DataModel`, or the network slice
    of :mod:`landscape_gui.core.data.mlp_slice`). ``n_parameters`` is the number of parameters of the model
    (2, or P for a slice of a network).
    """

    dataset: Dataset = field(kw_only=True)  # always given: keyword-only needs no default
    model: Any = None
    parameter_names: tuple[str, ...] = ("x", "y")
    model_formula: str = ""
    n_parameters: int = 2
    #: Extra facts for ``functions --format json`` (the network's weights and directions for a slice).
    extra: dict[str, Any] | None = None
    exact_search: bool = False  # see Landscape.exact_search

    @property
    def variables(self) -> tuple[str, ...]:
        return self.parameter_names

    @property
    def n_samples(self) -> int:
        return self.dataset.n

    # -- minibatches --------------------------------------------------------------------------------------
    def batch_value(self, points: ArrayLike, batch: Sequence[int] | IntArray | None) -> FloatArray:
        """The mean loss over the samples ``batch`` (indices into the dataset; None: all) at each point."""
        return self._eval(self._batched("value", batch, 1), points, ())

    def batch_grad(self, points: ArrayLike, batch: Sequence[int] | IntArray | None) -> FloatArray:
        """The mean gradient over the samples ``batch`` at each point: shape (N, 2)."""
        return self._eval(self._batched("grad", batch, 2), points, (2,))

    def batch_hessian(self, points: ArrayLike, batch: Sequence[int] | IntArray | None) -> FloatArray:
        """The mean Hessian over the samples ``batch`` at each point: shape (N, 2, 2)."""
        return self._eval(self._batched("hess", batch, 4), points, (2, 2))

    def _batched(
        self, method: str, batch: Sequence[int] | IntArray | None, n_out: int
    ) -> Callable[..., list[Any]]:
        x, y = self.dataset.x, self.dataset.y
        if batch is not None:
            idx = np.asarray(batch, dtype=np.intp)
            if idx.ndim != 1 or idx.size == 0 or idx.min() < 0 or idx.max() >= self.dataset.n:
                raise ValueError(f"a batch is a non-empty list of sample indices 0 … {self.dataset.n - 1}")
            x, y = x[idx], y[idx]
        fn = getattr(self.model, method)
        if method == "value":  # the model gives the (N,) values; the landscape's functions give lists

            def fn(
                p: FloatArray,
                q: FloatArray,
                x: FloatArray,
                y: FloatArray,
                value: Callable[..., FloatArray] = fn,
            ) -> list[FloatArray]:
                return [value(p, q, x, y)]

        return _chunked(fn, x, y, n_out, self._chunk(len(y), method))

    def _chunk(self, samples: int, method: str) -> int:
        """Points per chunk: the model's ``widths[method]`` floats per (point, sample) fill CHUNK_ELEMENTS."""
        width = int(getattr(self.model, "widths", {}).get(method, 4))
        return max(1, CHUNK_ELEMENTS // max(1, samples * width))

    def attach_full_data(self) -> DataLandscape:
        """Set the value, gradient and Hessian of the whole data as the landscape's own (once, when built)."""
        object.__setattr__(self, "_value", self._batched("value", None, 1))
        object.__setattr__(self, "_grad", self._batched("grad", None, 2))
        object.__setattr__(self, "_hess", self._batched("hess", None, 4))
        return self

    # -- surfaces -----------------------------------------------------------------------------------------
    def grid(
        self,
        resolution: int = 200,
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[FloatArray, ...]:
        """``(xs, ys, Z[ix, iy])`` of the full-data loss over the domain, as :meth:`Landscape.grid`.

        Computed in chunks of points; after each, ``progress(done, total)`` is called (rows of the
        flattened grid) and ``cancelled()`` asked: True raises :class:`SurfaceCancelled`.
        """
        return self.batch_grid(None, resolution, progress=progress, cancelled=cancelled)

    def batch_grid(
        self,
        batch: Sequence[int] | IntArray | None,
        resolution: int = 200,
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[FloatArray, ...]:
        """``(xs, ys, Z)`` of the loss of the minibatch ``batch`` (None: the whole data) over the domain:
        the surface the optimizer feels at a step (see ``Simulation.batch``)."""
        axes = [np.linspace(lo, hi, int(resolution)) for lo, hi in self.domain]
        gx, gy = np.meshgrid(axes[0], axes[1], indexing="ij")
        p, q = gx.ravel(), gy.ravel()
        fn = self._batched("value", batch, 1)
        n = p.size
        z = np.empty(n)
        step = max(1, min(n, self._chunk(self.dataset.n if batch is None else len(batch), "value")))
        for start in range(0, n, step):
            if cancelled is not None and cancelled():
                raise SurfaceCancelled("surface computation cancelled")
            with np.errstate(all="ignore"):
                z[start : start + step] = fn(p[start : start + step], q[start : start + step])[0]
            if progress is not None:
                progress(min(n, start + step), n)
        return axes[0], axes[1], z.reshape(gx.shape)

    # -- the model ----------------------------------------------------------------------------------------
    def predict(self, params: Sequence[float], inputs: ArrayLike) -> FloatArray:
        """The model's output at parameters ``params`` = (p, q) for ``inputs`` ((M,) numbers for a
        one-feature model, (M, 2) pairs for two): the prediction, or P(y = 1) for a classifier."""
        p, q = (float(c) for c in params)
        return np.asarray(self.model.predict(p, q, np.asarray(inputs, dtype=np.float64)), dtype=np.float64)

    def model_grid(self, params: Sequence[float], resolution: int = 100) -> tuple[FloatArray, ...]:
        """The model over the data's range: ``(xs, predictions)`` for one feature; ``(x1s, x2s, P[i, j])``
        with P = P(y = 1) at (x1s[i], x2s[j]) for two (the decision boundary is P = 0.5)."""
        bounds = self.dataset.bounds()
        axes = [np.linspace(lo, hi, int(resolution)) for lo, hi in bounds]
        if self.dataset.features == 1:
            return axes[0], self.predict(params, axes[0])
        g1, g2 = np.meshgrid(axes[0], axes[1], indexing="ij")
        out = self.predict(params, np.column_stack([g1.ravel(), g2.ravel()]))
        return axes[0], axes[1], out.reshape(g1.shape)

    def describe_json(self) -> dict[str, Any]:
        """What ``functions --format json`` says beyond the common fields: the model, loss and data."""
        out = {
            "kind": "data",
            "parameters": list(self.parameter_names),
            "n_parameters": self.n_parameters,
            "model": self.model_formula,
            "loss": self.formula,
            "task": self.dataset.task,
            "data": self.dataset.to_json(),
        }
        out.update(self.extra or {})
        return out


def _chunked(
    fn: Callable[..., list[FloatArray]], x: FloatArray, y: FloatArray, n_out: int, chunk: int
) -> Callable[..., list[FloatArray]]:
    """``fn(p, q, x, y)`` over the points in chunks of ``chunk``, the parts joined into (N,) arrays."""

    def run(p: ArrayLike, q: ArrayLike) -> list[FloatArray]:
        p = np.asarray(p, dtype=np.float64)
        q = np.asarray(q, dtype=np.float64)
        n = p.shape[0]
        if n <= chunk:
            return list(fn(p, q, x, y))
        out = [np.empty(n) for _ in range(n_out)]
        for s in range(0, n, chunk):
            for o, part in zip(out, fn(p[s : s + chunk], q[s : s + chunk], x, y), strict=True):
                o[s : s + chunk] = part
        return out

    return run


# -- the built-in data landscapes --------------------------------------------------------------------------
@dataclass(frozen=True)
class _DataEntry:
    id: str
    name: str
    data: Callable[[], Dataset]
    domain: tuple[tuple[float, float], ...]
    description: str
    source: str
    #: Newton starts whose limits are the global minima (computed, not typed: they depend on the data).
    minima_from: tuple[tuple[float, float], ...] = ()


_DATA_ENTRIES = [
    _DataEntry(
        "linreg",
        "Linear regression (data)",
        linreg_data,
        ((-1.3, 3.7), (-3.3, 1.7)),
        "Least squares on 60 generated points: a convex bowl in (slope, intercept), tilted and elongated "
        "because the inputs are not centred",
        "Generated: y = 1.2x − 0.8 + noise (σ 0.4), x uniform on [0, 3], seed 18",
        ((1.2, -0.8),),
    ),
    _DataEntry(
        "logreg",
        "Logistic regression (data)",
        logreg_data,
        ((-3.0, 5.0), (-4.0, 4.0)),
        "Mean cross-entropy of a two-feature logistic regression without bias on 100 overlapping points: "
        "convex, one minimum",
        "Generated: two Gaussian classes, means ±(0.6, 0.3), correlation 0.7, seed 18",
        ((1.0, 0.0),),
    ),
    _DataEntry(
        "tanh_neuron",
        "Tanh neuron (data)",
        tanh_data,
        ((-3.0, 3.0), (-3.0, 3.0)),
        "One tanh neuron y = w2·tanh(w1·x) fitted by least squares: two mirror-image minima (flip both "
        "signs) and a saddle at the origin",
        "Generated: y = 1.5·tanh(1.2x) + noise (σ 0.1), x uniform on [−2, 2], seed 18",
        ((1.2, 1.5), (-1.2, -1.5)),
    ),
    _DataEntry(
        "two_lines",
        "Two lines, robust fit (data)",
        two_lines_data,
        ((-2.5, 2.5), (-2.0, 2.0)),
        "A robust line fit (Welsch loss, width 0.7) to two populations: the 45-point line is the deep "
        "minimum, the 15-point line a shallow one that minibatch noise can leave",
        "Generated: 45 points near y = x + 0.5 and 15 near y = −x − 0.5 (noise σ 0.1), seed 1",
        ((1.0, 0.5),),
    ),
]

_BY_ID = {e.id: e for e in _DATA_ENTRIES}

#: The data landscapes with a closed-form model, in menu order.
DATA_IDS: tuple[str, ...] = tuple(e.id for e in _DATA_ENTRIES)


def describe_data(landscape_id: str) -> tuple[str, str]:
    """``(name, description)`` of a data landscape without generating its data."""
    e = _BY_ID[landscape_id]
    return e.name, e.description


class _Derivatives(Protocol):
    """What :func:`newton_minimum` needs of a model (a DataModel, or a network slice's model)."""

    def grad(self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray) -> list[FloatArray]: ...

    def hess(self, p: FloatArray, q: FloatArray, x: FloatArray, y: FloatArray) -> list[FloatArray]: ...


def newton_minimum(
    model: _Derivatives, data: Dataset, start: Sequence[float], iters: int = 100
) -> tuple[float, float]:
    """Newton's method on the exact gradient and Hessian (damped to stay in the basin), to rounding."""
    p = np.array(start, dtype=np.float64)
    for _ in range(iters):
        g = np.array([c[0] for c in model.grad(p[:1], p[1:], data.x, data.y)])
        h = np.array([c[0] for c in model.hess(p[:1], p[1:], data.x, data.y)]).reshape(2, 2)
        step = np.linalg.solve(h, g)
        norm = float(np.linalg.norm(step))
        if norm > 0.5:
            step *= 0.5 / norm
        p = p - step
        if norm < 1e-15 * (1.0 + float(np.linalg.norm(p))):
            break
    return float(p[0]), float(p[1])


def build_data_landscape(landscape_id: str) -> DataLandscape:
    """The data landscape with this id (its data generated, its minima located by Newton's method)."""
    e = _BY_ID[landscape_id]
    model = MODELS[landscape_id]
    data = e.data()
    minima = tuple(newton_minimum(model, data, s) for s in e.minima_from)

    def symbolic() -> tuple[Any, tuple[Any, ...]]:
        import sympy as sp

        p, q = sp.symbols(model.params, real=True)
        return model.sympy_loss(sp, p, q, data.x, data.y), (p, q)

    land = DataLandscape(
        id=e.id,
        name=e.name,
        dim=2,
        domain=tuple((float(a), float(b)) for a, b in e.domain),
        formula=model.loss,
        description=e.description,
        source=e.source,
        global_minima=minima,
        _symbolic=symbolic,
        dataset=data,
        model=model,
        parameter_names=model.params,
        model_formula=model.model,
        n_parameters=2,
    )
    return land.attach_full_data()
