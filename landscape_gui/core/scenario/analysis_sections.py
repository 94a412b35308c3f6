"""The optional ``[basins]`` and ``[restarts]`` sections of a scenario file (see :mod:`landscape_gui.core.scenario.files`).

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

from typing import Any

from landscape_gui.core.scenario.model import BasinSettings, RestartSettings
from landscape_gui.core.scenario.parse import Ctx, Table

__all__ = [
    "BASINS_KEYS",
    "RESTARTS_KEYS",
    "parse_basins",
    "parse_restarts",
]

BASINS_KEYS = ("grid", "tol")
RESTARTS_KEYS = ("n", "tol", "max_k")


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
