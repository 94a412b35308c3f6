"""The functions a formula may call (:data:`FUNCTIONS`), with the few sympy lacks or would differentiate into
``DiracDelta``, which numpy cannot evaluate (``abs``, ``sign``, ``min``, ``max``, ``cbrt``, ``erf``).

>>> sorted(FUNCTIONS)[:4]
['abs', 'acos', 'acosh', 'arccos']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.core.logic import fuzzy_and

__all__ = ["FUNCTIONS"]


class _PiecewiseConstant(sp.Function):
    """A real step-like function of one argument: derivative 0 almost everywhere (never a DiracDelta)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> Any:
        return sp.S.Zero

    def _eval_is_extended_real(self) -> Any:
        return self.args[0].is_extended_real


class _Sign(_PiecewiseConstant):
    """sign(a), derivative 0 (almost everywhere)."""

    @classmethod
    def eval(cls, a: Any) -> Any:
        if a.is_number and a.is_extended_real:
            return sp.sign(a)
        return None

    def _numpycode(self, printer: Any) -> str:
        return f"{printer._module_format('numpy.sign')}({printer._print(self.args[0])})"


class _Step(_PiecewiseConstant):
    """Heaviside step with value 1/2 at 0, derivative 0 (almost everywhere)."""

    @classmethod
    def eval(cls, a: Any) -> Any:
        if a.is_number and a.is_extended_real:
            return (sp.sign(a) + 1) / 2
        return None

    def _numpycode(self, printer: Any) -> str:
        return f"{printer._module_format('numpy.heaviside')}({printer._print(self.args[0])}, 0.5)"


class _Abs(sp.Function):
    """|a| with derivative sign(a) (sympy's Abs would give DiracDelta in the Hessian)."""

    nargs = 1

    @classmethod
    def eval(cls, a: Any) -> Any:
        if a.is_number and a.is_extended_real:
            return sp.Abs(a)
        if a.is_extended_nonnegative:
            return a
        if a.is_extended_nonpositive:
            return -a
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return _Sign(self.args[0])

    def _eval_is_extended_real(self) -> Any:
        return self.args[0].is_extended_real

    def _eval_is_extended_nonnegative(self) -> Any:
        return True if self.args[0].is_extended_real else None

    def _numpycode(self, printer: Any) -> str:
        return f"{printer._module_format('numpy.abs')}({printer._print(self.args[0])})"


class _Extremum(sp.Function):
    """max/min of two arguments with the derivative following the winning argument (1/2 each on ties)."""

    nargs = 2
    _exact: type  # sympy's own Max / Min, for numbers
    _numpy: str  # numpy.maximum / numpy.minimum
    _sign: int  # +1: the larger argument wins, −1: the smaller

    @classmethod
    def eval(cls, a: Any, b: Any) -> Any:
        if a.is_number and b.is_number and a.is_extended_real and b.is_extended_real:
            return cls._exact(a, b)
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        a, b = self.args
        lead = self._sign * (a - b)
        return _Step(lead) if argindex == 1 else _Step(-lead)

    def _eval_is_extended_real(self) -> Any:
        return fuzzy_and(arg.is_extended_real for arg in self.args)

    def _numpycode(self, printer: Any) -> str:
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
    def eval(cls, a: Any) -> Any:
        if a.is_extended_nonnegative:
            return sp.cbrt(a)
        if a.is_number and a.is_extended_negative:
            return -sp.cbrt(-a)
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return 1 / (3 * _Cbrt(self.args[0]) ** 2)

    def _eval_is_extended_real(self) -> Any:
        return self.args[0].is_extended_real

    def _numpycode(self, printer: Any) -> str:
        return f"{printer._module_format('numpy.cbrt')}({printer._print(self.args[0])})"


class _Erf(sp.Function):
    """The error function (sympy's erf has no numpy translation)."""

    nargs = 1

    @classmethod
    def eval(cls, a: Any) -> Any:
        if a.is_zero:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return 2 / sp.sqrt(sp.pi) * sp.exp(-(self.args[0] ** 2))

    def _eval_is_extended_real(self) -> Any:
        return self.args[0].is_extended_real

    def _eval_evalf(self, prec: int) -> Any:
        return sp.erf(self.args[0])._eval_evalf(prec)

    def _numpycode(self, printer: Any) -> str:
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


def _log(a: Any, base: Any = None) -> Any:
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
