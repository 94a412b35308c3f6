"""User formulas: parse the text a person types into a validated sympy expression, safely.

The text is parsed with :func:`ast.parse` (``mode="eval"``, after ``^`` is turned into ``**``) and the tree
is walked against a whitelist of node types, functions and names; the sympy expression is built from the
tree by this module. User text never reaches ``eval``, ``exec``, ``compile``, ``sympify`` or ``parse_expr``.

>>> expr, symbols = parse_formula("x^2 + 3*y")
>>> expr, symbols
(x**2 + 3*y, (x, y))
>>> parse_formula("sinn(x)")
Traceback (most recent call last):
...
landscape_gui.core.landscapes.formula_text.FormulaError: unknown function 'sinn' at column 1
>>> land = landscape_from_formula("(x - 1)^2")
>>> land.name, float(land.grad([3.0])[0])
('f(x) = (x - 1)^2', 4.0)

What a formula may contain
--------------------------
* variables ``x`` and ``y`` (``θ`` and ``theta`` are aliases for ``x``); a formula without ``y`` is 1-D,
  a formula without any variable is a constant 1-D landscape;
* constants ``pi`` (also ``π``) and ``e``;
* numbers ``3``, ``0.5``, ``.5``, ``1e-3`` (at most 1e12 in magnitude); decimals are taken exactly
  (``0.4`` is 2/5);
* operators ``+ - * /``, ``**`` and ``^`` (both power), unary ``-`` and ``+``, parentheses; the Unicode
  signs ``−``, ``×`` and ``·`` are read as ``-``, ``*`` and ``*``;
* the functions in :data:`FUNCTIONS` (``sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh
  exp log ln log10 log2 sqrt cbrt abs sign min max erf sigmoid relu``, with ``arcsin``-style aliases);
  ``log(x, b)`` is the logarithm in base ``b``.

Non-smooth functions (``abs``, ``sign``, ``min``, ``max``, ``relu``) are allowed: their derivatives are the
usual almost-everywhere ones (``abs' = sign``, ``sign' = 0``, the derivative of ``max`` follows the larger
argument, half-and-half on ties). Piecewise-constant functions (``floor``, ``ceil``, ``round``, ``mod``)
are refused: their gradient is zero almost everywhere, so no optimizer can move on them.

Bounds (see the constants below): at most 500 characters, 300 expression nodes, nesting 40 deep
(parentheses and function calls), numeric exponents at most 100 in magnitude, power towers with a
variable exponent at most 2 high (``x**x**x``), numeric constants below 1e300, and a gradient of at most
500 tree nodes (checked before the Hessian is derived; the built-ins need at most 328). Measured on a
2-core machine with sympy's cache cleared: the slowest structured formula found within the bounds
(``tests/test_expressions.py::WORST``, a 2-D nest of 7 functions) builds in about 0.5 s; a random search
over ~2500 grammar formulas found none slower than 1.2 s, well under the default ``deadline_s=2``. The
deadline is also checked between the derivative stages.

Known limit: sympy's automatic simplification can, rarely, take minutes inside one call (differentiating
``acosh(tanh((a - b)**50))`` where ``a``, ``b`` may be complex asks whether ``tanh(...)`` is real, which
expands the power); such a call cannot be interrupted from here. Function applications to compound
arguments are therefore built unevaluated, which removes the problem while parsing but not in
``sympy.diff``; a random search hit it about once in 1600 formulas.
"""

from __future__ import annotations

import ast
import math
import time
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import sympy as sp

from landscape_gui.core.landscapes.domain import DomainError, check_domain
from landscape_gui.core.landscapes.formula_functions import FUNCTIONS
from landscape_gui.core.landscapes.formula_text import (
    MAX_DEPTH,
    FormulaError,
    Source,
    check_adjacent_operands,
    check_parentheses,
    syntax_error,
)
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.types import FloatArray

__all__ = ["FUNCTIONS", "FormulaError", "landscape_from_formula", "parse_formula"]

X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)

MAX_LENGTH = 500
MAX_NODES = 300
MAX_EXPONENT = 100
MAX_NUMBER = 1e12
MAX_TOWER = 2
#: Largest size (expression-tree nodes) of the gradient; the Hessian and the compiled code take time
#: roughly in proportion to its square. The built-ins need at most 328 (Goldstein–Price).
MAX_GRADIENT_SIZE = 500
#: Largest |log10| of an exact numeric constant (beyond it numpy would overflow converting it to float).
MAX_LOG10 = 300
DEFAULT_DOMAIN = (-5.0, 5.0)


