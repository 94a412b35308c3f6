"""The optional ``[basins]`` and ``[restarts]`` sections of a scenario file (see :mod:`landscape_gui.core.scenario`).

::

    [basins]            # show the basins of attraction of the scenario's optimizers
    grid = 200          # starts per axis (2 … 1000)
    tol = 0.001         # an end point within tol of a critical point has reached it

    [restarts]          # random restarts: n starts uniform over the domain, from [run] seed, [run] steps long
    n = 1000
    tol = 0.001
    max_k = 300         # the success curve P(≥ 1 of k restarts reaches the global minimum) for k = 1 … max_k
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from landscape_gui.core.scenario_parse import Ctx, Table

__all__ = [
    "BASINS_KEYS",
    "RESTARTS_KEYS",
    "BasinSettings",
    "RestartSettings",
    "parse_basins",
    "parse_restarts",
]

BASINS_KEYS = ("grid", "tol")
RESTARTS_KEYS = ("n", "tol", "max_k")


@dataclass(frozen=True)
class BasinSettings:
    """The basin view is on, with this grid of starts and tolerance."""

    grid: int = 200
    tol: float = 1e-3

    def as_dict(self) -> dict[str, Any]:
        return {"grid": self.grid, "tol": float(self.tol)}


@dataclass(frozen=True)
class RestartSettings:
    """Random restarts: ``n`` starts, outcomes within ``tol``, the success curve up to ``max_k``."""

    n: int = 1000
    tol: float = 1e-3
    max_k: int = 50

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "tol": float(self.tol), "max_k": self.max_k}


def parse_basins(ctx: Ctx, data: Any) -> BasinSettings:
    t = Table(ctx, data, ("basins",), "[basins]", BASINS_KEYS)
    out = BasinSettings(grid=t.int("grid", 200, 2, 1000), tol=t.float("tol", 1e-3, 0.0, 1e6, open_lo=True))
    t.done()
    return out


def parse_restarts(ctx: Ctx, data: Any) -> RestartSettings:
    t = Table(ctx, data, ("restarts",), "[restarts]", RESTARTS_KEYS)
    out = RestartSettings(
        n=t.int("n", 1000, 1, 1_000_000),
        tol=t.float("tol", 1e-3, 0.0, 1e6, open_lo=True),
        max_k=t.int("max_k", 50, 1, 100_000),
    )
    t.done()
    return out
