"""User formulas: the parser accepts the built-ins, says what is wrong and where, and is safe on hostile text."""

from __future__ import annotations

import ast
import builtins
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landscape_gui.core.landscapes import expressions
from landscape_gui.core.landscapes.expressions import (
    FUNCTIONS,
    FormulaError,
    landscape_from_formula,
    parse_formula,
)
from landscape_gui.core.landscapes.library import _ENTRIES, get_landscape

X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)

#: Within the bounds, the slowest formula found (see the module docstring); it must build in time.
WORST = "cos(sin(atan(tanh(exp(cos(sin(x*exp(y))*tanh(y))*atan(y))*sin(y))*cos(y))*exp(y))*tanh(y))"


def _points(domain, n, seed):
    rng = np.random.default_rng(seed)
    lo = np.array([a for a, _ in domain])
    hi = np.array([b for _, b in domain])
    return lo + (hi - lo) * rng.random((n, len(domain)))


# -- the built-in formulas ---------------------------------------------------------------------------------
@pytest.mark.parametrize("entry", _ENTRIES, ids=lambda e: e.id)
def test_every_builtin_formula_gives_the_builtin_function(entry):
    land = landscape_from_formula(entry.formula, entry.domain)
    ref = get_landscape(entry.id)
    assert land.symbols == ref.symbols
    assert land.domain == ref.domain
    pts = _points(ref.domain, 25, seed=len(entry.id))
    for method in ("value", "grad", "hessian"):
        got, want = getattr(land, method)(pts), getattr(ref, method)(pts)
        scale = max(1.0, float(np.max(np.abs(want))))
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12 * scale, err_msg=method)


def test_landscape_fields_and_default_domain():
    land = landscape_from_formula("  x^2 + 3*y  ")
    assert (land.id, land.name, land.formula) == ("custom", "f(x, y) = x^2 + 3*y", "x^2 + 3*y")
    assert land.description == "Custom formula"
    assert land.domain == ((-5.0, 5.0), (-5.0, 5.0))
    np.testing.assert_allclose(land.grad([1.0, 2.0]), [2.0, 3.0])
    one = landscape_from_formula("(x - 1)^2", [(-2, 3)])
    assert (one.dim, one.name, one.domain) == (1, "f(x) = (x - 1)^2", ((-2.0, 3.0),))


def test_missing_domain_intervals_default_and_extra_ones_are_ignored():
    assert landscape_from_formula("x*y", [(0, 1)]).domain == ((0.0, 1.0), (-5.0, 5.0))
    assert landscape_from_formula("x", [(0, 1), (2, 3)]).domain == ((0.0, 1.0),)
    with pytest.raises(FormulaError, match="low 1 must be below high 0"):
        landscape_from_formula("x", [(1, 0)])


@pytest.mark.parametrize(
    ("text", "symbols"),
    [("x", (X,)), ("3", (X,)), ("pi*e", (X,)), ("y", (X, Y)), ("y - y", (X, Y)), ("θ + theta", (X,))],
)
def test_dimension_follows_the_variables(text, symbols):
    assert parse_formula(text)[1] == symbols


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x^2", X**2),
        ("2**-1", sp.Rational(1, 2)),
        (".5*x + 1e-3", X / 2 + sp.Rational(1, 1000)),
        ("0.4*x", sp.Rational(2, 5) * X),
        ("-x + +y", -X + Y),
        ("log(x, 2)", sp.log(X) / sp.log(2)),
        ("arctan(x) + atan(x)", 2 * sp.atan(X)),
        ("sigmoid(x)", 1 / (1 + sp.exp(-X))),
        ("x − 2×y·x", X - 2 * X * Y),
        ("θ^2", X**2),
        ("pi + π + e", 2 * sp.pi + sp.E),
        ("x\n + y", X + Y),
    ],
)
def test_formulas_parse_to_the_expected_expression(text, expected):
    assert sp.simplify(parse_formula(text)[0] - expected) == 0


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_builds_and_evaluates(name):
    arities, _ = FUNCTIONS[name]
    args = ", ".join(["x", "y"][: arities[0]]) if name not in ("acosh", "arccosh") else "x + 1"
    land = landscape_from_formula(f"{name}({args}) + 0*y", [(0.3, 0.9), (0.4, 0.8)])
    pts = _points(land.domain, 5, seed=1)
    assert np.isfinite(land.value(pts)).all()
    assert np.isfinite(land.grad(pts)).all()
    assert np.isfinite(land.hessian(pts)).all()


