"""Issue 28, critical points on large allowed domains, and a bounded search for high-degree formulas.

Himmelblau's nine critical points are known in closed form for the minimum (3, 2) and to many digits for the
others (Himmelblau 1972; e.g. the table in Wikipedia's "Himmelblau's function"): four minima, four saddles
and one maximum. On ±10⁶ the search listed nine "degenerate" points, some not stationary ((3, −0.923) with
J = 18.45), and missed the minima; on ±10⁴ and ±10⁵ it listed none.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from landscape_gui.cli import main
from landscape_gui.core.analysis.critical import find_critical_points
from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.landscapes.library import get_landscape

MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
MAXIMUM = (-0.270845, -0.923039)


def himmelblau(half: float):
    return get_landscape("himmelblau").with_domain([(-half, half), (-half, half)])


def hand_gradient(p):
    """∇J of Himmelblau, J = (x² + y − 11)² + (x + y² − 7)², derived by hand."""
    x, y = np.asarray(p, dtype=np.float64).T
    a, b = x**2 + y - 11, x + y**2 - 7
    return np.column_stack([4 * x * a + 2 * b, 2 * a + 4 * y * b])


@pytest.mark.parametrize("half", [1e4, 1e5, 1e6])
def test_himmelblau_on_a_huge_domain_has_its_nine_points(half):
    from landscape_gui.core.analysis.critical import search_critical_points

    found = search_critical_points(himmelblau(half))
    assert found.complete and found.reason == ""
    kinds = sorted(p.kind for p in found.points)
    assert kinds == ["maximum"] + ["minimum"] * 4 + ["saddle"] * 4
    minima = sorted(p.position for p in found.points if p.kind == "minimum")
    np.testing.assert_allclose(minima, sorted(MINIMA), atol=1e-6)
    assert all(p.is_global for p in found.points if p.kind == "minimum")
    (top,) = [p for p in found.points if p.kind == "maximum"]
    np.testing.assert_allclose(top.position, MAXIMUM, atol=1e-6)
    assert np.abs(hand_gradient([p.position for p in found.points])).max() < 1e-8


@pytest.mark.parametrize("half", [1e3, 1e4, 1e6])
def test_the_numeric_search_lists_only_stationary_points_and_says_when_it_cannot_resolve(half):
    from landscape_gui.core.analysis.critical import search_critical_points

    found = search_critical_points(himmelblau(half), exact=False)
    pos = np.array([p.position for p in found.points]).reshape(-1, 2)
    assert np.abs(hand_gradient(pos)).max(initial=0) < 1e-6  # every listed point is stationary
    assert not found.complete and "closer than the search grid resolves" in found.reason
    assert not any(p.kind == "degenerate" for p in found.points)


def test_the_default_domains_are_covered():
    from landscape_gui.core.analysis.critical import search_critical_points

    for fid in ("himmelblau", "rastrigin", "six_hump_camel", "easom", "rosenbrock", "seed_curve"):
        assert search_critical_points(get_landscape(fid)).complete, fid


def test_critical_says_whether_its_list_is_complete(capsys):
    code = main(["critical", "--function", "rastrigin", "--domain=-1e4,1e4,-1e4,1e4"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["complete"] is False and "closer than the search grid" in data["reason"]
    code = main(["critical", "--function", "himmelblau", "--domain=-1e6,1e6,-1e6,1e6", "--format", "text"])
    out = capsys.readouterr().out
    assert code == 0 and out.count("minimum (global)") == 4 and "not complete" not in out
    code = main(["critical", "--function", "rastrigin", "--domain=-1e4,1e4,-1e4,1e4", "--format", "text"])
    assert "not complete: critical points lie" in capsys.readouterr().out


def test_a_run_settling_into_a_minimum_on_a_huge_domain_is_not_at_a_degenerate_point():
    sim = Simulation(himmelblau(1e6), [[2.9, 1.9]], [("gd", {"lr": 0.01})])
    sim.step(20)  # crawling into (3, 2): it was "stalled at a degenerate point"
    (run,) = sim.runs()
    assert run.status == "running" and run.label == "approaching the global minimum"
    sim.step(2000)
    (run,) = sim.runs()
    assert run.status == "converged" and run.label == "reached the global minimum"


class Expanded(BaseException):
    """Raised by a sympy.Poly that must not be built (a BaseException: nothing may swallow it)."""


def test_a_high_degree_polynomial_is_never_expanded(monkeypatch):
    """``(x+y+1)**60*(x-y+2)**60``: expanding it for the exact search took over a minute; its degree is read
    off the tree (120, over the 6 the exact search takes) and it is never expanded."""
    import sympy

    from landscape_gui.core.landscapes.expressions import landscape_from_formula

    L = landscape_from_formula("(x+y+1)**60*(x-y+2)**60")

    def no_expansion(*_, **__):
        raise Expanded

    monkeypatch.setattr(sympy, "Poly", no_expansion)
    assert find_critical_points(L) == []  # its critical points are two lines of minima: none isolated


def test_the_degree_bound_reads_the_tree():
    import sympy as sp

    from landscape_gui.core.analysis.critical_exact import degree_bound

    x, y = sp.symbols("x y")
    assert degree_bound((x + y + 1) ** 60 * (x - y + 2) ** 60, (x, y)) == 120
    assert degree_bound((x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, (x, y)) == 4
    assert degree_bound(sp.sin(x) + y, (x, y)) == float("inf")
    assert degree_bound(sp.Integer(3), (x, y)) == 0


@pytest.mark.parametrize(
    ("formula", "listed"),
    [
        ("(x**2 + y**2 - 1)**2", [("maximum", (0.0, 0.0))]),  # the unit circle: a curve of minima
        ("(x + y)**2", []),  # the line y = −x: a valley of minima, flat along it
        # ∇J = 100 A⁹⁹B⁹⁹ (2x + 3, 1 − 2y) with A = x + y + 1, B = x − y + 2: the two lines A = 0 and B = 0,
        # of minima (J ≥ 0 = J there), and (−3/2, 1/2), where they cross; Newton creeps towards a root of
        # order 99 until ∇J underflows, and the search said "complete" with none of them
        ("(x+y+1)**100*(x-y+2)**100", []),
    ],
)
def test_critical_points_that_are_not_isolated_make_the_list_incomplete(formula, listed):
    """A line or curve of minima cannot be listed point by point; the search said "complete" with none of them
    (so did ``critical --expr='(x+y)**2'``): it says they are missing instead."""
    from landscape_gui.core.analysis.critical import search_critical_points
    from landscape_gui.core.landscapes.expressions import landscape_from_formula

    found = search_critical_points(landscape_from_formula(formula))
    assert [(p.kind, tuple(round(c, 9) + 0.0 for c in p.position)) for p in found.points] == listed
    assert not found.complete
    assert (
        found.reason
        == "some critical points are not isolated (lines, curves or flat regions of them) and are not listed"
    )
    isolated = search_critical_points(landscape_from_formula("(x + y)**2 + (x - y)**2"))
    assert isolated.complete and [p.kind for p in isolated.points] == ["minimum"]


def test_a_minimum_of_high_order_is_listed_or_said_to_be_missing():
    """x¹⁰⁰ + y¹⁰⁰ has one critical point, its minimum (0, 0) (∇J = 100 (x⁹⁹, y⁹⁹)). Newton moves 1/100 of
    the way to it per step, and the search said "complete" with no points: it must list the minimum or say
    the list is incomplete."""
    from landscape_gui.core.analysis.critical import search_critical_points
    from landscape_gui.core.landscapes.expressions import landscape_from_formula

    found = search_critical_points(landscape_from_formula("x**100 + y**100"))
    listed = [p for p in found.points if np.allclose(p.position, (0.0, 0.0), atol=1e-6)]
    assert listed or not found.complete
    assert all(np.allclose(p.position, (0.0, 0.0), atol=1e-6) for p in found.points)
