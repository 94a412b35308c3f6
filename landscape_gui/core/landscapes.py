"""Landscape: a cost function of 1 or 2 variables with exact value, gradient and Hessian.

Every method takes points as an array of shape (N, d) (or a single point of shape (d,)) in float64 and
answers for all of them at once. Derivatives are exact: they are derived symbolically with sympy and
compiled to numpy once, when the landscape is built, never approximated by finite differences.

>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> bowl = Landscape.from_sympy(x**2 + 3 * y**2, (x, y), id="bowl", name="Bowl", domain=((-1, 1), (-1, 1)))
>>> bowl.value([[1.0, 1.0]])
array([4.])
>>> bowl.grad([[1.0, 1.0]])
array([[2., 6.]])
>>> bowl.hessian([0.0, 0.0])
array([[2., 0.],
       [0., 6.]])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import sympy as sp

Domain = tuple[tuple[float, float], ...]

#: Names of the variables, in order, for 1-D and 2-D landscapes.
VARIABLE_NAMES = {1: ("x",), 2: ("x", "y")}


def as_points(points: Sequence | np.ndarray, dim: int) -> tuple[np.ndarray, bool]:
    """Return ``points`` as a float64 array of shape (N, dim), and whether a single point was given."""
    arr = np.asarray(points, dtype=np.float64)
    single = arr.ndim == 1
    if single:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise ValueError(f"expected points of shape (N, {dim}), got {np.shape(points)}")
    return arr, single


def _drop_distributions(expr: sp.Expr) -> sp.Expr:
    """Replace Dirac deltas (derivatives of sign, Heaviside: from abs, min, max) by 0, their value almost everywhere."""
    return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)


def _real(values: np.ndarray) -> np.ndarray:
    """Values as float64; a value with a non-zero imaginary part (log of a negative, say) becomes NaN."""
    if np.iscomplexobj(values):
        values = np.where(values.imag == 0, values.real, np.nan)
    return np.asarray(values, dtype=np.float64)


def _compile(exprs: Sequence[sp.Expr], symbols: Sequence[sp.Symbol]) -> Callable[..., list]:
    """Compile a list of sympy expressions into one numpy function (common subexpressions shared)."""
    return sp.lambdify(list(symbols), list(exprs), modules="numpy", cse=True)


@dataclass(frozen=True, eq=False)
class Landscape:
    """A cost surface J(θ) over a rectangular domain, with exact derivatives.

    Build one with :meth:`from_sympy` (the built-ins in :mod:`landscape_gui.core.library` and user formulas
    in :mod:`landscape_gui.core.expressions` both do).
    """

    id: str
    name: str
    dim: int
    domain: Domain
    formula: str
    expr: sp.Expr
    symbols: tuple[sp.Symbol, ...]
    description: str = ""
    source: str = ""
    #: Known global minima from the literature (positions), empty when unknown.
    global_minima: tuple[tuple[float, ...], ...] = ()
    _value: Callable = field(repr=False, default=None)
    _grad: Callable = field(repr=False, default=None)
    _hess: Callable = field(repr=False, default=None)

    @classmethod
    def from_sympy(
        cls,
        expr: sp.Expr,
        symbols: Sequence[sp.Symbol],
        *,
        id: str,
        name: str,
        domain: Sequence[Sequence[float]],
        formula: str | None = None,
        description: str = "",
        source: str = "",
        global_minima: Sequence[Sequence[float]] = (),
    ) -> Landscape:
        """Derive gradient and Hessian of ``expr`` symbolically and compile all three to numpy."""
        symbols = tuple(symbols)
        dim = len(symbols)
        if dim not in (1, 2):
            raise ValueError(f"a landscape has 1 or 2 variables, not {dim}")
        grad = [_drop_distributions(sp.diff(expr, s)) for s in symbols]
        hess = [_drop_distributions(sp.diff(g, s)) for g in grad for s in symbols]
        dom = tuple((float(lo), float(hi)) for lo, hi in domain)
        if len(dom) != dim or any(not lo < hi for lo, hi in dom):
            raise ValueError(f"domain {domain!r} must give {dim} intervals (low, high) with low < high")
        return cls(
            id=id,
            name=name,
            dim=dim,
            domain=dom,
            formula=formula if formula is not None else str(expr),
            expr=expr,
            symbols=symbols,
            description=description,
            source=source,
            global_minima=tuple(tuple(float(c) for c in m) for m in global_minima),
            _value=_compile([expr], symbols),
            _grad=_compile(grad, symbols),
            _hess=_compile(hess, symbols),
        )

    # -- evaluation ---------------------------------------------------------------------------------------
    def _eval(self, fn: Callable, points, trailing: tuple[int, ...]) -> np.ndarray:
        arr, single = as_points(points, self.dim)
        n = arr.shape[0]
        with np.errstate(all="ignore"):
            parts = fn(*np.ascontiguousarray(arr.T))  # contiguous columns: numpy's fast paths
            parts = [
                _real(np.broadcast_to(part, (n,))) for part in parts
            ]  # constants broadcast to every point
        out = np.stack(parts, axis=-1).reshape((n, *trailing))  # a fresh, writable array
        return out[0] if single else out

    def value(self, points) -> np.ndarray:
        """J at each point: shape (N,) (a numpy scalar for a single point)."""
        return self._eval(self._value, points, ())

    def grad(self, points) -> np.ndarray:
        """∇J at each point: shape (N, d).

        At a cusp where J is finite but its derivative is 0/0 (Ackley's origin, √(x² + y²) at 0), the
        gradient is taken as 0, which lies in the subdifferential there.
        """
        g = self._eval(self._grad, points, (self.dim,))
        if not np.isfinite(g).all():
            finite_value = np.isfinite(self.value(points))
            g[np.isnan(g) & finite_value[..., None]] = 0.0
        return g

    def hessian(self, points) -> np.ndarray:
        """The Hessian matrix at each point: shape (N, d, d)."""
        return self._eval(self._hess, points, (self.dim, self.dim))

    # -- domain -------------------------------------------------------------------------------------------
    def with_domain(self, domain: Sequence[Sequence[float]]) -> Landscape:
        """The same function over another domain."""
        dom = tuple((float(lo), float(hi)) for lo, hi in domain)
        if len(dom) != self.dim or any(
            not (np.isfinite(lo) and np.isfinite(hi) and lo < hi) for lo, hi in dom
        ):
            raise ValueError(
                f"domain {domain!r} must give {self.dim} finite intervals (low, high), low < high"
            )
        return replace(self, domain=dom)

    def contains(self, points, margin: float = 0.0) -> np.ndarray:
        """Whether each point lies inside the domain (widened by ``margin`` × its size on each side)."""
        arr, single = as_points(points, self.dim)
        lo = np.array([a for a, _ in self.domain])
        hi = np.array([b for _, b in self.domain])
        pad = margin * (hi - lo)
        inside = np.all((arr >= lo - pad) & (arr <= hi + pad), axis=1)
        return inside[0] if single else inside

    def grid(self, resolution: int = 200) -> tuple[np.ndarray, ...]:
        """Axis samples and values over the domain: ``(xs, values)`` in 1-D, ``(xs, ys, Z[ix, iy])`` in 2-D."""
        axes = [np.linspace(lo, hi, resolution) for lo, hi in self.domain]
        if self.dim == 1:
            return axes[0], self.value(axes[0][:, None])
        gx, gy = np.meshgrid(axes[0], axes[1], indexing="ij")
        z = self.value(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
        return axes[0], axes[1], z

    @property
    def variables(self) -> tuple[str, ...]:
        return VARIABLE_NAMES[self.dim]

    def __repr__(self) -> str:
        return f"Landscape(id={self.id!r}, formula={self.formula!r}, domain={self.domain!r})"
