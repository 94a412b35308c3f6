"""What an optimizer declares about itself: hyperparameters, state buffers and the quantities of one update.

These are the building blocks of the table in :mod:`landscape_gui.core.optimizers.catalog`. A panel, a caption, a
glyph or the ``trace --state`` output is generated from them, so adding an optimizer means writing its update
rule and its declaration, and nothing elsewhere:

- :class:`Hyperparameter`: name, default, range, log scale, help (and the symbol its formulas use);
- :class:`Buffer`: one array the optimizer keeps between steps, under torch.optim's name where torch has the
  optimizer, with what it means in words and its update as a formula;
- :class:`Quantity`: a number of one update that is not kept between steps (m̂, v̂, the effective step size),
  with its formula and how to compute it from a :class:`StepContext`;
- :class:`StepContext`: everything one step saw and produced (θ before and after, the gradient the optimizer
  was given, the state before and after, the hyperparameters with the learning rate in force).

>>> b = Buffer("exp_avg", "m", "running mean of the gradients", "β₁·m + (1−β₁)·g")
>>> b.line()
'm ← β₁·m + (1−β₁)·g'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from landscape_gui.core.limits import shorten
from landscape_gui.core.types import AnyArray, FloatArray

__all__ = ["Buffer", "Hyperparameter", "Optimizer", "Quantity", "State", "StepContext"]

State = dict[str, AnyArray]


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter, with its default and the valid (slider) range ``[low, high]``.

    ``symbol`` is how the formulas write it (β₁ for ``beta1``); empty means the name itself.
    """

    name: str
    default: float
    low: float
    high: float
    log: bool = False
    help: str = ""
    integer: bool = False
    symbol: str = ""

    @property
    def sign(self) -> str:
        """The symbol the formulas use for this hyperparameter (its name when it has none)."""
        return self.symbol or self.name

    def check(self, value: float, owner: str = "") -> float:
        """``value`` as a float, or ``ValueError`` when it is not finite, out of range or not an integer.

        ``owner`` names what the hyperparameter belongs to in the message (``adam``, ``the cosine schedule``).
        """
        where = f" for {owner}" if owner else ""
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"hyperparameter {self.name}{where} must be a number, not {shorten(repr(value))}"
            ) from None
        if not math.isfinite(v):
            raise ValueError(f"hyperparameter {self.name}{where} must be finite, not {v}")
        if not self.low <= v <= self.high:
            raise ValueError(
                f"hyperparameter {self.name}{where} must lie in [{self.low:g}, {self.high:g}], not {v:g}"
            )
        if self.integer and v != int(v):
            raise ValueError(f"hyperparameter {self.name}{where} must be a whole number, not {v:g}")
        return v


@dataclass(frozen=True)
class StepContext:
    """One step of one optimizer for N particles: arrays are (N, d), the states as the optimizer keeps them.

    ``hp`` holds the hyperparameters the step used, ``lr`` being the learning rate in force (the schedule's);
    ``t`` is the step's number (1 for the first); ``grad`` the gradient the optimizer was given (noise
    included); ``hessian`` the (N, d, d) Hessians for optimizers that need them, else None.
    """

    t: int
    hp: Mapping[str, float]
    theta: FloatArray
    theta_new: FloatArray
    grad: FloatArray
    before: State
    after: State
    hessian: FloatArray | None = None

    @property
    def step(self) -> FloatArray:
        """The step actually taken, θ_new − θ."""
        return self.theta_new - self.theta

    def particle(self, index: int) -> StepContext:
        """The same step for one particle only (arrays of shape (1, d); shared scalars kept)."""
        n = self.theta.shape[0]

        def pick(a: AnyArray) -> AnyArray:
            a = np.asarray(a)
            return a[index : index + 1] if a.ndim >= 1 and a.shape[0] == n else a

        return StepContext(
            t=self.t,
            hp=self.hp,
            theta=pick(self.theta),
            theta_new=pick(self.theta_new),
            grad=pick(self.grad),
            before={k: pick(v) for k, v in self.before.items()},
            after={k: pick(v) for k, v in self.after.items()},
            hessian=None if self.hessian is None else pick(self.hessian),
        )


