"""Exact critical points of a polynomial landscape: the real roots of ∇J = 0 computed with sympy.

Used by :mod:`landscape_gui.core.analysis.critical` when J is a polynomial with rational coefficients of low
degree: in 1-D the real roots of J′, in 2-D the real roots of the two resultants (one per variable), paired
and polished with 30-digit Newton steps. They pin degenerate points (the monkey saddle) exactly, and they
are all the critical points there are, however large the domain.

**Bounded work.** sympy's calls cannot be interrupted, so nothing is expanded before the degree is known to
be small: :func:`degree_bound` reads an upper bound of J's total degree off the expression tree (a sum takes
the largest degree of its terms, a product adds them up, a power multiplies by its exponent), without
expanding anything; ``(x+y+1)**60*(x-y+2)**60`` is refused at once (degree 120), where expanding it took
minutes. Within the degrees allowed the whole computation takes well under a second.

**Pairing.** A pair (x-root, y-root) is a critical point when both gradient components vanish there to the
precision of the 30-digit evaluation: each residual at most 10⁻¹⁵ of the size of the terms it is the sum of
(the same polynomial with every coefficient and coordinate taken in absolute value). This test does not
depend on the domain: on a domain of ±10⁶ a pair such as (3, −0.923) on Himmelblau, where |∇J| ≈ 30, is
refused, as it is on ±5.

>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> degree_bound((x + y + 1) ** 60 * (x - y + 2) ** 60, (x, y)), degree_bound(x**2 * y + 3, (x, y))
(120.0, 3.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

from landscape_gui.core.landscapes.landscape import Landscape

if TYPE_CHECKING:  # sympy is imported where it is needed: not on the app's launch path
    import sympy as sp

__all__ = ["EXACT_MAX_DEGREE_1D", "EXACT_MAX_DEGREE_2D", "degree_bound", "exact_roots"]

#: Largest degree of J′ (1-D) and of the gradient's components (2-D) solved exactly.
EXACT_MAX_DEGREE_1D = 40
EXACT_MAX_DEGREE_2D = 5
_DIGITS = 30


def degree_bound(expr: sp.Expr, symbols: Iterable[sp.Symbol]) -> float:
    """An upper bound of the total degree of ``expr`` as a polynomial in ``symbols`` (``inf`` when it is not
    one, as far as the tree shows), read off the tree without expanding anything."""
    import sympy as sp

    symbols = set(symbols)
    memo: dict[sp.Basic, float] = {}
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:  # post-order, without recursion (a formula may be deep)
        node, expanded = stack.pop()
        if node in memo:
            continue
        if not expanded and node.args and not node.is_Atom:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if a not in memo)
            continue
        if node in symbols:
            degree = 1.0
        elif not node.free_symbols & symbols:
            degree = 0.0
        elif isinstance(node, sp.Add):
            degree = max(memo[a] for a in node.args)
        elif isinstance(node, sp.Mul):
            degree = sum(memo[a] for a in node.args)
        elif isinstance(node, sp.Pow) and node.exp.is_Integer and node.exp >= 0:
            degree = memo[node.base] * int(node.exp)
        else:
            degree = math.inf
        memo[node] = degree
    return memo[expr]


def _rational_poly(ls: Landscape, max_degree: int) -> sp.Poly | None:
    """J as a polynomial with rational coefficients, or None (not one, or of total degree over
    ``max_degree``: then it is not expanded at all)."""
    import sympy as sp

    if degree_bound(ls.expr, ls.symbols) > max_degree:
        return None
    try:
        if not ls.expr.is_polynomial(*ls.symbols):
            return None
        p = sp.Poly(ls.expr, *ls.symbols)
    except (sp.PolynomialError, sp.GeneratorsNeeded, TypeError, ValueError):
        return None
    if p.get_domain() not in (sp.ZZ, sp.QQ):
        return None
    return p


def _real_roots(p: sp.Poly) -> list[sp.Float]:
    """Distinct real roots of a univariate rational polynomial, to _DIGITS digits."""
    import sympy as sp

    if p.is_zero or p.degree() <= 0:
        return []
    sq = p.sqf_part()
    return [sp.Float(r.evalf(_DIGITS), _DIGITS) for r in sq.real_roots()]


def exact_roots(ls: Landscape, check: Callable[[], None]) -> np.ndarray | None:
    """Every critical point of ``ls`` (in the whole plane, shape (P, d)) from sympy when ∇J is a low-degree
    rational polynomial system; None when it is not one (or its critical points are not isolated).
    ``check()`` is called between sympy's calls (it raises to stop)."""
    import sympy as sp

    p = _rational_poly(ls, EXACT_MAX_DEGREE_1D + 1 if ls.dim == 1 else EXACT_MAX_DEGREE_2D + 1)
    if p is None:
        return None
    if ls.dim == 1:
        dp = p.diff(ls.symbols[0])
        if dp.is_zero or dp.degree() > EXACT_MAX_DEGREE_1D:
            return None
        roots = [float(r) for r in _real_roots(dp)]
        return np.array(roots, dtype=np.float64).reshape(-1, 1)

    xs, ys = ls.symbols
    gx, gy = p.diff(xs), p.diff(ys)
    if gx.is_zero or gy.is_zero or max(gx.total_degree(), gy.total_degree()) > EXACT_MAX_DEGREE_2D:
        return None
    check()
    rx = sp.Poly(sp.resultant(gx.as_expr(), gy.as_expr(), ys), xs)
    check()
    ry = sp.Poly(sp.resultant(gx.as_expr(), gy.as_expr(), xs), ys)
    if rx.is_zero or ry.is_zero:  # a common factor: a curve of critical points, not isolated ones
        return None
    check()
    xr = _real_roots(rx) if rx.degree() > 0 else []
    yr = _real_roots(ry) if ry.degree() > 0 else []
    # a resultant that is a non-zero constant has no roots: then there is no critical point at all
    import mpmath  # sympy's own dependency

    fgx = sp.lambdify((xs, ys), gx.as_expr(), modules="mpmath")
    fgy = sp.lambdify((xs, ys), gy.as_expr(), modules="mpmath")
    # the size of the terms each component sums: every coefficient (and coordinate) in absolute value
    size_x = sp.lambdify((xs, ys), sum(abs(c) * xs**i * ys**j for (i, j), c in gx.terms()), modules="mpmath")
    size_y = sp.lambdify((xs, ys), sum(abs(c) * xs**i * ys**j for (i, j), c in gy.terms()), modules="mpmath")
    hexprs = [[sp.diff(g.as_expr(), s) for s in (xs, ys)] for g in (gx, gy)]
    fh = sp.lambdify((xs, ys), hexprs, modules="mpmath")

    out = []
    with mpmath.workdps(_DIGITS):
        tiny = mpmath.mpf(10) ** (-_DIGITS // 2)
        for a in xr:
            check()
            for b in yr:
                u, v = mpmath.mpf(str(a)), mpmath.mpf(str(b))
                au, av = abs(u), abs(v)
                if abs(fgx(u, v)) > tiny * size_x(au, av) or abs(fgy(u, v)) > tiny * size_y(au, av):
                    continue  # not a root of both components: a pair of roots of different points
                for _ in range(8):  # polish (the roots are already accurate; this only tidies them)
                    jac = mpmath.matrix(fh(u, v))
                    rhs = mpmath.matrix([fgx(u, v), fgy(u, v)])
                    try:
                        step = mpmath.lu_solve(jac, rhs)
                    except ZeroDivisionError:
                        break
                    if abs(step[0]) + abs(step[1]) > mpmath.mpf(10) ** (-_DIGITS // 3):
                        break
                    u, v = u - step[0], v - step[1]
                out.append((float(u), float(v)))
    return np.array(out, dtype=np.float64).reshape(-1, 2)