#: Known but refused on purpose (piecewise constant: zero gradient almost everywhere).
_REFUSED_FUNCTIONS = {"floor", "ceil", "round", "mod", "trunc", "frac", "heaviside", "step"}

_VARIABLES = {"x": X, "y": Y, "θ": X, "theta": X}
_CONSTANTS = {"pi": sp.pi, "π": sp.pi, "e": sp.E}


_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REFUSED_OPERATORS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Not: "not",
    ast.Invert: "~",
}
_NODE_NAMES = {
    "Attribute": "attribute access",
    "Subscript": "indexing '[...]'",
    "Slice": "slicing",
    "Lambda": "lambda",
    "ListComp": "a comprehension",
    "SetComp": "a comprehension",
    "DictComp": "a comprehension",
    "GeneratorExp": "a comprehension",
    "Compare": "a comparison",
    "BoolOp": "'and'/'or'",
    "IfExp": "'if ... else'",
    "Tuple": "a list of values (',' outside a function call)",
    "List": "a list '[...]'",
    "Set": "a set '{...}'",
    "Dict": "a dict '{...}'",
    "JoinedStr": "text (an f-string)",
    "FormattedValue": "text (an f-string)",
    "NamedExpr": "':='",
    "Starred": "'*' unpacking",
    "Await": "'await'",
    "Yield": "'yield'",
    "YieldFrom": "'yield'",
}


# -- the tree layer: whitelist, bounds, building the sympy expression ---------------------------------------
def _is_private(name: str) -> bool:
    return name.startswith("_")


def _attribute_index(src: Source, node: ast.Attribute) -> int:
    """Index in src.text of the name after the dot of an attribute access."""
    _, value_end = src.node_span(node.value)
    found = src.text.find(node.attr, value_end)
    return found if found >= 0 else src.node_span(node)[0]


