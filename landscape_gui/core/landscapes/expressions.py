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
landscape_gui.core.landscapes.expressions.FormulaError: unknown function 'sinn' at column 1
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
import keyword
import math
import re
import time
from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np
import sympy as sp
from sympy.core.logic import fuzzy_and

from landscape_gui.core.landscapes.domain import DomainError, check_domain
from landscape_gui.core.landscapes.landscape import Landscape

__all__ = ["FUNCTIONS", "FormulaError", "landscape_from_formula", "parse_formula"]

X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)

MAX_LENGTH = 500
MAX_NODES = 300
MAX_DEPTH = 40
MAX_EXPONENT = 100
MAX_NUMBER = 1e12
MAX_TOWER = 2
#: Largest size (expression-tree nodes) of the gradient; the Hessian and the compiled code take time
#: roughly in proportion to its square. The built-ins need at most 328 (Goldstein–Price).
MAX_GRADIENT_SIZE = 500
#: Largest |log10| of an exact numeric constant (beyond it numpy would overflow converting it to float).
MAX_LOG10 = 300
DEFAULT_DOMAIN = (-5.0, 5.0)


class FormulaError(ValueError):
    """A formula that cannot be used; ``str(err)`` is one line saying what and where (``column``, 1-based)."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.column = column


# -- functions sympy lacks or would differentiate into DiracDelta (which numpy cannot evaluate) ------------
class _PiecewiseConstant(sp.Function):
    """A real step-like function of one argument: derivative 0 almost everywhere (never a DiracDelta)."""

    nargs = 1

    def fdiff(self, argindex=1):
        return sp.S.Zero

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real


class _Sign(_PiecewiseConstant):
    """sign(a), derivative 0 (almost everywhere)."""

    @classmethod
    def eval(cls, a):
        if a.is_number and a.is_extended_real:
            return sp.sign(a)
        return None

    def _numpycode(self, printer):
        return f"{printer._module_format('numpy.sign')}({printer._print(self.args[0])})"


class _Step(_PiecewiseConstant):
    """Heaviside step with value 1/2 at 0, derivative 0 (almost everywhere)."""

    @classmethod
    def eval(cls, a):
        if a.is_number and a.is_extended_real:
            return (sp.sign(a) + 1) / 2
        return None

    def _numpycode(self, printer):
        return f"{printer._module_format('numpy.heaviside')}({printer._print(self.args[0])}, 0.5)"


class _Abs(sp.Function):
    """|a| with derivative sign(a) (sympy's Abs would give DiracDelta in the Hessian)."""

    nargs = 1

    @classmethod
    def eval(cls, a):
        if a.is_number and a.is_extended_real:
            return sp.Abs(a)
        if a.is_extended_nonnegative:
            return a
        if a.is_extended_nonpositive:
            return -a
        return None

    def fdiff(self, argindex=1):
        return _Sign(self.args[0])

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _eval_is_extended_nonnegative(self):
        return True if self.args[0].is_extended_real else None

    def _numpycode(self, printer):
        return f"{printer._module_format('numpy.abs')}({printer._print(self.args[0])})"


class _Extremum(sp.Function):
    """max/min of two arguments with the derivative following the winning argument (1/2 each on ties)."""

    nargs = 2
    _exact: type  # sympy's own Max / Min, for numbers
    _numpy: str  # numpy.maximum / numpy.minimum
    _sign: int  # +1: the larger argument wins, −1: the smaller

    @classmethod
    def eval(cls, a, b):
        if a.is_number and b.is_number and a.is_extended_real and b.is_extended_real:
            return cls._exact(a, b)
        return None

    def fdiff(self, argindex=1):
        a, b = self.args
        lead = self._sign * (a - b)
        return _Step(lead) if argindex == 1 else _Step(-lead)

    def _eval_is_extended_real(self):
        return fuzzy_and(arg.is_extended_real for arg in self.args)

    def _numpycode(self, printer):
        a, b = (printer._print(arg) for arg in self.args)
        return f"{printer._module_format(self._numpy)}({a}, {b})"


class _Max(_Extremum):
    _exact, _numpy, _sign = sp.Max, "numpy.maximum", 1


class _Min(_Extremum):
    _exact, _numpy, _sign = sp.Min, "numpy.minimum", -1


class _Cbrt(sp.Function):
    """Real cube root (sympy's cbrt is the principal root, not real for negative arguments)."""

    nargs = 1

    @classmethod
    def eval(cls, a):
        if a.is_extended_nonnegative:
            return sp.cbrt(a)
        if a.is_number and a.is_extended_negative:
            return -sp.cbrt(-a)
        return None

    def fdiff(self, argindex=1):
        return 1 / (3 * _Cbrt(self.args[0]) ** 2)

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _numpycode(self, printer):
        return f"{printer._module_format('numpy.cbrt')}({printer._print(self.args[0])})"


class _Erf(sp.Function):
    """The error function (sympy's erf has no numpy translation)."""

    nargs = 1

    @classmethod
    def eval(cls, a):
        if a.is_zero:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        return 2 / sp.sqrt(sp.pi) * sp.exp(-(self.args[0] ** 2))

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real

    def _eval_evalf(self, prec):
        return sp.erf(self.args[0])._eval_evalf(prec)

    def _numpycode(self, printer):
        vectorize = printer._module_format("numpy.vectorize")
        erf = printer._module_format("math.erf")
        return f"{vectorize}({erf}, otypes=[float])({printer._print(self.args[0])})"


# print as the user writes them (str, LaTeX); numpy code comes from _numpycode. Names chosen so that no
# sympy printer has a _print_<name> method expecting another class (sympy dispatches printing by class name).
for _cls, _name in (
    (_Sign, "sign"),
    (_Step, "step"),
    (_Abs, "abs"),
    (_Max, "max"),
    (_Min, "min"),
    (_Cbrt, "cbrt"),
    (_Erf, "erf"),
):
    _cls.__name__ = _cls.__qualname__ = _name


def _log(a, base=None):
    return sp.log(a) if base is None else sp.log(a) / sp.log(base)


#: name -> (allowed numbers of arguments, builder). Aliases share builders.
FUNCTIONS: dict[str, tuple[tuple[int, ...], Callable[..., sp.Expr]]] = {
    "sin": ((1,), sp.sin),
    "cos": ((1,), sp.cos),
    "tan": ((1,), sp.tan),
    "asin": ((1,), sp.asin),
    "arcsin": ((1,), sp.asin),
    "acos": ((1,), sp.acos),
    "arccos": ((1,), sp.acos),
    "atan": ((1,), sp.atan),
    "arctan": ((1,), sp.atan),
    "atan2": ((2,), sp.atan2),
    "arctan2": ((2,), sp.atan2),
    "sinh": ((1,), sp.sinh),
    "cosh": ((1,), sp.cosh),
    "tanh": ((1,), sp.tanh),
    "asinh": ((1,), sp.asinh),
    "arcsinh": ((1,), sp.asinh),
    "acosh": ((1,), sp.acosh),
    "arccosh": ((1,), sp.acosh),
    "atanh": ((1,), sp.atanh),
    "arctanh": ((1,), sp.atanh),
    "exp": ((1,), sp.exp),
    "log": ((1, 2), _log),
    "ln": ((1,), sp.log),
    "log10": ((1,), lambda a: sp.log(a) / sp.log(10)),
    "log2": ((1,), lambda a: sp.log(a) / sp.log(2)),
    "sqrt": ((1,), sp.sqrt),
    "cbrt": ((1,), _Cbrt),
    "abs": ((1,), _Abs),
    "sign": ((1,), _Sign),
    "min": ((2,), _Min),
    "max": ((2,), _Max),
    "erf": ((1,), _Erf),
    "sigmoid": ((1,), lambda a: 1 / (1 + sp.exp(-a))),
    "relu": ((1,), lambda a: _Max(a, sp.S.Zero)),
}

#: Known but refused on purpose (piecewise constant: zero gradient almost everywhere).
_REFUSED_FUNCTIONS = {"floor", "ceil", "round", "mod", "trunc", "frac", "heaviside", "step"}

_VARIABLES = {"x": X, "y": Y, "θ": X, "theta": X}
_CONSTANTS = {"pi": sp.pi, "π": sp.pi, "e": sp.E}

#: Non-ASCII characters a formula may contain, and what they are read as.
_UNICODE = {"θ": "θ", "π": "π", "\u2212": "-", "×": "*", "·": "*", "\u22c5": "*"}

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

_TOKEN_RE = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+
           |(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)
      | (?P<name>[^\W\d]\w*)
      | (?P<other>\*\*|.)""",
    re.VERBOSE,
)
_TRAILING_OPERATORS = ("**", "+", "-", "*", "/", "^", ",")


# -- the text layer: characters, parentheses, implicit multiplication, syntax errors ------------------------
class _Source:
    """The user's text, the text given to ast.parse, and the map between their columns."""

    def __init__(self, text: str):
        self.lead = len(text) - len(text.lstrip())
        # what the user wrote, without surrounding blanks, on one line (so that messages are one line)
        self.text = re.sub(r"[\t\n\r]", " ", text.strip())
        parsed: list[str] = []
        origin: list[int] = []  # index in self.text of each character of the parsed text
        for i, ch in enumerate(self.text):
            if ch in "\t\n\r":
                ch = " "
            elif ch == "#":  # a comment would silently drop the rest of the formula
                raise FormulaError(f"unexpected character '#' at column {self.column(i)}", self.column(i))
            elif ch == "^":
                ch = "**"
            elif ch in _UNICODE:
                ch = _UNICODE[ch]
            elif not (" " <= ch <= "~"):
                shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
                raise FormulaError(f"unexpected character {shown} at column {self.column(i)}", self.column(i))
            parsed.append(ch)
            origin.extend([i] * len(ch))
        self.parsed = "".join(parsed)
        self.origin = origin + [len(self.text)]
        # ast gives UTF-8 byte offsets; map them to indexes in self.parsed
        self.byte_to_index: dict[int, int] = {}
        offset = 0
        for i, ch in enumerate(self.parsed):
            self.byte_to_index[offset] = i
            offset += len(ch.encode("utf-8"))
        self.byte_to_index[offset] = len(self.parsed)

    def column(self, index: int) -> int:
        """1-based column in the user's text of index ``index`` of self.text."""
        return self.lead + index + 1

    def node_span(self, node: ast.AST) -> tuple[int, int]:
        """(start, end) indexes in self.text of an ast node."""
        start = self.origin[self.byte_to_index.get(node.col_offset, 0)]
        end_byte = getattr(node, "end_col_offset", None)
        end_index = (
            self.byte_to_index.get(end_byte, len(self.parsed)) if end_byte is not None else len(self.parsed)
        )
        end = self.origin[end_index - 1] + 1 if end_index > 0 else 0
        return start, max(end, start)

    def node_column(self, node: ast.AST) -> int:
        return self.column(self.node_span(node)[0])

    def segment(self, node: ast.AST) -> str:
        """The user's text of a node, shortened for messages."""
        start, end = self.node_span(node)
        text = self.text[start:end]
        return text if len(text) <= 40 else text[:37] + "..."

    def error(self, message: str, node: ast.AST) -> FormulaError:
        """A FormulaError at ``node``; the last ``{col}`` in ``message`` becomes its column.

        (Not str.format: the message may quote the user's text, braces included.)
        """
        column = self.node_column(node)
        head, _, tail = message.rpartition("{col}")
        return FormulaError(f"{head}{column}{tail}", column)


def _check_parentheses(src: _Source) -> None:
    open_at: list[int] = []
    for i, ch in enumerate(src.text):
        if ch == "(":
            open_at.append(i)
            if len(open_at) > MAX_DEPTH:
                col = src.column(i)
                raise FormulaError(
                    f"formula is nested too deeply at column {col} (at most {MAX_DEPTH} levels)", col
                )
        elif ch == ")":
            if not open_at:
                col = src.column(i)
                raise FormulaError(f"unexpected ')' at column {col}", col)
            open_at.pop()
    if open_at:
        col = src.column(open_at[-1])
        raise FormulaError(f"unbalanced parenthesis at column {col}", col)


def _check_adjacent_operands(src: _Source) -> None:
    """Refuse implicit multiplication (``2x``, ``x y``, ``2(x+1)``, ``(x)(y)``) with a hint."""
    previous: tuple[str, str] | None = None  # (kind, text) of the previous significant token
    for match in _TOKEN_RE.finditer(src.text):
        kind, tok = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "name" and keyword.iskeyword(tok):
            kind = "other"
        ends = previous is not None and (previous[0] in ("number", "name") or previous[1] == ")")
        starts = kind in ("number", "name") or tok == "("
        if ends and starts and not (previous[0] == "name" and tok == "("):
            a, b = previous[1], tok
            col = src.column(match.start())
            if previous[0] == "name" and a in FUNCTIONS:
                hint = f"write {a}({b})" if kind != "other" else f"write {a}(...)"
                raise FormulaError(f"missing parentheses after '{a}' at column {col} ({hint})", col)
            shown_a = "(...)" if a == ")" else a
            shown_b = "(...)" if b == "(" else b
            raise FormulaError(
                f"missing operator between '{a}' and '{b}' at column {col} (write {shown_a}*{shown_b})", col
            )
        previous = (kind, tok)


def _syntax_error(src: _Source, err: SyntaxError) -> FormulaError:
    stripped = src.text.rstrip()
    for op in _TRAILING_OPERATORS:
        if stripped.endswith(op):
            return FormulaError(f"incomplete formula: ends after '{op}'", src.column(len(stripped)))
    if err.offset is None or err.offset < 1 or err.offset > len(src.parsed):
        return FormulaError("invalid formula", None)
    i = src.origin[err.offset - 1]
    ch = src.text[i]
    col = src.column(i)
    if ch.isalnum() or ch in "_θπ.":
        match = _TOKEN_RE.match(src.text, i)
        tok = match.group() if match else ch
        return FormulaError(f"unexpected '{tok}' at column {col}", col)
    if ch in "+-*/^(),\u2212×·":
        return FormulaError(f"unexpected '{ch}' at column {col}", col)
    return FormulaError(f"unexpected character '{ch}' at column {col}", col)


# -- the tree layer: whitelist, bounds, building the sympy expression ---------------------------------------
def _is_private(name: str) -> bool:
    return name.startswith("_")


def _attribute_index(src: _Source, node: ast.Attribute) -> int:
    """Index in src.text of the name after the dot of an attribute access."""
    _, value_end = src.node_span(node.value)
    found = src.text.find(node.attr, value_end)
    return found if found >= 0 else src.node_span(node)[0]


def _check_tree(src: _Source, tree: ast.Expression) -> None:
    """Whitelist node types and names, and bound the size and nesting, before anything is built.

    Problems are reported leftmost first, private names (``__import__``, ``__class__``) before anything else.
    """
    private = [
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
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
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


def _operator_column(src: _Source, node: ast.BinOp, sym: str) -> int:
    """Column of the operator of a binary operation (searched for between its operands)."""
    _, left_end = src.node_span(node.left)
    right_start, _ = src.node_span(node.right)
    gap = src.text[left_end:right_start]
    want = "^" if sym == "**" and "^" in gap else sym
    found = gap.find(want)
    return src.column(left_end + found) if found >= 0 else src.node_column(node)


def _check_call(src: _Source, node: ast.Call) -> None:
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


def _check_name(src: _Source, node: ast.Name) -> None:
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


def _check_constant(src: _Source, node: ast.Constant) -> None:
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

    def __init__(self, expr: sp.Expr, tower: int):
        self.expr = expr
        self.tower = tower


def _build(src: _Source, root: ast.AST) -> sp.Expr:
    """Build the sympy expression of a checked tree, bottom-up without recursion."""
    done: dict[int, _Built] = {}
    stack: list[tuple[ast.AST, bool]] = [(root, False)]
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


def _children(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _build_node(src: _Source, node: ast.AST, args: list[_Built]) -> _Built:
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
        _, fn = FUNCTIONS[node.func.id]
        values = [a.expr for a in args]
        if isinstance(fn, type) and issubclass(fn, sp.Function) and not all(v.is_Atom for v in values):
            # sympy's automatic simplification of a function of a compound argument can take minutes
            # (acosh(tanh((a - b)**50)) asks whether tanh(...) is real, which expands the power):
            # keep such applications as written; arguments that are plain numbers or symbols evaluate.
            return _Built(fn(*values, evaluate=False), tower)
        return _Built(fn(*values), tower)
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


def _check_value(src: _Source, node: ast.AST, expr: sp.Expr) -> None:
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
    src = _Source(text)
    _check_parentheses(src)
    _check_adjacent_operands(src)
    try:
        tree = ast.parse(src.parsed, mode="eval")
    except SyntaxError as err:
        raise _syntax_error(src, err) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("formula is nested too deeply") from None
    _check_tree(src, tree)
    try:
        expr = _build(src, tree.body)
    except FormulaError:
        raise
    except Exception as err:  # sympy refusing something unforeseen: still a formula problem
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


def _domain(domain, dim: int) -> tuple[tuple[float, float], ...]:
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


def _test_points(domain: Sequence[tuple[float, float]]) -> np.ndarray:
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
    except Exception as err:
        raise FormulaError(f"the formula cannot be evaluated ({type(err).__name__})") from None
    if not np.isfinite(values).any():
        raise FormulaError("the formula has no real value anywhere in the domain")
    check_time()
    return land