def test_nonsmooth_functions_have_almost_everywhere_derivatives():
    land = landscape_from_formula("abs(x) + max(x, y) + relu(y) + sign(x)*min(x, y)")
    np.testing.assert_allclose(land.grad([-2.0, 1.0]), [-1.0 - 1.0, 1.0 + 1.0])
    np.testing.assert_allclose(land.hessian([-2.0, 1.0]), np.zeros((2, 2)))
    cube = landscape_from_formula("cbrt(x)")
    np.testing.assert_allclose(cube.value([-8.0]), -2.0)
    np.testing.assert_allclose(cube.grad([-8.0]), [1 / 12])
    erf = landscape_from_formula("erf(x)")
    np.testing.assert_allclose(
        erf.value([[0.5], [-1.0]]), [0.5204998778130465, -0.8427007929497149], rtol=1e-14
    )


# -- messages ----------------------------------------------------------------------------------------------
MESSAGES = [
    ("sinn(x)", "unknown function 'sinn' at column 1", 1),
    ("x + sin(z)", "unknown variable 'z' at column 9", 9),
    ("x + z", "unknown variable 'z' at column 5", 5),
    ("(x+1", "unbalanced parenthesis at column 1", 1),
    ("sin((x)", "unbalanced parenthesis at column 4", 4),
    ("(x + 1))", "unexpected ')' at column 8", 8),
    ("", "formula is empty", None),
    ("   ", "formula is empty", None),
    ("x+" * 305 + "x", "formula is too long (611 characters, at most 500)", None),
    ("x^1000", "exponent 1000 at column 3 is too large (at most 100)", 3),
    ("x**-101", "exponent -101 at column 4 is too large (at most 100)", 4),
    ("__import__('os')", "'__import__' is not allowed at column 1", 1),
    ("atan2(x)", "atan2 takes 2 arguments, got 1 at column 1", 1),
    ("sin(x, y)", "sin takes 1 argument, got 2 at column 1", 1),
    ("log(x, 2, 3)", "log takes 1 or 2 arguments, got 3 at column 1", 1),
    ("2x", "missing operator between '2' and 'x' at column 2 (write 2*x)", 2),
    ("x y", "missing operator between 'x' and 'y' at column 3 (write x*y)", 3),
    ("3(x + 1)", "missing operator between '3' and '(' at column 2 (write 3*(...))", 2),
    ("(x)(y)", "missing operator between ')' and '(' at column 4 (write (...)*(...))", 4),
    ("sin x", "missing parentheses after 'sin' at column 5 (write sin(x))", 5),
    ("x +", "incomplete formula: ends after '+'", 4),
    ("x**", "incomplete formula: ends after '**'", 4),
    ("x^", "incomplete formula: ends after '^'", 3),
    ("x $ y", "unexpected character '$' at column 3", 3),
    ("x + * y", "unexpected '*' at column 5", 5),
    ("x(2)", "cannot call 'x' at column 1: it is not a function (write x*(...))", 1),
    ("sin", "function 'sin' at column 1 needs an argument in parentheses, e.g. sin(x)", 1),
    ("floor(x)", "function 'floor' at column 1 is not supported (piecewise constant: no useful gradient)", 1),
    ("1e13*x", "number 1e13 at column 1 is too large (at most 1e12)", 1),
    ("x.real", "attribute access '.real' is not allowed at column 3", 3),
    ("x < y", "a comparison is not allowed at column 1", 1),
    ("x % 2", "operator '%' is not allowed at column 3", 3),
    ("x // 2", "operator '//' is not allowed at column 3", 3),
    ("log(x, base=2)", "keyword argument 'base=' is not allowed at column 8", 8),
    ("1j*x", "complex number '1j' at column 1 is not allowed", 1),
    ("'a'", "text (strings) is not allowed at column 1", 1),
    ("x, y", "a list of values (',' outside a function call) is not allowed at column 1", 1),
    ("1/0", "division by zero at column 3", 3),
    ("log(0) + x", "'log(0)' at column 1 is infinite or undefined", 1),
    ("sqrt(-1) + x", "'sqrt(-1)' at column 1 has no real value", 1),
    ("x + 0**x", "base 0 at column 5 must be positive under a variable exponent", 5),
    ("(-2)^y", "base -2 at column 2 must be positive under a variable exponent", 2),
    ("x**x**x**x", "power tower at column 1 is too high (at most 2 variable exponents)", 1),
    ("ｓｉｎ(x)", "unexpected character 'ｓ' at column 1", 1),
    ("x +\x00 1", "unexpected character U+0000 at column 4", 4),
    ("  sinn(x)", "unknown function 'sinn' at column 3", 3),  # columns count the user's leading blanks
    ("θ + zz", "unknown variable 'zz' at column 5", 5),  # columns count characters, not UTF-8 bytes
    ("x^2 + q", "unknown variable 'q' at column 7", 7),  # columns of the text as typed, with '^'
    ("x+" * 200 + "x", f"formula is too complex (more than {expressions.MAX_NODES} parts)", None),
    ("(" * 41 + "x" + ")" * 41, "formula is nested too deeply at column 41 (at most 40 levels)", 41),
]