def _check_tree(src: Source, tree: ast.Expression) -> None:
    """Whitelist node types and names, and bound the size and nesting, before anything is built.

    Problems are reported leftmost first, private names (``__import__``, ``__class__``) before anything else.
    """
    private: list[tuple[int, ast.expr, str]] = [
        (src.node_span(n)[0], n, n.id)
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and _is_private(n.id)
    ]
    private += [
        (_attribute_index(src, n), n, n.attr)
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and _is_private(n.attr)
    ]
    if private:
        index, _, name = min(private, key=lambda item: item[0])
        col = src.column(index)
        raise FormulaError(f"'{name}' is not allowed at column {col}", col)
    count = 0
    stack: list[tuple[ast.expr, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise FormulaError(f"formula is too complex (more than {MAX_NODES} parts)")
        if depth > MAX_DEPTH:
            raise src.error(
                f"formula is nested too deeply at column {{col}} (at most {MAX_DEPTH} levels)", node
            )
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _OPERATORS:
                sym = _REFUSED_OPERATORS.get(type(node.op), type(node.op).__name__)
                col = _operator_column(src, node, sym)
                raise FormulaError(f"operator '{sym}' is not allowed at column {col}", col)
            # a chain like a + b - c + d is flat: its left operand does not add a level
            same = isinstance(node.left, ast.BinOp) and _group(node.left.op) == _group(node.op) != "pow"
            stack.append((node.right, depth + 1))
            stack.append((node.left, depth if same else depth + 1))
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                sym = _REFUSED_OPERATORS.get(type(node.op), type(node.op).__name__)
                raise src.error(f"operator '{sym}' is not allowed at column {{col}}", node)
            stack.append((node.operand, depth + 1))
        elif isinstance(node, ast.Call):
            _check_call(src, node)
            stack.extend((arg, depth + 1) for arg in reversed(node.args))
        elif isinstance(node, ast.Name):
            _check_name(src, node)
        elif isinstance(node, ast.Constant):
            _check_constant(src, node)
        else:
            what = _NODE_NAMES.get(type(node).__name__, f"'{type(node).__name__}'")
            if isinstance(node, ast.Attribute):
                col = src.column(_attribute_index(src, node))
                raise FormulaError(f"attribute access '.{node.attr}' is not allowed at column {col}", col)
            raise src.error(f"{what} is not allowed at column {{col}}", node)


def _group(op: ast.operator) -> str:
    if isinstance(op, ast.Add | ast.Sub):
        return "add"
    if isinstance(op, ast.Mult | ast.Div):
        return "mul"
    return "pow"


def _operator_column(src: Source, node: ast.BinOp, sym: str) -> int:
    """Column of the operator of a binary operation (searched for between its operands)."""
    _, left_end = src.node_span(node.left)
    right_start, _ = src.node_span(node.right)
    gap = src.text[left_end:right_start]
    want = "^" if sym == "**" and "^" in gap else sym
    found = gap.find(want)
    return src.column(left_end + found) if found >= 0 else src.node_column(node)


def _check_call(src: Source, node: ast.Call) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        if isinstance(func, ast.Attribute):
            col = src.column(_attribute_index(src, func))
            raise FormulaError(f"attribute access '.{func.attr}' is not allowed at column {col}", col)
        what = _NODE_NAMES.get(type(func).__name__, f"calling '{src.segment(func)}'")
        raise src.error(f"{what} is not allowed at column {{col}}", func)
    name = func.id
    if _is_private(name):
        raise src.error(f"'{name}' is not allowed at column {{col}}", func)
    if name in _VARIABLES or name in _CONSTANTS:
        shown = src.segment(func)
        raise src.error(
            f"cannot call '{shown}' at column {{col}}: it is not a function (write {shown}*(...))", func
        )
    if name in _REFUSED_FUNCTIONS:
        raise src.error(
            f"function '{name}' at column {{col}} is not supported (piecewise constant: no useful gradient)",
            func,
        )
    if name not in FUNCTIONS:
        raise src.error(f"unknown function '{src.segment(func)}' at column {{col}}", func)
    if node.keywords:
        kw = node.keywords[0]
        shown = f"{kw.arg}=" if kw.arg else "**"
        raise src.error(f"keyword argument '{shown}' is not allowed at column {{col}}", kw)
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            raise src.error("'*' unpacking is not allowed at column {col}", arg)
    arities, _ = FUNCTIONS[name]
    if len(node.args) not in arities:
        wanted = " or ".join(str(n) for n in arities)
        plural = "" if arities == (1,) else "s"
        raise src.error(
            f"{name} takes {wanted} argument{plural}, got {len(node.args)} at column {{col}}", func
        )


def _check_name(src: Source, node: ast.Name) -> None:
    name = node.id
    if name in _VARIABLES or name in _CONSTANTS:
        return
    shown = src.segment(node)
    if _is_private(name):
        raise src.error(f"'{shown}' is not allowed at column {{col}}", node)
    if name in FUNCTIONS:
        raise src.error(
            f"function '{shown}' at column {{col}} needs an argument in parentheses, e.g. {name}(x)", node
        )
    raise src.error(f"unknown variable '{shown}' at column {{col}}", node)


def _check_constant(src: Source, node: ast.Constant) -> None:
    value = node.value
    shown = src.segment(node)
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise src.error(f"'{shown}' is not allowed at column {{col}}", node)
    if isinstance(value, str | bytes):
        raise src.error("text (strings) is not allowed at column {col}", node)
    if isinstance(value, complex):
        raise src.error(f"complex number '{shown}' at column {{col}} is not allowed", node)
    if not isinstance(value, int | float):
        raise src.error(f"'{shown}' is not allowed at column {{col}}", node)
    if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_NUMBER:
        raise src.error(f"number {shown} at column {{col}} is too large (at most 1e12)", node)


def _log10_abs(value: sp.Expr) -> float | None:
    """log10 of |value| for a real number, None when not known."""
    try:
        if value.is_Rational:
            p, q = abs(int(value.p)), int(value.q)
            return (math.log10(p) if p else -math.inf) - math.log10(q)
        num = complex(value.evalf(15))
        return math.log10(abs(num)) if num != 0 else -math.inf
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return None


class _Built:
    __slots__ = ("expr", "tower")

    def __init__(self, expr: sp.Expr, tower: int) -> None:
        self.expr = expr
        self.tower = tower


def _build(src: Source, root: ast.expr) -> sp.Expr:
    """Build the sympy expression of a checked tree, bottom-up without recursion."""
    done: dict[int, _Built] = {}
    stack: list[tuple[ast.expr, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
            continue
        built = _build_node(src, node, [done.pop(id(child)) for child in _children(node)])
        _check_value(src, node, built.expr)
        done[id(node)] = built
    return done[id(root)].expr


def _children(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _build_node(src: Source, node: ast.expr, args: list[_Built]) -> _Built:
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, int):
            return _Built(sp.Integer(value), 0)
        exact = Fraction(repr(value))  # the decimal as written: 0.4 is 2/5, not the nearest binary float
        return _Built(sp.Rational(exact.numerator, exact.denominator), 0)
    if isinstance(node, ast.Name):
        return _Built(_VARIABLES.get(node.id, _CONSTANTS.get(node.id)), 0)
    tower = max((a.tower for a in args), default=0)
    if isinstance(node, ast.UnaryOp):
        return _Built(-args[0].expr if isinstance(node.op, ast.USub) else args[0].expr, tower)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)  # _check_tree lets only calls of a named function through
        _, fn = FUNCTIONS[node.func.id]
        values = [a.expr for a in args]
        if isinstance(fn, type) and issubclass(fn, sp.Function) and not all(v.is_Atom for v in values):
            # sympy's automatic simplification of a function of a compound argument can take minutes
            # (acosh(tanh((a - b)**50)) asks whether tanh(...) is real, which expands the power):
            # keep such applications as written; arguments that are plain numbers or symbols evaluate.
            return _Built(fn(*values, evaluate=False), tower)
        return _Built(fn(*values), tower)
    assert isinstance(node, ast.BinOp)  # _check_tree lets no other node through
    a, b = args[0].expr, args[1].expr
    op = node.op
    if isinstance(op, ast.Add):
        return _Built(a + b, tower)
    if isinstance(op, ast.Sub):
        return _Built(a - b, tower)
    if isinstance(op, ast.Mult):
        return _Built(a * b, tower)
    if isinstance(op, ast.Div):
        if b.is_zero:
            raise src.error("division by zero at column {col}", node.right)
        return _Built(a / b, tower)
    # power
    if b.is_number:
        exponent = _log10_abs(b)
        if b.is_extended_real is False:
            raise src.error(
                f"exponent {src.segment(node.right)} at column {{col}} has no real value", node.right
            )
        if exponent is None or exponent > math.log10(MAX_EXPONENT):
            raise src.error(
                f"exponent {src.segment(node.right)} at column {{col}} is too large (at most {MAX_EXPONENT})",
                node.right,
            )
        if a.is_number:
            base = _log10_abs(a)
            if base is not None and abs(base * float(b)) > MAX_LOG10:
                raise src.error(
                    f"number {src.segment(node)} at column {{col}} is too large (at most 1e{MAX_LOG10})", node
                )
        if a.is_zero and b.is_extended_negative:
            raise src.error("division by zero at column {col}", node)
        return _Built(a**b, tower)
    if a.is_number and not (a.is_extended_positive or a.is_extended_real is None):
        # 0**x and (-2)**x: no real derivative (log of the base), and no real value for most x
        raise src.error(
            f"base {src.segment(node.left)} at column {{col}} must be positive under a variable exponent",
            node.left,
        )
    tower += 1
    if tower > MAX_TOWER:
        raise src.error(
            f"power tower at column {{col}} is too high (at most {MAX_TOWER} variable exponents)", node
        )
    return _Built(a**b, tower)


def _check_value(src: Source, node: ast.expr, expr: sp.Expr) -> None:
    """Refuse constants that are infinite, undefined, complex or too large to be a float."""
    if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        raise src.error(f"'{src.segment(node)}' at column {{col}} is infinite or undefined", node)
    if expr.has(sp.I) or (expr.is_number and expr.is_extended_real is False):
        raise src.error(f"'{src.segment(node)}' at column {{col}} has no real value", node)
    for atom in expr.atoms(sp.Rational):
        if max(abs(int(atom.p)), int(atom.q)).bit_length() > MAX_LOG10 * 3.32:
            size = _log10_abs(atom)
            if size is not None and size < -MAX_LOG10:
                why = f"is too small (at least 1e-{MAX_LOG10} in magnitude, or 0)"
            elif size is not None and size > MAX_LOG10:
                why = f"is too large (at most 1e{MAX_LOG10})"
            else:
                why = f"has too many digits (at most {MAX_LOG10})"
            raise src.error(f"a number in '{src.segment(node)}' at column {{col}} {why}", node)


def parse_formula(text: str) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """The validated sympy expression of ``text`` and its variables: ``(x,)`` or ``(x, y)``.

    Raises :class:`FormulaError` (and nothing else) when the text is not an allowed formula.
    """
    if not isinstance(text, str):
        raise FormulaError(f"formula must be text, not {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise FormulaError("formula is empty")
    if len(stripped) > MAX_LENGTH:
        raise FormulaError(f"formula is too long ({len(stripped)} characters, at most {MAX_LENGTH})")
    src = Source(text)
    check_parentheses(src)
    check_adjacent_operands(src)
    try:
        tree = ast.parse(src.parsed, mode="eval")
    except SyntaxError as err:
        raise syntax_error(src, err) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("formula is nested too deeply") from None
    _check_tree(src, tree)
    try:
        expr = _build(src, tree.body)
    except FormulaError:
        raise
    except Exception as err:  # noqa: BLE001 - sympy refusing something unforeseen: still a formula problem
        raise FormulaError(f"the formula cannot be built ({type(err).__name__})") from None
    symbols = (X, Y) if expr.has(Y) or _mentions_y(tree) else (X,)
    return expr, symbols


def _mentions_y(tree: ast.Expression) -> bool:
    """Whether y is written (``y - y`` is still a 2-D formula)."""
    return any(isinstance(n, ast.Name) and n.id == "y" for n in ast.walk(tree))


def _check_derivatives(exprs: Sequence[sp.Expr]) -> None:
    """Refuse derivatives sympy finds undefined or complex (the evaluation would turn them into 0 or fail)."""
    for expr in exprs:
        if expr.has(sp.zoo, sp.nan, sp.I):
            raise FormulaError("the formula has no real derivative (e.g. 0**x or log of a negative constant)")


def _tree_size(exprs: Sequence[sp.Expr], cap: int) -> int:
    """Number of nodes of the expression trees, counting stops a little past ``cap``."""
    count = 0
    for expr in exprs:
        for _ in sp.preorder_traversal(expr):
            count += 1
            if count > cap:
                return count
    return count


def _domain(domain: Sequence[Sequence[float]] | None, dim: int) -> tuple[tuple[float, float], ...]:
    """The domain for ``dim`` variables: intervals beyond ``dim`` are ignored, missing ones default."""
    intervals = list(domain or ())
    try:
        dom = [(float(lo), float(hi)) for lo, hi in intervals[:dim]]
    except (TypeError, ValueError):
        raise FormulaError(f"domain {domain!r} must be intervals (low, high)") from None
    dom += [DEFAULT_DOMAIN] * (dim - len(dom))
    try:
        return check_domain(dom, dim)
    except DomainError as e:
        raise FormulaError(f"domain: {e}") from None


def _test_points(domain: Sequence[tuple[float, float]]) -> FloatArray:
    axes = [np.linspace(lo, hi, 41 if len(domain) == 2 else 401) for lo, hi in domain]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(domain))
    rng = np.random.default_rng(0)
    lo = np.array([a for a, _ in domain])
    hi = np.array([b for _, b in domain])
    return np.concatenate([grid, lo + (hi - lo) * rng.random((200, len(domain)))])


def landscape_from_formula(
    text: str, domain: Sequence[Sequence[float]] | None = None, *, deadline_s: float = 2.0
) -> Landscape:
    """A :class:`Landscape` of the user's formula, with exact gradient and Hessian.

    ``domain``: one (low, high) per variable; None (or missing intervals) means (−5, 5). Raises
    :class:`FormulaError` for anything wrong, including a formula with no finite real value on a test grid
    over the domain, or one whose derivatives take longer than ``deadline_s`` to build.
    """
    start = time.perf_counter()

    def check_time() -> None:
        if time.perf_counter() - start > deadline_s:
            raise FormulaError("formula is too complex to differentiate in time")

    expr, symbols = parse_formula(text)
    dom = _domain(domain, len(symbols))
    formula = text.strip()
    try:
        # derivatives stage by stage (sympy caches them, so from_sympy below does not redo the work)
        grad = [sp.diff(expr, s) for s in symbols]
        size = _tree_size(grad, MAX_GRADIENT_SIZE)
        if size > MAX_GRADIENT_SIZE:
            raise FormulaError(
                f"formula is too complex to differentiate (its gradient has more than {MAX_GRADIENT_SIZE} parts)"
            )
        _check_derivatives(grad)
        check_time()
        for g in grad:
            _check_derivatives([sp.diff(g, s) for s in symbols])
            check_time()
        land = Landscape.from_sympy(
            expr,
            symbols,
            id="custom",
            name=f"f({', '.join(str(s) for s in symbols)}) = {formula}",
            formula=formula,
            domain=dom,
            description="Custom formula",
        )
        check_time()
        points = _test_points(dom)
        values = land.value(points)
        land.grad(points[:50])
        land.hessian(points[:50])
    except FormulaError:
        raise
    except Exception as err:  # noqa: BLE001 - numpy/sympy failing on a user's formula is the formula's problem
        raise FormulaError(f"the formula cannot be evaluated ({type(err).__name__})") from None
    if not np.isfinite(values).any():
        raise FormulaError("the formula has no real value anywhere in the domain")
    check_time()
    return land
