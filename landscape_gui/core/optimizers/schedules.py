"""Learning-rate schedules with torch.optim.lr_scheduler's semantics, names and defaults.

A schedule is stepped once after every optimizer step, as torch's ``scheduler.step()`` is: the learning rate
of step 1 is the schedule's value at epoch 0 (the base ``lr``, or ``lr·start_factor`` for ``linear``), and
each step after that moves it on by one epoch with torch's own *recursive* rule (``get_lr``), computed with
the same floating-point operations, so that trajectories agree with torch's:

- ``constant``: the base lr (no scheduler; the default);
- ``step``: ``StepLR(step_size, gamma=0.1)``: lr × gamma every ``step_size`` epochs;
- ``exponential``: ``ExponentialLR(gamma)``: lr × gamma every epoch;
- ``cosine``: ``CosineAnnealingLR(T_max, eta_min=0)``: half a cosine from the base lr down to ``eta_min``
  over ``T_max`` epochs. Torch's recursive form keeps going past ``T_max``: it climbs back to the base lr
  at 2·T_max, and so on (period 2·T_max);
- ``linear``: ``LinearLR(start_factor=1/3, end_factor=1.0, total_iters=5)``: the factor moves linearly from
  ``start_factor`` to ``end_factor`` over ``total_iters`` epochs, then stays (a warm-up with the defaults).

Torch has no default for ``step_size``, ``ExponentialLR``'s ``gamma`` or ``T_max``; the defaults here are
for a slider to start from. Each schedule's parameters are declared like an optimizer's hyperparameters
(:class:`~landscape_gui.core.optimizers.spec.Hyperparameter`), so a panel can be generated from them.

>>> s = parse_schedule("cosine:T_max=4,eta_min=0.001")
>>> [round(lr, 6) for lr in s.lrs(0.1, 10)]
[0.1, 0.085502, 0.0505, 0.015498, 0.001, 0.015498, 0.0505, 0.085502, 0.1, 0.085502]
>>> s.text()
'cosine:T_max=4,eta_min=0.001'
>>> parse_schedule("cosine:tmax=4")
Traceback (most recent call last):
...
ValueError: unknown parameter 'tmax' of the cosine schedule (did you mean 'T_max'?) (known: T_max, eta_min)
>>> parse_schedule("cosine:T_max=10,T_max=20")
Traceback (most recent call last):
...
ValueError: setting 'T_max' is given twice: give each parameter once
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from landscape_gui.core.limits import shorten
from landscape_gui.core.optimizers.spec import Hyperparameter

__all__ = [
    "CONSTANT",
    "SCHEDULES",
    "SCHEDULE_IDS",
    "Schedule",
    "ScheduleKind",
    "get_schedule_kind",
    "parse_schedule",
]

Params = Mapping[str, float]


@dataclass(frozen=True)
class ScheduleKind:
    """A kind of schedule, declared: its parameters and torch's rule.

    ``initial(base_lr, p)`` is the learning rate of the first step (torch's value after constructing the
    scheduler); ``advance(lr, epoch, base_lr, p)`` the learning rate at ``epoch`` ≥ 1 from the one at
    ``epoch − 1`` (torch's ``get_lr``).
    """

    id: str
    name: str
    torch_name: str
    summary: str
    parameters: tuple[Hyperparameter, ...]
    initial: Callable[[float, Params], float]
    advance: Callable[[float, int, float, Params], float]

    def resolve(self, values: Params | None = None) -> dict[str, float]:
        """Every parameter, ``values`` over the defaults, checked; whole-number parameters as ``int``."""
        known = {h.name: h for h in self.parameters}
        out: dict[str, float] = {h.name: h.default for h in self.parameters}
        for name, value in (values or {}).items():
            h = known.get(name)
            if h is None:
                if not known:
                    raise ValueError(f"the {self.id} schedule takes no parameters, not {shorten(name)!r}")
                raise ValueError(
                    f"unknown parameter {shorten(name)!r} of the {self.id} schedule{suggest(name, known)}"
                    f" (known: {', '.join(known)})"
                )
            out[name] = h.check(value, f"the {self.id} schedule")
        return {k: int(v) if known[k].integer else float(v) for k, v in out.items()}


def suggest(name: str, known: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` for the known name closest to ``name`` (any case), or nothing."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if not close:
        close = [k for k in known if k.lower() == str(name).lower()]
    return f" (did you mean '{close[0]}'?)" if close else ""


# -- torch's rules (torch/optim/lr_scheduler.py, 2.13: get_lr, same operations in the same order) ----------


def _same(base: float, p: Params) -> float:
    return base


def _constant(lr: float, epoch: int, base: float, p: Params) -> float:
    return lr


def _step(lr: float, epoch: int, base: float, p: Params) -> float:
    if epoch % p["step_size"] != 0:
        return lr
    return lr * p["gamma"]


def _exponential(lr: float, epoch: int, base: float, p: Params) -> float:
    return lr * p["gamma"]


def _cosine(lr: float, epoch: int, base: float, p: Params) -> float:
    t_max, eta_min = p["T_max"], p["eta_min"]
    if (epoch - 1 - t_max) % (2 * t_max) == 0:
        return lr + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
    return (1 + math.cos(math.pi * epoch / t_max)) / (1 + math.cos(math.pi * (epoch - 1) / t_max)) * (
        lr - eta_min
    ) + eta_min


def _linear_initial(base: float, p: Params) -> float:
    return base * p["start_factor"]


def _linear(lr: float, epoch: int, base: float, p: Params) -> float:
    start, end, total = p["start_factor"], p["end_factor"], p["total_iters"]
    if epoch > total:
        return lr
    return lr * (1.0 + (end - start) / (total * start + (epoch - 1) * (end - start)))


_GAMMA_HELP = "γ: the factor the learning rate is multiplied by"

SCHEDULES: dict[str, ScheduleKind] = {
    k.id: k
    for k in (
        ScheduleKind("constant", "Constant", "(none)", "lr", (), _same, _constant),
        ScheduleKind(
            "step",
            "Step decay",
            "StepLR",
            "lr × γ every step_size steps",
            (
                Hyperparameter(
                    "step_size",
                    100,
                    1,
                    1_000_000,
                    integer=True,
                    help="steps between two decays (torch has no default; 100 here)",
                ),
                Hyperparameter(
                    "gamma", 0.1, 0.0, 1.0, help=f"{_GAMMA_HELP} every step_size steps", symbol="γ"
                ),
            ),
            _same,
            _step,
        ),
        ScheduleKind(
            "exponential",
            "Exponential decay",
            "ExponentialLR",
            "lr × γ every step",
            (
                Hyperparameter(
                    "gamma",
                    0.99,
                    0.0,
                    1.0,
                    help=f"{_GAMMA_HELP} at every step (torch has no default; 0.99 here)",
                    symbol="γ",
                ),
            ),
            _same,
            _exponential,
        ),
        ScheduleKind(
            "cosine",
            "Cosine annealing",
            "CosineAnnealingLR",
            "η_min + (lr − η_min)·(1 + cos(π·t/T_max))/2, continued past T_max (period 2·T_max)",
            (
                Hyperparameter(
                    "T_max",
                    100,
                    1,
                    1_000_000,
                    integer=True,
                    help="steps from the base lr down to eta_min (torch has no default; 100 here)",
                ),
                Hyperparameter(
                    "eta_min",
                    0.0,
                    0.0,
                    10.0,
                    help="η_min: the lowest learning rate, reached at T_max",
                    symbol="η_min",
                ),
            ),
            _same,
            _cosine,
        ),
        ScheduleKind(
            "linear",
            "Linear warm-up",
            "LinearLR",
            "lr × factor, the factor going linearly from start_factor to end_factor over total_iters steps",
            (
                Hyperparameter(
                    "start_factor",
                    1.0 / 3,
                    1e-6,
                    1.0,
                    help="factor of the first step's learning rate (0 < f ≤ 1)",
                ),
                Hyperparameter("end_factor", 1.0, 0.0, 1.0, help="factor reached after total_iters steps"),
                Hyperparameter(
                    "total_iters",
                    5,
                    1,
                    1_000_000,
                    integer=True,
                    help="steps over which the factor moves from start_factor to end_factor",
                ),
            ),
            _linear_initial,
            _linear,
        ),
    )
}

SCHEDULE_IDS: tuple[str, ...] = tuple(SCHEDULES)


def get_schedule_kind(schedule_id: str) -> ScheduleKind:
    """The schedule kind with this id; ``KeyError`` listing the known ids for an unknown one."""
    try:
        return SCHEDULES[schedule_id]
    except KeyError:
        raise KeyError(
            f"unknown schedule '{shorten(schedule_id)}'{suggest(schedule_id, SCHEDULE_IDS)}"
            f" (known: {', '.join(SCHEDULE_IDS)})"
        ) from None


@dataclass(frozen=True)
class Schedule:
    """A schedule chosen for one optimizer: the kind's id and the parameters set (the rest at defaults).

    Build one with ``Schedule("cosine", {"T_max": 100})`` (checked at once) or :func:`parse_schedule`.
    """

    id: str = "constant"
    params: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kind = get_schedule_kind(self.id)
        kind.resolve(self.params)  # raises ValueError for a bad parameter
        object.__setattr__(self, "params", {k: float(v) for k, v in self.params.items()})

    @property
    def kind(self) -> ScheduleKind:
        return SCHEDULES[self.id]

    @property
    def is_constant(self) -> bool:
        return self.id == "constant"

    def resolved(self) -> dict[str, float]:
        """Every parameter of the schedule, the ones set over the defaults."""
        return self.kind.resolve(self.params)

    def initial(self, base_lr: float) -> float:
        """The learning rate of the first step."""
        return self.kind.initial(base_lr, self.resolved())

    def advance(self, lr: float, epoch: int, base_lr: float, resolved: Params | None = None) -> float:
        """The learning rate at ``epoch`` (the step ``epoch + 1``) from the one at ``epoch − 1``."""
        return self.kind.advance(lr, epoch, base_lr, resolved if resolved is not None else self.resolved())

    def lrs(self, base_lr: float, n: int) -> list[float]:
        """The learning rates of steps 1 … n from the base learning rate, as torch's scheduler gives them."""
        p = self.resolved()
        out: list[float] = []
        lr = self.kind.initial(base_lr, p)
        for epoch in range(1, int(n) + 1):
            out.append(lr)
            lr = self.kind.advance(lr, epoch, base_lr, p)
        return out

    def lr_at(self, base_lr: float, step: int) -> float:
        """The learning rate of step ``step`` (1 for the first), replaying the recursion from the start."""
        p = self.resolved()
        lr = self.kind.initial(base_lr, p)
        for epoch in range(1, int(step)):
            lr = self.kind.advance(lr, epoch, base_lr, p)
        return lr

    def text(self) -> str:
        """The command-line form, ``NAME[:key=value,...]`` (parameters as set, in declaration order)."""
        order = [h.name for h in self.kind.parameters]
        items = [f"{k}={self.params[k]:g}" for k in order if k in self.params]
        return self.id + (":" + ",".join(items) if items else "")

    def describe(self) -> str:
        """In words, for a legend: ``cosine (T_max=100, eta_min=0.001)``."""
        p = self.resolved()
        if not p:
            return self.kind.name.lower()
        return f"{self.id} ({', '.join(f'{k}={v:g}' for k, v in p.items())})"


CONSTANT = Schedule()


def parse_schedule(text: str) -> Schedule:
    """``NAME`` or ``NAME:key=value,...`` (``cosine:T_max=100,eta_min=0.001``) as a :class:`Schedule`.

    Raises ``ValueError`` with one line that carries the user's words back and lists what is known.
    """
    name, _, rest = str(text).strip().partition(":")
    name = name.strip()
    try:
        kind = get_schedule_kind(name)
    except KeyError as e:
        raise ValueError(e.args[0]) from None
    params: dict[str, float] = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            known = ", ".join(h.name for h in kind.parameters) or "none"
            raise ValueError(f"setting {shorten(item)!r}: expected key=value (known keys: {known})")
        if key in params:
            raise ValueError(f"setting {shorten(key)!r} is given twice: give each parameter once")
        try:
            number = float(value)
        except ValueError:
            raise ValueError(
                f"setting {shorten(item)!r}: {shorten(value.strip())!r} is not a number"
            ) from None
        params[key] = number
    kind.resolve(params)  # unknown keys and out-of-range values, one line each
    return Schedule(name, params)