@pytest.mark.parametrize(("text", "message", "column"), MESSAGES, ids=[m[1][:50] for m in MESSAGES])
def test_messages_say_what_and_where(text, message, column):
    with pytest.raises(FormulaError) as info:
        landscape_from_formula(text)
    assert str(info.value) == message
    assert info.value.column == column
    assert "\n" not in str(info.value)


def test_no_real_value_anywhere():
    with pytest.raises(FormulaError, match="^the formula has no real value anywhere in the domain$"):
        landscape_from_formula("sqrt(-1 - x**2)")
    with pytest.raises(FormulaError, match="no real value anywhere"):
        landscape_from_formula("log(x - 10)", [(-1, 1)])
    assert np.isnan(landscape_from_formula("sqrt(x)").value([-1.0]))  # real on part of the domain: fine


def test_non_text_is_refused():
    with pytest.raises(FormulaError, match="must be text"):
        parse_formula(None)  # type: ignore[arg-type]


# -- bounds and the deadline -------------------------------------------------------------------------------
def test_the_slowest_known_formula_builds_within_the_deadline():
    sp.core.cache.clear_cache()
    assert landscape_from_formula(WORST).dim == 2  # past its deadline it would be refused as too complex


def test_a_past_deadline_is_a_formula_error():
    with pytest.raises(FormulaError, match="^formula is too complex to differentiate in time$"):
        landscape_from_formula("sin(x)*cos(y)", deadline_s=0.0)


def test_a_gradient_too_large_is_refused_before_the_hessian():
    text = "*".join(f"{f}(x*y+{i})" for i, f in enumerate(["sin", "cos", "exp", "tanh", "atan", "sqrt"] * 2))
    with pytest.raises(FormulaError, match="too complex to differentiate .its gradient has more than"):
        landscape_from_formula(text, deadline_s=1e9)  # refused by its size, not by the clock


def test_large_but_allowed_numbers():
    land = landscape_from_formula("1e12*x + 2**100*y**100 + x**-100")
    assert land.dim == 2
    with pytest.raises(FormulaError, match="too large"):
        landscape_from_formula("((2**100)**100)**100*x")


# -- hostile input -----------------------------------------------------------------------------------------
HOSTILE = [
    "__import__('os').system('echo hi')",
    "__import__('os')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "x.__class__.__mro__",
    "sin.__globals__",
    "open('f')",
    "open('/etc/passwd').read()",
    "lambda: 1",
    "(lambda: os.system('echo hi'))()",
    "[x for x in ()]",
    "{x: 1}",
    "{x}",
    "(x for x in ())",
    '"a"',
    "b'a'",
    "1j",
    "None",
    "True + x",
    "...",
    "9**9**9**9",
    "x**10000000",
    "10**10**10",
    "(" * 1000,
    "(" * 400 + "x" + ")" * 400,
    "-" * 450 + "x",
    "x" * 5000,
    "sin(" * 100 + "x" + ")" * 100,
    "1" + "0" * 400,
    "1e400*x",
    "eval('1')",
    "exec('import os')",
    "exec",
    "getattr(x, 'y')",
    "globals()",
    "compile('1', 'a', 'eval')",
    "f'{x}'",
    'f\'{__import__("os").system("echo hi")}\'',
    "(y := 2)",
    "ｓｉｎ(x)",
    "ｅｖａｌ('1')",
    "x\u200b+1",
    "\ufeffx",
    "ﬁ",  # NFKC turns the ligature into 'fi'
    "x if y else 0",
    "x and y",
    "not x",
    "x[0]",
    "x @ y",
    "*x",
    "sin(*x)",
    "sin(**x)",
    "sin(x=1)",
    "await x",
    "yield x",
    "x; import os",
    "import os",
    "x\nimport os",
    "_",
    "__builtins__",
    "__debug__",
    "x.real",
    "\\",
    "#",
    "x # comment",
    "'''",
]