@dataclass(frozen=True)
class Buffer:
    """A state buffer: an (N, d) array the optimizer keeps between steps.

    ``name`` is torch.optim's key where torch has the optimizer; ``symbol`` is the letter the formulas use;
    ``formula`` is the right-hand side of its update (``symbol ← formula``). ``when`` says, from the resolved
    hyperparameters, whether the buffer is in use (torch keeps RMSprop's ``grad_avg`` only when centered).
    """

    name: str
    symbol: str
    meaning: str
    formula: str
    when: Callable[[Mapping[str, float]], bool] | None = None

    def active(self, hp: Mapping[str, float]) -> bool:
        return self.when is None or bool(self.when(hp))

    def line(self) -> str:
        return f"{self.symbol} ← {self.formula}"


@dataclass(frozen=True)
class Quantity:
    """A number of one update that is not kept between steps, e.g. Adam's m̂ = m/(1−β₁ᵗ).

    ``compute`` takes a :class:`StepContext` and returns an (N, d) array, with the optimizer's own arithmetic.
    """

    symbol: str
    meaning: str
    formula: str
    compute: Callable[[StepContext], FloatArray]
    when: Callable[[Mapping[str, float]], bool] | None = None

    def active(self, hp: Mapping[str, float]) -> bool:
        return self.when is None or bool(self.when(hp))

    def line(self) -> str:
        return f"{self.symbol} = {self.formula}"


@dataclass(frozen=True)
class Optimizer:
    """An update rule with its declaration (see :mod:`landscape_gui.core.optimizers.catalog` for the contract).

    Besides the update rule and its hyperparameters, an optimizer declares ``terms``: the buffers it keeps
    between steps (:class:`Buffer`) and the other quantities its update computes (:class:`Quantity`), in the
    order the update computes them; the formula of its step Δθ (``step``); which buffer is its velocity
    (``velocity``: the optimizer moves along −velocity) and, for adaptive methods, which quantity is its
    per-axis effective step size (``effective_lr``, a quantity's symbol). Captions, glyphs and
    ``trace --state`` are generated from these.
    """

    id: str
    name: str
    summary: str
    hyperparameters: tuple[Hyperparameter, ...]
    init: Callable[[FloatArray], State]
    update: Callable[..., tuple[FloatArray, State]]
    needs_hessian: bool = False
    terms: tuple[Buffer | Quantity, ...] = ()
    step: str = "θ_new − θ"
    velocity: str | None = None
    effective_lr: str | None = None

    @property
    def buffers(self) -> tuple[Buffer, ...]:
        """The state buffers, in the order the update computes them."""
        return tuple(t for t in self.terms if isinstance(t, Buffer))

    def quantity(self, symbol: str, hp: Mapping[str, float] | None = None) -> Quantity:
        """The declared quantity written ``symbol`` (the one in use with ``hp``, when given; an optimizer may
        declare one symbol twice with different ``when``); ``KeyError`` if there is none."""
        for t in self.terms:
            if isinstance(t, Quantity) and t.symbol == symbol and (hp is None or t.active(hp)):
                return t
        raise KeyError(f"{self.id} declares no quantity {symbol!r}")

    def defaults(self) -> dict[str, float]:
        """Every hyperparameter at its default."""
        return {h.name: h.default for h in self.hyperparameters}

    def resolve(self, values: Mapping[str, float] | None = None) -> dict[str, float]:
        """Every hyperparameter, ``values`` over the defaults, each checked against its range.

        Raises ``ValueError`` for an unknown name, a value outside ``[low, high]`` or a non-finite value.
        """
        out = self.defaults()
        if values:
            known = {h.name: h for h in self.hyperparameters}
            for name, value in values.items():
                h = known.get(name)
                if h is None:
                    raise ValueError(
                        f"unknown hyperparameter {shorten(str(name))!r} for {self.id} (known: {', '.join(known)})"
                    )
                out[name] = h.check(value, self.id)
        return out

    def hyperparameter(self, name: str) -> Hyperparameter:
        """The hyperparameter called ``name`` (``KeyError`` if there is none)."""
        for h in self.hyperparameters:
            if h.name == name:
                return h
        raise KeyError(f"unknown hyperparameter {shorten(str(name))!r} for {self.id}")

    def buffer(self, name: str) -> Buffer:
        """The declared state buffer called ``name`` (``KeyError`` if there is none)."""
        for b in self.buffers:
            if b.name == name:
                return b
        known = ", ".join(b.name for b in self.buffers) or "none"
        raise KeyError(f"{self.id} keeps no buffer {name!r} (known: {known})")

    def active_buffers(self, hp: Mapping[str, float]) -> tuple[Buffer, ...]:
        """The buffers in use with these (resolved) hyperparameters, in declaration order."""
        return tuple(b for b in self.buffers if b.active(hp))
