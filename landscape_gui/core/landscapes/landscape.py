"""Landscape: a cost function of 1 or 2 variables with exact value, gradient and Hessian.

Every method takes points as an array of shape (N, d) (or a single point of shape (d,)) in float64 and
answers for all of them at once. Derivatives are exact: they are derived symbolically with sympy and
compiled to numpy once, when the landscape is built, never approximated by finite differences. The
built-ins come precompiled (:mod:`landscape_gui.core.landscapes._builtins_numpy`, written by
:mod:`landscape_gui.core.landscapes.codegen` through the same printer), so building one does not import sympy; their
``expr`` and ``symbols`` are built on first use.

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
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.landscapes.domain import check_domain
from landscape_gui.core.types import BoolArray, FloatArray

if TYPE_CHECKING:
    import sympy as sp

Domain = tuple[tuple[float, float], ...]

#: Names of the variables, in order, for 1-D and 2-D landscapes.
VARIABLE_NAMES = {1: ("x",), 2: ("x", "y")}


def as_points(points: ArrayLike, dim: int) -> tuple[FloatArray, bool]:
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
    import sympy as sp

    return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)


def _real(values: FloatArray) -> FloatArray:
    """Values as float64; a value with a non-zero imaginary part (log of a negative, say) becomes NaN."""
    if np.iscomplexobj(values):
        values = np.where(values.imag == 0, values.real, np.nan)
    return np.asarray(values, dtype=np.float64)


def derivatives(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> tuple[list[sp.Expr], list[sp.Expr]]:
    """The gradient (d parts) and the Hessian (d × d parts, row by row) of ``expr``, symbolically."""
    import sympy as sp

    grad = [_drop_distributions(sp.diff(expr, s)) for s in symbols]
    hess = [_drop_distributions(sp.diff(g, s)) for g in grad for s in symbols]
    return grad, hess


def _compile(
    exprs: Sequence[sp.Expr], symbols: Sequence[sp.Symbol], printer: Any = None
) -> Callable[..., list[Any]]:
    """Compile a list of sympy expressions into one numpy function (common subexpressions shared).

    ``printer``: None for lambdify's numpy printer; :mod:`landscape_gui.core.landscapes.codegen` passes the same
    printer with fully qualified names (``numpy.exp``) to write the built-ins' source: same code otherwise.
    """
    import sympy as sp

    fn: Callable[..., list[Any]] = sp.lambdify(
        list(symbols), list(exprs), modules="numpy", printer=printer, cse=True
    )
    return fn


def _check_domain(domain: Sequence[Sequence[float]], dim: int) -> Domain:
    dom = tuple((float(lo), float(hi)) for lo, hi in domain)
    if len(dom) != dim or any(not lo < hi for lo, hi in dom):
        raise ValueError(f"domain {domain!r} must give {dim} intervals (low, high) with low < high")
    return dom


@dataclass(frozen=True, eq=False)
class Landscape:
    """A cost surface J(θ) over a rectangular domain, with exact derivatives.

    Build one with :meth:`from_sympy` (user formulas in :mod:`landscape_gui.core.landscapes.expressions` do) or
    :meth:`from_compiled` (the built-ins in :mod:`landscape_gui.core.landscapes.library`, precompiled). ``expr`` and
    ``symbols`` are built on first access by ``_symbolic`` (a callable giving both), then kept.
    """

    id: str
    name: str
    dim: int
    domain: Domain
    formula: str
    description: str = ""
    source: str = ""
    #: Known global minima from the literature (positions), empty when unknown.
    global_minima: tuple[tuple[float, ...], ...] = ()
    #: Points per axis of the grid on which the critical-point search samples ∇J (2-D), and of its grid of
    #: Newton seeds (None: chosen by the search): lower for landscapes that are costly to evaluate.
    search_grid: int = 400
    search_seeds: int | None = None
    #: Whether the critical-point search also asks sympy for exact roots (when ∇J is a low-degree rational
    #: polynomial). False for losses over data: their sympy expression is a sum over every sample, slow to
    #: build in a thread that then starves the window of the interpreter; the numeric search finds them.
    exact_search: bool = True
    # given by from_sympy and from_compiled; a DataLandscape sets the first three in attach_full_data
    _value: Callable[..., list[Any]] | None = field(repr=False, default=None)
    _grad: Callable[..., list[Any]] | None = field(repr=False, default=None)
    _hess: Callable[..., list[Any]] | None = field(repr=False, default=None)
    _symbolic: Callable[[], tuple[sp.Expr, Sequence[sp.Symbol]]] | None = field(repr=False, default=None)

    @property
    def expr(self) -> sp.Expr:
        """The sympy expression of J (built on first access: this imports sympy)."""
        return self._expr_and_symbols()[0]

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        """The sympy symbols of the variables, in order (built on first access, with :attr:`expr`)."""
        return self._expr_and_symbols()[1]

    def _expr_and_symbols(self) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
        cached = self.__dict__.get("_symbolic_cache")
        if cached is None:
            assert self._symbolic is not None  # every constructor gives it
            expr, symbols = self._symbolic()
            cached = (expr, tuple(symbols))
            object.__setattr__(self, "_symbolic_cache", cached)  # frozen: set once, like a cached property
        return cached

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
        grad, hess = derivatives(expr, symbols)
        dom = _check_domain(domain, dim)
        land = cls(
            id=id,
            name=name,
            dim=dim,
            domain=dom,
            formula=formula if formula is not None else str(expr),
            description=description,
            source=source,
            global_minima=tuple(tuple(float(c) for c in m) for m in global_minima),
            _value=_compile([expr], symbols),
            _grad=_compile(grad, symbols),
            _hess=_compile(hess, symbols),
            _symbolic=lambda: (expr, symbols),
        )
        object.__setattr__(land, "_symbolic_cache", (expr, symbols))
        return land

    @classmethod
    def from_compiled(
        cls,
        value: Callable[..., list[Any]],
        grad: Callable[..., list[Any]],
        hess: Callable[..., list[Any]],
        *,
        expr_factory: Callable[[], tuple[sp.Expr, Sequence[sp.Symbol]]],
        id: str,
        name: str,
        domain: Sequence[Sequence[float]],
        formula: str,
        description: str = "",
        source: str = "",
        global_minima: Sequence[Sequence[float]] = (),
    ) -> Landscape:
        """A landscape from already compiled functions (no sympy needed until ``expr`` is asked for).

        ``value``, ``grad``, ``hess`` take one array per variable and return a list of 1, d and d × d arrays
        (or constants), like lambdify's functions; ``expr_factory()`` gives ``(expr, symbols)``, whose
        derivatives the three must be. The dimension is the domain's.
        """
        dim = len(domain)
        if dim not in (1, 2):
            raise ValueError(f"a landscape has 1 or 2 variables, not {dim}")
        return cls(
            id=id,
            name=name,
            dim=dim,
            domain=_check_domain(domain, dim),
            formula=formula,
            description=description,
            source=source,
            global_minima=tuple(tuple(float(c) for c in m) for m in global_minima),
            _value=value,
            _grad=grad,
            _hess=hess,
            _symbolic=expr_factory,
        )

    # -- evaluation ---------------------------------------------------------------------------------------
    def _eval(
        self, fn: Callable[..., list[Any]] | None, points: ArrayLike, trailing: tuple[int, ...]
    ) -> FloatArray:
        assert fn is not None  # the compiled functions are set before a landscape is evaluated
        arr, single = as_points(points, self.dim)
        n = arr.shape[0]
        with np.errstate(all="ignore"):
            parts = fn(*np.ascontiguousarray(arr.T))  # contiguous columns (no copy for column-major points)
            buffer = np.empty((len(parts), n))  # one contiguous row per component
            for row, part in zip(buffer, parts, strict=True):
                row[...] = _real(part)  # constants broadcast to every point
        # (N, *trailing) in the layout of the points: column-major points (as Simulation keeps them) get a
        # column-major result, so the optimizers' element-wise arithmetic and the next evaluation run on
        # contiguous memory and nothing is transposed
        out = buffer.T.reshape((n, *trailing))
        if single:
            first: FloatArray = out[0]
            return first
        return np.ascontiguousarray(out) if arr.flags.c_contiguous and n > 1 else out  # the points' layout

    def value(self, points: ArrayLike) -> FloatArray:
        """J at each point: shape (N,) (a numpy scalar for a single point)."""
        return self._eval(self._value, points, ())

    def grad(self, points: ArrayLike) -> FloatArray:
        """∇J at each point: shape (N, d).

        At a cusp where J is finite but its derivative is 0/0 (Ackley's origin, √(x² + y²) at 0), the
        gradient is taken as 0, which lies in the subdifferential there.
        """
        g = self._eval(self._grad, points, (self.dim,))
        if not np.isfinite(g.sum()):  # one cheap pass; the sum of finite gradients may overflow: then look
            finite_value = np.isfinite(self.value(points))
            g[np.isnan(g) & finite_value[..., None]] = 0.0
        return g

    def hessian(self, points: ArrayLike) -> FloatArray:
        """The Hessian matrix at each point: shape (N, d, d)."""
        return self._eval(self._hess, points, (self.dim, self.dim))

    # -- domain -------------------------------------------------------------------------------------------
    def with_domain(self, domain: Sequence[Sequence[float]]) -> Landscape:
        """The same function over another domain (checked by :func:`~landscape_gui.core.landscapes.domain.check_domain`:
        a :class:`~landscape_gui.core.landscapes.domain.DomainError`, a ``ValueError``, names the bad axis)."""
        dom = check_domain(domain, self.dim)
        other = replace(self, domain=dom)
        if "_symbolic_cache" in self.__dict__:
            object.__setattr__(other, "_symbolic_cache", self.__dict__["_symbolic_cache"])
        return other

    def contains(self, points: ArrayLike, margin: float = 0.0) -> BoolArray:
        """Whether each point lies inside the domain (widened by ``margin`` × its size on each side)."""
        arr, single = as_points(points, self.dim)
        lo = np.array([a for a, _ in self.domain])
        hi = np.array([b for _, b in self.domain])
        pad = margin * (hi - lo)
        inside: BoolArray = np.all((arr >= lo - pad) & (arr <= hi + pad), axis=1)
        return inside[0] if single else inside

    def grid(self, resolution: int = 200) -> tuple[FloatArray, ...]:
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