@pytest.fixture
def no_side_effects(monkeypatch):
    """Fail the test if anything tries to run a program or open a file, or eval/exec/compile code."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"called with {args!r}")

    real_compile = builtins.compile

    def only_ast(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & 0x400:  # ast.PyCF_ONLY_AST: parsing only
            raise AssertionError(f"compile({source!r})")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    for name in ("system", "popen", "execv", "execve", "remove", "unlink"):
        monkeypatch.setattr(os, name, refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(builtins, "compile", only_ast)


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(h)[:40] for h in HOSTILE])
def test_hostile_input_is_refused_quickly_and_never_run(text, no_side_effects):
    with pytest.raises(FormulaError) as info:
        parse_formula(text)  # a hang fails this test through pytest-timeout
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(h)[:40] for h in HOSTILE])
def test_hostile_input_is_refused_by_the_landscape_builder(text, monkeypatch):
    monkeypatch.setattr(os, "system", lambda *a: pytest.fail("os.system called"))
    with pytest.raises(FormulaError):
        landscape_from_formula(text, deadline_s=1e9)  # refused by what it is, not by the clock


def test_the_module_never_calls_an_evaluator():
    from landscape_gui.core.landscapes import formula_functions, formula_text

    called = set()
    modules = (expressions, formula_text, formula_functions)  # the formula's whole way in
    nodes = [n for m in modules for n in ast.walk(ast.parse(Path(m.__file__).read_text(encoding="utf-8")))]
    for node in nodes:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                called.add(func.id)
            elif isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else "?"
                called.add(f"{owner}.{func.attr}")
    evaluators = {"eval", "exec", "compile", "sympify", "parse_expr", "S", "__import__", "import_module"}
    assert {name for name in called if name.split(".")[-1] in evaluators} == {"re.compile"}
    assert "ast.parse" in called  # the only way user text goes in


# -- fuzzing -----------------------------------------------------------------------------------------------
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_PIECES = [
    *FUNCTIONS,
    "x",
    "y",
    "pi",
    "e",
    "θ",
    "(",
    ")",
    ",",
    "+",
    "-",
    "*",
    "/",
    "**",
    "^",
    " ",
    "1",
    "2.5",
]
_PIECES += [
    "1e-3",
    ".5",
    "0",
    "9",
    "_",
    ".",
    "'",
    "[",
    "]",
    "=",
    "lambda",
    ":",
    "__class__",
    "j",
    "\u2212",
    "\n",
]


def _only_formula_errors(text: str) -> None:
    try:
        land = landscape_from_formula(text)
    except FormulaError as err:
        assert "\n" not in str(err)
        assert err.column is None or 1 <= err.column <= len(text) + 1
    else:
        assert land.dim in (1, 2)


@FUZZ
@given(st.text(max_size=600))
def test_fuzz_arbitrary_text_raises_only_formula_errors(text):
    _only_formula_errors(text)


@FUZZ
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_fuzz_formula_like_text_raises_only_formula_errors(text):
    _only_formula_errors(text)


_UNARY = [name for name, (arities, _) in FUNCTIONS.items() if 1 in arities]
_BINARY = [name for name, (arities, _) in FUNCTIONS.items() if 2 in arities]
_leaves = st.one_of(
    st.sampled_from(["x", "y", "pi", "e", "θ"]),
    st.integers(0, 20).map(str),
    st.floats(0.01, 10, allow_nan=False).map(lambda v: f"{v:.3g}"),
)


def _extend(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(children, st.integers(-3, 4)).map(lambda t: f"({t[0]})^{t[1]}"),
        st.tuples(children, children).map(lambda t: f"({t[0]})**({t[1]})"),
        children.map(lambda c: f"-{c}"),
        st.tuples(st.sampled_from(_UNARY), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(_BINARY), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    )


_formulas = st.recursive(_leaves, _extend, max_leaves=12)


def _finite_difference(land, p, h):
    out = []
    for k in range(land.dim):
        step = np.zeros(land.dim)
        step[k] = h
        out.append((land.value(p + step) - land.value(p - step)) / (2 * h))
    return np.array(out)


@FUZZ
@given(_formulas, st.integers(0, 2**32 - 1))
def test_fuzz_grammar_formulas_have_exact_gradients(text, seed):
    try:
        land = landscape_from_formula(text)
    except FormulaError:
        return
    for p in _points(land.domain, 4, seed):
        value, grad = land.value(p), land.grad(p)
        if not (np.isfinite(value) and np.isfinite(grad).all() and np.abs(grad).max() < 1e6):
            continue
        h = 1e-5 * max(1.0, float(np.abs(p).max()))
        coarse, fine = _finite_difference(land, p, h), _finite_difference(land, p, h / 10)
        if not (np.isfinite(coarse).all() and np.isfinite(fine).all()):
            continue
        scale = max(1.0, float(np.abs(fine).max()), abs(float(value)) * 1e-3)
        if np.abs(coarse - fine).max() > 1e-4 * scale:
            continue  # a kink or a pole nearby: finite differences are not to be trusted here
        np.testing.assert_allclose(grad, fine, rtol=1e-5, atol=1e-5 * scale, err_msg=f"{text} at {p}")
