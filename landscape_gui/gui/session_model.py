"""The session: the core's :class:`~landscape_gui.core.scenario.model.Scenario`, held by a thin Qt adapter.

The scenario is the only state of a session: the views draw it, the panels edit it through the setters below,
and every change is checked by the same declarations a scenario file is (a refused value raises ``ValueError``
with the setting's own message and changes nothing). After each change :attr:`SessionModel.changed` carries
what changed (:func:`~landscape_gui.core.scenario.model.differences`: ``"landscape"``, ``"starts"``,
``"optimizers"``, ``"optimizer_settings"``, ``"noise"``, ``"view.theme"``, …); listeners read the new state from
the model. The landscape the scenario names is built once and kept (:attr:`SessionModel.landscape`): a formula's
takes sympy and a child process to build.

>>> m = SessionModel()                                              # doctest: +SKIP
>>> m.set_landscape("rosenbrock"); m.set_starts([[-1.5, 2.0]])      # doctest: +SKIP
>>> m.set_optimizer(0, params={"lr": 0.001})                        # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

import numpy as np
from PySide6.QtCore import QObject, Signal

from landscape_gui.core.landscapes.defined import defined_at
from landscape_gui.core.landscapes.library import LANDSCAPE_IDS, get_landscape
from landscape_gui.core.optimizers.catalog import get_optimizer
from landscape_gui.core.optimizers.schedules import Schedule
from landscape_gui.core.scenario.declarations import SettingError, check_changes
from landscape_gui.core.scenario.model import (
    MAX_STARTS,
    BasinSettings,
    Camera,
    LandscapeSpec,
    OptimizerSpec,
    RestartSettings,
    Scenario,
    differences,
)
from landscape_gui.core.scenario.session import default_scenario, demo_optimizer, starts_kept


class SessionModel(QObject):
    """See the module docstring."""

    changed = Signal(object)  # frozenset[str]: what changed

    def __init__(self, parent=None):
        super().__init__(parent)
        self._scenario = default_scenario()
        self._landscape = self._scenario.build_landscape()
        #: The log height chosen by hand (View → Log height) per landscape: it holds for that landscape only,
        #: and is back when the landscape is chosen again.
        self._log_height: dict[str, bool] = {}

    # -- reading ------------------------------------------------------------------------------------------
    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def landscape(self):
        """The scenario's landscape, built."""
        return self._landscape

    @property
    def starts(self) -> np.ndarray:
        """The start points as an (S, d) array (a copy)."""
        return np.array(self._scenario.starts, dtype=np.float64).reshape(-1, self._landscape.dim)

    @property
    def optimizers(self) -> tuple[OptimizerSpec, ...]:
        return self._scenario.optimizers

    @property
    def view(self):
        return self._scenario.view

    # -- changing -----------------------------------------------------------------------------------------
    def replace(self, scenario: Scenario, landscape=None) -> None:
        """Make ``scenario`` the session (a file or preset opened, a session restored); ``landscape``: its
        landscape already built. Whatever fails (the landscape cannot be built) leaves the session as it was."""
        if landscape is None:
            same = scenario.landscape == self._scenario.landscape
            landscape = self._landscape if same else scenario.build_landscape()
        self._commit(scenario.with_drawn_restarts(landscape), landscape)

    def _commit(self, scenario: Scenario, landscape=None) -> None:
        old = self._scenario
        what = differences(old, scenario)
        if landscape is not None and landscape is not self._landscape:
            self._landscape = landscape
            what |= {"landscape"}  # the same words, built again: the views are rebuilt too
        self._scenario = scenario
        if what:
            self.changed.emit(what)

    def set_landscape(self, landscape, *, formula: str | None = None) -> None:
        """Switch to a built-in id, or to a landscape already built (``formula``: the text typed for it). Start
        points that are no longer usable are replaced; the view's log height goes back to automatic (or to the
        one chosen by hand for this landscape before) and the lesson (title and description) is dropped: it
        described another landscape."""
        if isinstance(landscape, str):
            spec, landscape = LandscapeSpec(function=landscape), get_landscape(landscape)
        elif landscape.id in LANDSCAPE_IDS and formula is None:
            spec = LandscapeSpec(function=landscape.id, domain=_domain_if_other(landscape))
        else:
            spec = LandscapeSpec(
                expr=formula or landscape.formula, domain=_domain_if_other(landscape, formula)
            )
        s = self._scenario
        if spec == s.landscape and landscape is self._landscape:
            return
        starts = starts_kept(landscape, self.starts if landscape.dim == self._landscape.dim else [])
        n = int(getattr(landscape, "n_samples", 0) or 0)
        batch = s.batch_size if s.batch_size is not None and 1 <= s.batch_size <= n else None
        same_lesson = spec.function is not None and spec.function == s.landscape.function
        self._commit(
            replace(
                s,
                landscape=spec,
                starts=tuple(map(tuple, starts)),
                batch_size=batch,
                title=s.title if same_lesson else "",
                description=s.description if same_lesson else "",
                view=replace(s.view, log_height=self._log_height.get(_landscape_key(spec)), camera=None),
                restarts=None,
            ),  # fmt: skip
            landscape,
        )

    def set_domain(self, domain) -> None:
        """Another domain for the current landscape (``ValueError`` when it is not finite and ordered)."""
        landscape = self._landscape.with_domain(domain)
        s = self._scenario
        spec = replace(s.landscape, domain=tuple(tuple(float(v) for v in b) for b in landscape.domain))
        starts = starts_kept(landscape, self.starts)
        self._commit(replace(s, landscape=spec, starts=tuple(map(tuple, starts)), restarts=None), landscape)

    # -- start points -------------------------------------------------------------------------------------
    def set_starts(self, points) -> None:
        """The start points (``ValueError`` when one is not finite or J is undefined there)."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, self._landscape.dim)
        if not np.isfinite(pts).all():
            raise ValueError("start points must be finite numbers")
        if len(pts) > MAX_STARTS:
            raise ValueError(f"at most {MAX_STARTS} start points, not {len(pts)}")
        bad = ~defined_at(self._landscape, pts) if len(pts) else np.zeros(0, bool)
        if bad.any():
            where = ", ".join(
                f"{v}={c:.3g}" for v, c in zip(self._landscape.variables, pts[bad][0], strict=True)
            )
            raise ValueError(
                f"no start at {where}: J = {self._landscape.formula} is undefined there (not a real number)"
            )
        # start points placed by hand are no longer the random restarts
        self._commit(replace(self._scenario, starts=tuple(map(tuple, pts)), restarts=None))

    def start_restarts(self, restarts: RestartSettings, seed: int) -> None:
        """Random restarts: ``restarts.n`` start points drawn uniformly over the domain from ``seed``, the best run
        highlighted (``ValueError`` for a seed out of range)."""
        s = _checked(self._scenario, {"seed": seed})
        self._commit(replace(s, restarts=restarts, highlight_best=True).with_drawn_restarts(self._landscape))

    def add_start(self, point) -> None:
        self.set_starts(np.vstack([self.starts, np.asarray(point, dtype=np.float64).reshape(1, -1)]))

    def move_start(self, index: int, point) -> None:
        pts = self.starts
        pts[index] = np.asarray(point, dtype=np.float64).reshape(-1)
        self.set_starts(pts)

    def remove_starts(self, indices: Sequence[int]) -> None:
        self.set_starts(np.delete(self.starts, list(indices), axis=0))

    def clear_starts(self) -> None:
        self.set_starts(np.zeros((0, self._landscape.dim)))

    # -- optimizers ---------------------------------------------------------------------------------------
    def set_optimizers(self, optimizers: Sequence[OptimizerSpec]) -> None:
        """The list of optimizers (``KeyError``/``ValueError`` on an unknown id or a value out of range)."""
        specs = []
        for o in optimizers:
            opt = get_optimizer(o.id)
            specs.append(replace(o, params=opt.resolve(dict(o.params))))
        self._commit(replace(self._scenario, optimizers=tuple(specs)))

    def set_optimizer_enabled(self, optimizer_id: str, enabled: bool) -> None:
        """Tick or untick an optimizer: it joins with a lecture's learning rate, or all its entries leave."""
        ids = [o.id for o in self.optimizers]
        if enabled and optimizer_id not in ids:
            self.set_optimizers([*self.optimizers, demo_optimizer(optimizer_id)])
        elif not enabled and optimizer_id in ids:
            self.set_optimizers([o for o in self.optimizers if o.id != optimizer_id])

    def set_optimizer(
        self, index: int, *, params=None, schedule: Schedule | None | Literal["keep"] = "keep"
    ) -> None:
        """Change one optimizer's hyperparameters and/or schedule, from the next step (no reset). Its label goes:
        a label such as "GD, lr 0.01" described the values it came with."""
        o = self.optimizers[index]
        new = o
        if params is not None:
            new = replace(new, params=get_optimizer(o.id).resolve({**o.params, **params}))
        if schedule != "keep":
            new = replace(new, schedule=schedule)
        if new == o:
            return
        opts = list(self.optimizers)
        opts[index] = replace(new, label="")
        self._commit(replace(self._scenario, optimizers=tuple(opts)))

    # -- settings -----------------------------------------------------------------------------------------
    def set(self, **changes) -> None:
        """Declared settings of the scenario (steps, noise, seed, highlight_best, title, description) and the
        batch size; ``ValueError`` with the setting's message when one is refused."""
        s = self._scenario
        if "batch_size" in changes:
            batch = changes.pop("batch_size")
            n = int(getattr(self._landscape, "n_samples", 0) or 0)
            if batch is not None:
                if n == 0:
                    raise ValueError(
                        f"a batch size needs a landscape made of data; {self._landscape.name!r} is a formula"
                    )
                if isinstance(batch, bool) or int(batch) != batch or not 1 <= batch <= n:
                    raise ValueError(f"batch size must be a whole number 1 … {n} (the samples), not {batch}")
                batch = None if int(batch) == n else int(batch)
            s = replace(s, batch_size=batch)
        s = _checked(s, changes)
        if s.seed != self._scenario.seed:  # restarts are drawn from the seed
            s = s.with_drawn_restarts(self._landscape)
        self._commit(s)

    def set_view(self, **changes) -> None:
        """View settings (colormap, log_height, theme, contours, critical_points, trails, glyphs, step_caption,
        batch_surface, speed, fast, camera). A log height chosen holds for the current landscape only."""
        view = _checked(self._scenario.view, changes)
        if "log_height" in changes:
            key = _landscape_key(self._scenario.landscape)
            if view.log_height is None:
                self._log_height.pop(key, None)
            else:
                self._log_height[key] = view.log_height
        self._commit(replace(self._scenario, view=view))

    def set_camera(self, camera: dict | None) -> None:
        """The 3D camera the session is saved with (None: the landscape's default)."""
        self.set_view(camera=None if camera is None else Camera(**camera))

    def set_basins(self, basins: BasinSettings | None) -> None:
        self._commit(replace(self._scenario, basins=basins))

    def set_restarts(self, restarts: RestartSettings | None) -> None:
        self._commit(replace(self._scenario, restarts=restarts))


def _checked(obj, changes: dict):
    """``obj`` with ``changes``, each checked by its declaration (``ValueError`` with the message otherwise)."""
    try:
        return check_changes(obj, **changes)
    except SettingError as e:
        raise ValueError(str(e)) from None


def _landscape_key(spec: LandscapeSpec) -> str:
    """What "the same landscape" is for a choice made per landscape: a built-in id, or a formula (any domain)."""
    return spec.function if spec.function else f"formula:{spec.expr}"


def _domain_if_other(landscape, formula: str | None = None):
    """The landscape's domain, when it is not the one its built-in id (or a formula by default) has."""
    domain = tuple(tuple(float(v) for v in b) for b in landscape.domain)
    if formula is None and landscape.id in LANDSCAPE_IDS:
        return None if domain == tuple(tuple(b) for b in get_landscape(landscape.id).domain) else domain
    return domain
