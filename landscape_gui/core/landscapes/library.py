"""The built-in landscapes: the lecture's examples and the classic optimisation test functions.

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> rosen = get_landscape("rosenbrock")
>>> float(rosen.value([1.0, 1.0]))
0.0
>>> sorted(LANDSCAPE_IDS)[:3]
['ackley', 'beale', 'booth']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from landscape_gui.core.data.landscapes import DATA_IDS, build_data_landscape, describe_data
from landscape_gui.core.data.mlp_slice import MLP_SLICE_IDS, build_mlp_slice, describe_mlp_slice
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.limits import shorten

if TYPE_CHECKING:
    import sympy as sp

_WIKI = "Test functions for optimization (Wikipedia); Jamil & Yang, 'A literature survey of benchmark functions for global optimization problems', 2013"


@dataclass(frozen=True)
class _Entry:
    id: str
    name: str
    formula: str  # as a person would type it (and as the expression parser accepts it)
    #: ``build(sympy, x, y)`` gives the sympy expression: built on demand, so importing the library (and
    #: using a built-in, compiled ahead in ``_builtins_numpy``) does not import sympy.
    build: Callable[..., sp.Expr]
    domain: tuple[tuple[float, float], ...]
    description: str
    source: str
    global_minima: tuple[tuple[float, ...], ...] = ()

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return _symbolic(self.id)[1]

    @property
    def expr(self) -> sp.Expr:
        return _symbolic(self.id)[0]


_ONE_D = {"seed_curve", "double_well"}


def _cubic_roots(coeffs: list[float]) -> list[float]:
    return sorted(float(r.real) for r in np.roots(coeffs) if abs(r.imag) < 1e-12)


# two_wells: (x² − 1)² + 0.4x + y²; its critical x solve 4x³ − 4x + 0.4 = 0, the leftmost is the deep well.
_TWO_WELLS_X = _cubic_roots([4.0, 0.0, -4.0, 0.4])

_ENTRIES = [
    # -- from the lecture material -------------------------------------------------------------------------
    _Entry(
        "seed_curve",
        "Seed curve",
        "(3*x**4 + 8*x**3 - 6*x**2 - 24*x + 19)/12",
        lambda sp, x, y: (3 * x**4 + 8 * x**3 - 6 * x**2 - 24 * x + 19) / 12,
        ((-3.0, 2.2),),
        "1-D curve with a shallow local minimum at θ = −2 (J = 2.25) and the global minimum at θ = 1 (J = 0)",
        "Lecture figure 'cost function with local and global minima'; J'(θ) = (θ + 2)(θ + 1)(θ − 1)",
        ((1.0,),),
    ),
    _Entry(
        "double_well",
        "Double well",
        "x**4 - 5*x**2 + 4",
        lambda sp, x, y: x**4 - 5 * x**2 + 4,
        ((-3.0, 3.0),),
        "1-D double well x⁴ − 5x² + 4: two global minima at ±√(5/2) and a maximum at 0",
        "Lecture example L(x) = x⁴ − 5x² + 4",
        ((-float(np.sqrt(2.5)),), (float(np.sqrt(2.5)),)),
    ),
    _Entry(
        "saddle",
        "Saddle",
        "x**2 - y**2",
        lambda sp, x, y: x**2 - y**2,
        ((-2.0, 2.0), (-2.0, 2.0)),
        "Saddle point x² − y² at the origin: up along x, down along y",
        "Lecture figure 'saddle point example'",
    ),
    _Entry(
        "monkey_saddle",
        "Monkey saddle",
        "x**3 - 3*x*y**2",
        lambda sp, x, y: x**3 - 3 * x * y**2,
        ((-1.5, 1.5), (-1.5, 1.5)),
        "Monkey saddle x³ − 3xy²: a degenerate critical point (zero Hessian) with three downward valleys",
        "Classic example of a degenerate saddle (e.g. Wikipedia, 'Monkey saddle')",
    ),
    _Entry(
        "two_wells",
        "Two wells",
        "(x**2 - 1)**2 + 0.4*x + y**2",
        lambda sp, x, y: (x**2 - 1) ** 2 + sp.Rational(2, 5) * x + y**2,
        ((-2.0, 2.0), (-1.5, 1.5)),
        "A shallow local minimum (x ≈ 0.95) beside a deeper global one (x ≈ −1.05): GD gets stuck, noise or momentum gets out",
        "Built for the lecture's point that SGD noise and momentum escape shallow minima",
        ((_TWO_WELLS_X[0], 0.0),),
    ),
    _Entry(
        "plateau",
        "Plateau",
        "1 - exp(-(x**2 + y**2)/2)",
        lambda sp, x, y: 1 - sp.exp(-(x**2 + y**2) / 2),
        ((-5.0, 5.0), (-5.0, 5.0)),
        "A narrow well in a wide plateau: away from the centre the gradient all but vanishes",
        "Built for the lecture's point about flat regions where gradient descent crawls",
        ((0.0, 0.0),),
    ),
    # -- classic test functions ----------------------------------------------------------------------------
    _Entry(
        "rosenbrock",
        "Rosenbrock",
        "(1 - x)**2 + 100*(y - x**2)**2",
        lambda sp, x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        ((-2.0, 2.0), (-1.0, 3.0)),
        "Rosenbrock's banana valley: easy to find, slow to follow to the minimum at (1, 1)",
        "Rosenbrock, 'An automatic method for finding the greatest or least value of a function', 1960",
        ((1.0, 1.0),),
    ),
    _Entry(
        "himmelblau",
        "Himmelblau",
        "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        lambda sp, x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        ((-5.0, 5.0), (-5.0, 5.0)),
        "Himmelblau's function: four equal minima, one maximum and four saddles",
        "Himmelblau, 'Applied Nonlinear Programming', 1972",
        (
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.283185991286170),
            (3.584428340330492, -1.848126526964404),
        ),
    ),
    _Entry(
        "beale",
        "Beale",
        "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
        lambda sp, x, y: (
            (sp.Rational(3, 2) - x + x * y) ** 2
            + (sp.Rational(9, 4) - x + x * y**2) ** 2
            + (sp.Rational(21, 8) - x + x * y**3) ** 2
        ),
        ((-4.5, 4.5), (-4.5, 4.5)),
        "Beale's function: sharp ridges at the corners, a flat valley to the minimum at (3, 0.5)",
        _WIKI,
        ((3.0, 0.5),),
    ),
    _Entry(
        "booth",
        "Booth",
        "(x + 2*y - 7)**2 + (2*x + y - 5)**2",
        lambda sp, x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
        ((-10.0, 10.0), (-10.0, 10.0)),
        "Booth's function: a tilted convex quadratic bowl, minimum at (1, 3)",
        _WIKI,
        ((1.0, 3.0),),
    ),
    _Entry(
        "rastrigin",
        "Rastrigin",
        "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
        lambda sp, x, y: 20 + x**2 - 10 * sp.cos(2 * sp.pi * x) + y**2 - 10 * sp.cos(2 * sp.pi * y),
        ((-5.12, 5.12), (-5.12, 5.12)),
        "Rastrigin's function: a bowl covered in a regular grid of local minima, global minimum at the origin",
        "Rastrigin, 'Systems of extremal control', 1974; " + _WIKI,
        ((0.0, 0.0),),
    ),
    _Entry(
        "ackley",
        "Ackley",
        "-20*exp(-0.2*sqrt(0.5*(x**2 + y**2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
        lambda sp, x, y: (
            -20 * sp.exp(-sp.Rational(1, 5) * sp.sqrt((x**2 + y**2) / 2))
            - sp.exp((sp.cos(2 * sp.pi * x) + sp.cos(2 * sp.pi * y)) / 2)
            + sp.E
            + 20
        ),
        ((-5.0, 5.0), (-5.0, 5.0)),
        "Ackley's function: a nearly flat, bumpy outer region around a deep central funnel (non-smooth at the origin)",
        "Ackley, 'A connectionist machine for genetic hillclimbing', 1987; " + _WIKI,
        ((0.0, 0.0),),
    ),
    _Entry(
        "goldstein_price",
        "Goldstein–Price",
        "(1 + (x + y + 1)**2*(19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2))"
        "*(30 + (2*x - 3*y)**2*(18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))",
        lambda sp, x, y: (
            (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2))
            * (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2))
        ),
        ((-2.0, 2.0), (-2.0, 2.0)),
        "Goldstein–Price: values spanning six orders of magnitude, several local minima, global minimum 3 at (0, −1)",
        "Goldstein & Price, 'On descent from local minima', 1971",
        ((0.0, -1.0),),
    ),
    _Entry(
        "six_hump_camel",
        "Six-hump camel",
        "(4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2",
        lambda sp, x, y: (4 - sp.Rational(21, 10) * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2,
        ((-3.0, 3.0), (-2.0, 2.0)),
        "Six-hump camel: six local minima, two of them global (≈ −1.0316)",
        "Dixon & Szegö, 'Towards Global Optimisation 2', 1978; " + _WIKI,
        ((0.08984201368301331, -0.7126564032704135), (-0.08984201368301331, 0.7126564032704135)),
    ),
    _Entry(
        "three_hump_camel",
        "Three-hump camel",
        "2*x**2 - 1.05*x**4 + x**6/6 + x*y + y**2",
        lambda sp, x, y: 2 * x**2 - sp.Rational(21, 20) * x**4 + x**6 / 6 + x * y + y**2,
        ((-5.0, 5.0), (-5.0, 5.0)),
        "Three-hump camel: two local minima either side of the global minimum at the origin",
        _WIKI,
        ((0.0, 0.0),),
    ),
    _Entry(
        "matyas",
        "Matyas",
        "0.26*(x**2 + y**2) - 0.48*x*y",
        lambda sp, x, y: sp.Rational(26, 100) * (x**2 + y**2) - sp.Rational(48, 100) * x * y,
        ((-10.0, 10.0), (-10.0, 10.0)),
        "Matyas: a plate-shaped, badly conditioned quadratic (condition number 37), minimum at the origin",
        _WIKI,
        ((0.0, 0.0),),
    ),
    _Entry(
        "levi13",
        "Lévi N.13",
        "sin(3*pi*x)**2 + (x - 1)**2*(1 + sin(3*pi*y)**2) + (y - 1)**2*(1 + sin(2*pi*y)**2)",
        lambda sp, x, y: (
            sp.sin(3 * sp.pi * x) ** 2
            + (x - 1) ** 2 * (1 + sp.sin(3 * sp.pi * y) ** 2)
            + (y - 1) ** 2 * (1 + sp.sin(2 * sp.pi * y) ** 2)
        ),
        ((-10.0, 10.0), (-10.0, 10.0)),
        "Lévi N.13: ripples in every direction, global minimum at (1, 1)",
        _WIKI,
        ((1.0, 1.0),),
    ),
    _Entry(
        "styblinski_tang",
        "Styblinski–Tang",
        "(x**4 - 16*x**2 + 5*x + y**4 - 16*y**2 + 5*y)/2",
        lambda sp, x, y: (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y) / 2,
        ((-5.0, 5.0), (-5.0, 5.0)),
        "Styblinski–Tang: four minima of different depths, global near (−2.9035, −2.9035)",
        "Styblinski & Tang, 'Experiments in nonconvex optimization', 1990",
        ((-2.903534027771178, -2.903534027771178),),
    ),
    _Entry(
        "mccormick",
        "McCormick",
        "sin(x + y) + (x - y)**2 - 1.5*x + 2.5*y + 1",
        lambda sp, x, y: sp.sin(x + y) + (x - y) ** 2 - sp.Rational(3, 2) * x + sp.Rational(5, 2) * y + 1,
        ((-1.5, 4.0), (-3.0, 4.0)),
        "McCormick: a sine ridge over a tilted valley, minimum at (½ − π/3, −½ − π/3)",
        _WIKI,
        ((0.5 - float(np.pi) / 3, -0.5 - float(np.pi) / 3),),
    ),
    _Entry(
        "easom",
        "Easom",
        "-cos(x)*cos(y)*exp(-((x - pi)**2 + (y - pi)**2))",
        lambda sp, x, y: -sp.cos(x) * sp.cos(y) * sp.exp(-((x - sp.pi) ** 2 + (y - sp.pi) ** 2)),
        ((-100.0, 100.0), (-100.0, 100.0)),
        "Easom: a single narrow hole at (π, π) in a vast flat plain (zoom the domain in to see it)",
        _WIKI,
        ((float(np.pi), float(np.pi)),),
    ),
]

_BY_ID = {e.id: e for e in _ENTRIES}

#: Built-in formula landscapes (compiled ahead in ``_builtins_numpy``).
FORMULA_IDS: tuple[str, ...] = tuple(e.id for e in _ENTRIES)

#: Built-in landscapes made of data (:mod:`landscape_gui.core.data.landscapes`, the network slice).
DATA_LANDSCAPE_IDS: tuple[str, ...] = (*DATA_IDS, *MLP_SLICE_IDS)

#: Built-in landscape ids, in the order menus show them (lecture examples first, data landscapes last).
LANDSCAPE_IDS: tuple[str, ...] = FORMULA_IDS + DATA_LANDSCAPE_IDS


@cache
def _symbolic(landscape_id: str) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """``(expr, symbols)`` of a built-in (imports sympy; built once, then cached)."""
    import sympy

    x, y = sympy.symbols("x y", real=True)
    expr = _BY_ID[landscape_id].build(sympy, x, y)
    return expr, ((x,) if landscape_id in _ONE_D else (x, y))


@cache
def get_landscape(landscape_id: str) -> Landscape:
    """The built-in landscape with this id (built once, then cached).

    Its value, gradient and Hessian are the functions precompiled in ``_builtins_numpy`` (bit-identical to
    compiling ``expr`` with :meth:`Landscape.from_sympy`; ``tests/test_codegen.py`` checks). Raises
    ``KeyError`` with the list of valid ids for an unknown one. The data landscapes are generated (and the
    network of ``mlp_slice`` trained, or read from its disk cache) on first use.
    """
    if landscape_id in DATA_IDS:
        return build_data_landscape(landscape_id)
    if landscape_id in MLP_SLICE_IDS:
        return build_mlp_slice(variant=landscape_id)
    try:
        e = _BY_ID[landscape_id]
    except KeyError:
        raise KeyError(
            f"unknown function '{shorten(str(landscape_id))}' (known: {', '.join(LANDSCAPE_IDS)})"
        ) from None
    from landscape_gui.core.landscapes._builtins_numpy import FUNCTIONS

    value, grad, hess = FUNCTIONS[landscape_id]
    return Landscape.from_compiled(
        value,
        grad,
        hess,
        expr_factory=lambda: _symbolic(landscape_id),
        id=e.id,
        name=e.name,
        domain=e.domain,
        formula=e.formula,
        description=e.description,
        source=e.source,
        global_minima=e.global_minima,
    )


def describe(landscape_id: str) -> tuple[str, str]:
    """``(name, description)`` of a built-in without compiling it (nor generating its data)."""
    if landscape_id in DATA_IDS:
        return describe_data(landscape_id)
    if landscape_id in MLP_SLICE_IDS:
        return describe_mlp_slice(landscape_id)
    e = _BY_ID[landscape_id]
    return e.name, e.description
